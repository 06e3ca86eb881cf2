package mnemo.learner.service;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import mnemo.learner.Learner;
import mnemo.learner.metrics.GrpcMetricsInterceptor;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import io.grpc.ServerInterceptors;

/**
 * The learner's gRPC server: {@link LearnerService} on a {@link MnemoServer} (loopback by default,
 * token / TLS, health, reflection, message cap), with per-call timings in the learner's registry.
 *
 * <pre>{@code
 * try (MetricsEndpoint metrics = MetricsEndpoint.start("127.0.0.1", 0)) {
 *   Learner learner = Learner.create(config, model, envSpec, Learner.Options.defaults()
 *       .withRunDir(runDir).withRegistry(metrics.registry()));
 *   learner.start();
 *   try (LearnerServer server = LearnerServer.start(learner, TransportSecurity.loopback(), 0, metrics.registry())) {
 *     String target = server.target();          // give this to actors
 *     learner.awaitFinished(Duration.ofHours(1));
 *   }                                           // closes the server, then the learner (final checkpoint)
 * }
 * }</pre>
 */
public final class LearnerServer implements AutoCloseable {
  private final MnemoServer server;
  private final Learner learner;

  private LearnerServer(MnemoServer server, Learner learner) {
    this.server = server;
    this.learner = learner;
  }

  /**
   * Serves {@code learner} on {@code port} (0: a free one) with {@code security}'s bind, token and TLS.
   * Inbound messages are capped at the experiment's largest unroll ({@link Learner#maxMessageBytes});
   * refused calls are counted by the learner ({@link Learner#callRefused}).
   */
  public static LearnerServer start(Learner learner, TransportSecurity security, int port, MeterRegistry registry) {
    MnemoServer server = MnemoServer.builder("learner", security).port(port)
        .maxInboundMessageSize(learner.maxMessageBytes())
        .onRefusal(r -> learner.callRefused(r.method(), r.code().name()))
        .gracePeriod(Duration.ofSeconds(2))
        .addService(ServerInterceptors.intercept(new LearnerService(learner), new GrpcMetricsInterceptor(registry)))
        .start();
    return new LearnerServer(server, learner);
  }

  public int port() {
    return server.port();
  }

  /** {@code host:port} for actors. */
  public String target() {
    return server.target();
  }

  public Learner learner() {
    return learner;
  }

  /** Blocks until the server is shut down. */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  /** Stops serving (running calls get a short grace period), then closes the learner (final checkpoint). */
  @Override
  public void close() {
    server.close();
    learner.close();
  }
}
