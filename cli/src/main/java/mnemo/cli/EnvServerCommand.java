package mnemo.cli;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskId;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.remote.EnvironmentService;
import mnemo.transport.MetricsEndpoint;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mnemo env-server}: serves registered tasks over the mnemo.env.v1 protocol until stopped. */
@Command(
    name = "env-server",
    header = "Serve the registered tasks over the environment protocol (gRPC).",
    mixinStandardHelpOptions = true,
    description = {
      "Serve environments over gRPC (mnemo.env.v1.Environment, see docs/protocols.md): every registered task, "
          + "or only the families given with --env. Also serves grpc.health.v1.Health and server reflection, so "
          + "'grpcurl -plaintext HOST:PORT list' works. Logs the bound address; runs until SIGTERM or Ctrl-C.",
      "",
      "Example: mnemo env-server --port 50051 --env memory/cue-recall",
      "Wider than loopback: MNEMO_TOKEN=secret mnemo env-server --bind 0.0.0.0 --port 50051",
      ""
    })
public final class EnvServerCommand implements Callable<Integer> {

  @Option(names = "--port", paramLabel = "P", defaultValue = "50051",
      description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--env", paramLabel = "ID", split = ",",
      description = "Serve only these task families (repeatable; parameters in an id are ignored: clients "
          + "choose them). Default: every registered task.")
  List<String> envs = List.of();

  @Option(names = "--max-message-bytes", paramLabel = "BYTES", defaultValue = "4194304",
      description = "Inbound messages larger than this fail with RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}).")
  int maxMessageBytes;

  @Mixin MetricsOptions metricsOptions;

  @Option(names = "--direct", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Step environments on the transport threads, saving a thread hand-off per step "
          + "(default: ${DEFAULT-VALUE}); --no-direct steps them on a thread pool, better when steps are slow "
          + "(milliseconds) and many clients share the server.")
  boolean direct;

  @Mixin TransportOptions transport;

  @Override
  public Integer call() throws Exception {
    TaskRegistry registry = TaskRegistry.builtin();
    Set<String> families = new LinkedHashSet<>();
    EnvironmentService service;
    TransportSecurity security;
    try {
      for (String id : envs) {
        families.add(TaskId.parse(id).family());
      }
      service = new EnvironmentService(registry, families);
      security = transport.security();
    } catch (IllegalArgumentException e) {
      System.err.println("env-server: " + e.getMessage());
      return 2;
    }
    MetricsEndpoint metrics = metricsOptions.start(security.bind());
    if (metrics != null) {
      metrics.registry().gauge("mnemo.envserver.sessions", service, EnvironmentService::openSessions);
    }
    MnemoServer server;
    try {
      MnemoServer.Builder builder = MnemoServer.builder("env-server", security)
          .port(port)
          .maxInboundMessageSize(maxMessageBytes)
          .addService(service);
      if (direct) {
        builder.directExecutor();
      }
      server = builder.start();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      if (metrics != null) {
        metrics.close();
      }
      System.err.println("env-server: " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      if (metrics != null) {
        metrics.close();
      }
    }, "env-server-shutdown"));
    System.out.println("env-server: serving " + String.join(", ", service.families().stream().map(TaskFamily::name).toList())
        + " on " + server.target() + (metrics != null ? " (metrics " + metrics.url() + ")" : ""));
    System.out.flush();
    server.awaitTermination();
    return 0;
  }
}
