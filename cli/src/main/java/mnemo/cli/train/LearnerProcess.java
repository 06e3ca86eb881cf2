package mnemo.cli.train;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.envs.EnvSpec;
import mnemo.envs.remote.ProtoCodec;
import mnemo.learner.Learner;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.learner.service.LearnerServer;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.transport.MetricsEndpoint;
import mnemo.transport.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One learner process, as {@code mnemo learner} and {@code mnemo train} both run it: the agent network,
 * the {@link Learner} (fresh, or continuing a checkpoint) checkpointing into the run folder, its gRPC
 * server, and the metrics registry (served over HTTP with {@code --metrics-port}).
 *
 * <pre>{@code
 * LearnerProcess p = LearnerProcess.start(config, checkpoint, envSpec, models, settings);
 * p.closeOnShutdown(actors::close);   // SIGTERM / Ctrl-C: actors first, then the final checkpoint
 * ... actors connect to p.target(); show p.learner().progress() until p.learner().awaitFinished(...)
 * p.close();                          // stops serving, closes the learner (final checkpoint), the model
 * }</pre>
 */
public final class LearnerProcess implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LearnerProcess.class);

  /**
   * Where and how the learner runs.
   *
   * @param runDir the run folder (checkpoint.zip goes there)
   * @param checkpointInterval time between periodic checkpoints ({@link #checkpointInterval(double)})
   * @param queueCapacity unrolls queued before actors are slowed down (0: 2·B)
   * @param maxEnvsPerActor the most environments an actor may register (0: {@link Learner#defaultMaxEnvs})
   * @param security the server's bind, token and TLS
   * @param port the gRPC port (0: a free one)
   * @param metricsEndpoint the Prometheus endpoint to register into, or null for none
   */
  public record Settings(Path runDir, Duration checkpointInterval, int queueCapacity, int maxEnvsPerActor,
      TransportSecurity security, int port, MetricsEndpoint metricsEndpoint) {}

  private final Path runDir;
  private final AgentModel model;
  private final Learner learner;
  private final LearnerServer server;
  private final MetricsEndpoint endpoint;
  private final MeterRegistry registry;
  private final AtomicBoolean closed = new AtomicBoolean();
  private Runnable first = () -> {};
  private Thread hook;
  private volatile boolean signalled;

  private LearnerProcess(Path runDir, AgentModel model, Learner learner, LearnerServer server, MetricsEndpoint endpoint,
      MeterRegistry registry) {
    this.runDir = runDir;
    this.model = model;
    this.learner = learner;
    this.server = server;
    this.endpoint = endpoint;
    this.registry = registry;
  }

  /** The checkpoint interval of {@code --checkpoint-every SECONDS}; refuses one that is not positive. */
  public static Duration checkpointInterval(double seconds) {
    if (!(seconds > 0)) {
      throw new IllegalArgumentException("--checkpoint-every must be positive, got " + seconds);
    }
    return Duration.ofMillis((long) (seconds * 1000));
  }

  /**
   * Builds the model with {@code models}, the learner for {@code config} (resolved) or continuing {@code
   * checkpoint} (when not null), starts its training thread and serves it. The learner reads the task's
   * spec as the wire carries it.
   */
  public static LearnerProcess start(ExperimentConfig config, Checkpoint checkpoint, EnvSpec task,
      Function<AgentSpec, AgentModel> models, Settings s) {
    mnemo.proto.env.v1.EnvSpec envSpec = ProtoCodec.toProto(task);
    MetricsEndpoint endpoint = s.metricsEndpoint();
    MeterRegistry registry = endpoint != null ? endpoint.registry() : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentModel model = models.apply(Learner.agentSpec(config, envSpec));
    Learner.Options options = Learner.Options.defaults().withRunDir(s.runDir()).withRegistry(registry)
        .withQueueCapacity(s.queueCapacity()).withMaxEnvsPerActor(s.maxEnvsPerActor())
        .withCheckpointInterval(s.checkpointInterval());
    Learner learner = checkpoint != null ? Learner.resume(checkpoint, model, envSpec, options)
        : Learner.create(config, model, envSpec, options);
    learner.start();
    LearnerServer server = LearnerServer.start(learner, s.security(), s.port(), registry);
    return new LearnerProcess(s.runDir(), model, learner, server, endpoint, registry);
  }

  public Learner learner() {
    return learner;
  }

  /** {@code host:port} for actors. */
  public String target() {
    return server.target();
  }

  /** Where the process's meters go (actors in this JVM add theirs). */
  public MeterRegistry registry() {
    return registry;
  }

  /** "{@code host:port}" and, when served, ", metrics on URL". */
  public String address() {
    return server.target() + (endpoint != null ? ", metrics on " + endpoint.url() : "");
  }

  /**
   * Closes this process on SIGTERM / Ctrl-C, running {@code first} (stopping actors, say) before the
   * server stops; {@link #close} runs it too.
   */
  public void closeOnShutdown(Runnable first) {
    this.first = first;
    hook = new Thread(() -> {
      signalled = true;
      log.info("shutting down: final checkpoint to {}", Checkpoint.inRunDir(runDir));
      close();
    }, "learner-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** True when the JVM is shutting down (SIGTERM, Ctrl-C): the shutdown hook closes this process. */
  public boolean signalled() {
    return signalled;
  }

  /**
   * Runs the {@link #closeOnShutdown} action, stops serving, closes the learner (its final checkpoint),
   * the model and the metrics endpoint. Returns at once when the JVM is shutting down: the hook closes.
   */
  @Override
  public void close() {
    Thread h = hook;
    if (h != null && Thread.currentThread() != h) {
      try {
        Runtime.getRuntime().removeShutdownHook(h);
      } catch (IllegalStateException e) { // shutting down already: the hook does the closing
        signalled = true;
        return;
      }
    }
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    first.run();
    server.close(); // stops serving, then closes the learner: final checkpoint
    model.close();
    if (endpoint != null) {
      endpoint.close();
    }
  }
}
