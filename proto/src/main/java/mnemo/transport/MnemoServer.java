package mnemo.transport;

import io.grpc.BindableService;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.TlsServerCredentials;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Mnemo gRPC server. Every Mnemo server (environment server, learner) is built here so that
 * they all share one policy:
 *
 * <ul>
 *   <li>binds {@link TransportSecurity#bind()} (loopback by default); port 0 picks a free port, {@link
 *       #port()} reports the bound one;
 *   <li>refuses to start on a non-loopback address without a token or TLS;
 *   <li>a shared token is checked on every call by {@link BearerTokenInterceptor} (health stays open);
 *   <li>TLS from a PEM certificate chain and key;
 *   <li>inbound messages larger than {@code maxInboundMessageSize} are refused with RESOURCE_EXHAUSTED
 *       from their length prefix, before they are buffered; compressed ones may not inflate past it either;
 *   <li>a request that does not parse ends its call with INVALID_ARGUMENT ({@link GuardedParsing});
 *   <li>every refused call ({@link Refusal}: bad input, oversized, unauthenticated…) is logged in one line
 *       and reported to {@link Builder#onRefusal}, for the server's metrics;
 *   <li>the standard {@code grpc.health.v1.Health} service (SERVING for "" and for each added service)
 *       and server reflection (v1 and v1alpha), so {@code grpcurl} and Kubernetes probes work;
 *   <li>{@link #close()} shuts down gracefully: health goes NOT_SERVING, new calls are refused, running
 *       calls get a grace period, then are cancelled.
 * </ul>
 *
 * <pre>{@code
 * try (MnemoServer server = MnemoServer.builder("env-server", security).port(0)
 *     .addService(new EnvironmentService(registry)).start()) {
 *   log.info("serving on {}", server.target());
 *   server.awaitTermination();
 * }
 * }</pre>
 */
public final class MnemoServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MnemoServer.class);

  /**
   * gRPC's transport logs every refused oversized message as a WARNING with a stack trace; {@link
   * RefusalTracer} logs it in one line instead. Held here: java.util.logging keeps loggers weakly.
   */
  private static final java.util.logging.Logger NETTY_STREAM_LOG =
      java.util.logging.Logger.getLogger("io.grpc.netty.shaded.io.grpc.netty.NettyServerStream");

  static {
    NETTY_STREAM_LOG.setLevel(Level.SEVERE);
  }

  /** gRPC's own default cap on inbound messages: 4 MiB. */
  public static final int DEFAULT_MAX_INBOUND_BYTES = 4 << 20;

  private final String name;
  private final Server server;
  private final HealthStatusManager health;
  private final InetSocketAddress address;
  private final Duration grace;
  private volatile boolean closed;

  private MnemoServer(String name, Server server, HealthStatusManager health, InetSocketAddress address,
      Duration grace) {
    this.name = name;
    this.server = server;
    this.health = health;
    this.address = address;
    this.grace = grace;
  }

  public static Builder builder(String name, TransportSecurity security) {
    return new Builder(name, security);
  }

  /** The bound port (the chosen one when built with port 0). */
  public int port() {
    return address.getPort();
  }

  /** The bound address. */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code host:port} to give a client, e.g. {@code 127.0.0.1:50051}. */
  public String target() {
    String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    if (host.contains(":")) {
      host = "[" + host + "]";
    }
    return host + ":" + port();
  }

  /** Sets the health status of {@code service} ("" for the whole server). */
  public void setServing(String service, boolean serving) {
    health.setStatus(service, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
  }

  /** Blocks until the server has shut down (by {@link #close()} or a shutdown hook). */
  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  public boolean isTerminated() {
    return server.isTerminated();
  }

  /** Graceful shutdown: NOT_SERVING, refuse new calls, let running ones finish within the grace period. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    health.enterTerminalState();
    server.shutdown();
    try {
      if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    log.info("{} on {} stopped", name, target());
  }

  /** Builds and starts a {@link MnemoServer}. */
  public static final class Builder {
    private final String name;
    private final TransportSecurity security;
    private int port;
    private int maxInboundBytes = DEFAULT_MAX_INBOUND_BYTES;
    private final List<ServerServiceDefinition> services = new ArrayList<>();
    private Executor executor;
    private boolean direct;
    private Duration grace = Duration.ofSeconds(5);
    private Consumer<Refusal> onRefusal = r -> {};

    private Builder(String name, TransportSecurity security) {
      this.name = name;
      this.security = security;
    }

    /** The port to bind; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
      }
      this.port = port;
      return this;
    }

    /** Inbound messages larger than this fail with RESOURCE_EXHAUSTED. */
    public Builder maxInboundMessageSize(int bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("max inbound message size must be positive, got " + bytes);
      }
      this.maxInboundBytes = bytes;
      return this;
    }

    public Builder addService(BindableService service) {
      return addService(service.bindService());
    }

    public Builder addService(ServerServiceDefinition service) {
      services.add(service);
      return this;
    }

    /**
     * Runs handlers on the transport threads: the lowest latency for handlers that never block and
     * are cheap (stepping a small environment). Handlers that block or compute long need an executor.
     */
    public Builder directExecutor() {
      this.direct = true;
      this.executor = null;
      return this;
    }

    public Builder executor(Executor executor) {
      this.executor = executor;
      this.direct = false;
      return this;
    }

    /** Called (on a transport thread: keep it quick) for every refused call, after it is logged. */
    public Builder onRefusal(Consumer<Refusal> listener) {
      this.onRefusal = listener;
      return this;
    }

    /** How long {@link #close()} lets running calls finish. */
    public Builder gracePeriod(Duration grace) {
      this.grace = grace;
      return this;
    }

    /**
     * Starts the server. Throws IllegalArgumentException when the security options forbid it (wide bind
     * without token or TLS), UncheckedIOException when the address cannot be bound.
     */
    public MnemoServer start() {
      security.checkServer();
      ServerCredentials credentials;
      try {
        credentials = security.serverTls()
            ? TlsServerCredentials.create(security.tlsCert().toFile(), security.tlsKey().toFile())
            : InsecureServerCredentials.create();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read TLS certificate or key: " + e.getMessage(), e);
      }
      NettyServerBuilder b = NettyServerBuilder.forAddress(new InetSocketAddress(security.bind(), port), credentials)
          .maxInboundMessageSize(maxInboundBytes)
          // Finds vanished peers on silent networks; a killed process is seen at once (TCP reset).
          .keepAliveTime(30, TimeUnit.SECONDS)
          .keepAliveTimeout(10, TimeUnit.SECONDS)
          .permitKeepAliveTime(10, TimeUnit.SECONDS)
          .permitKeepAliveWithoutCalls(true);
      if (direct) {
        b.directExecutor();
      } else if (executor != null) {
        b.executor(executor);
      }
      HealthStatusManager health = new HealthStatusManager();
      b.addService(GuardedParsing.wrap(health.getHealthService().bindService()));
      b.addService(GuardedParsing.wrap(ProtoReflectionServiceV1.newInstance().bindService()));
      b.addService(GuardedParsing.wrap(v1alphaReflection().bindService()));
      for (ServerServiceDefinition s : services) {
        b.addService(GuardedParsing.wrap(s));
      }
      b.addStreamTracerFactory(new RefusalTracer(name, onRefusal));
      if (security.hasToken()) {
        b.intercept(new BearerTokenInterceptor(security.token()));
      }
      Server server;
      try {
        server = b.build().start();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot bind " + security.bind() + ":" + port + ": " + e.getMessage(), e);
      }
      for (ServerServiceDefinition s : services) {
        health.setStatus(s.getServiceDescriptor().getName(), ServingStatus.SERVING);
      }
      health.setStatus(HealthStatusManager.SERVICE_NAME_ALL_SERVICES, ServingStatus.SERVING);
      InetSocketAddress bound = (InetSocketAddress) server.getListenSockets().get(0);
      MnemoServer s = new MnemoServer(name, server, health, bound, grace);
      log.info("{} listening on {} ({}{}{})", name, s.target(), security.serverTls() ? "TLS" : "plaintext",
          security.hasToken() ? ", token required" : "", security.bindsLoopback() ? ", loopback only" : "");
      return s;
    }

    /** The older reflection protocol, which grpcurl versions before 1.9 speak. */
    @SuppressWarnings("deprecation")
    private static BindableService v1alphaReflection() {
      return io.grpc.protobuf.services.ProtoReflectionService.newInstance();
    }
  }
}
