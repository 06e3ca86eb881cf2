package mnemo.cli;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskId;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.remote.EnvironmentService;
import mnemo.envs.remote.SessionBudget;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.transport.MetricsEndpoint;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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

  @Option(names = "--session-budget-mib", paramLabel = "MIB", defaultValue = "0",
      description = "What all sessions together may hold, by estimate: a create needing more is refused with "
          + "RESOURCE_EXHAUSTED (default: half the JVM's maximum heap).")
  long sessionBudgetMib;

  @Option(names = "--env-cost", paramLabel = "FAMILY=KIB", split = ",",
      description = "The estimated cost of one environment of FAMILY in KiB, replacing the default estimate "
          + "(4 KiB + 48 x its observation's bytes); repeatable.")
  Map<String, Long> envCosts = Map.of();

  @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "600",
      description = "Close a session that sends no request for this long (DEADLINE_EXCEEDED; logged and counted "
          + "in mnemo_envserver_sessions_idle_closed_total; default: ${DEFAULT-VALUE}).")
  double idleTimeout;

  @Mixin TransportOptions transport;

  @Spec CommandSpec spec;

  private SessionBudget sessionBudget() {
    if (sessionBudgetMib < 0) {
      throw new IllegalArgumentException("--session-budget-mib must be >= 0, got " + sessionBudgetMib);
    }
    long kib = sessionBudgetMib > 0 ? sessionBudgetMib * 1024 : SessionBudget.halfTheHeap().capacityKiB();
    return new SessionBudget(kib, envCosts);
  }

  @Override
  public Integer call() throws Exception {
    TaskRegistry registry = BuiltinTasks.registry();
    Set<String> families = new LinkedHashSet<>();
    // first: an unsafe bind (server or metrics) is refused before anything is built or bound; bad input here
    // is an IllegalArgumentException, which Main reports in one line with exit code 2
    TransportSecurity security = transport.security();
    security.checkServer();
    metricsOptions.checkBind(security.bind(), security);
    for (String id : envs) {
      families.add(TaskId.parse(id).family());
    }
    SessionBudget budget = sessionBudget();
    if (!(idleTimeout > 0)) {
      throw new IllegalArgumentException("--idle-timeout must be positive, got " + idleTimeout);
    }
    EnvironmentService service =
        new EnvironmentService(registry, families, budget, Duration.ofMillis((long) (idleTimeout * 1000)));
    MetricsEndpoint metrics = metricsOptions.start(security.bind());
    MeterRegistry meters = metrics != null ? metrics.registry() : new SimpleMeterRegistry();
    Gauge.builder("mnemo.envserver.sessions", service, EnvironmentService::openSessions).register(meters);
    Gauge.builder("mnemo.envserver.budget.used", service, EnvironmentService::budgetUsedKiB).baseUnit("kibibytes")
        .register(meters);
    Gauge.builder("mnemo.envserver.budget.capacity", service, EnvironmentService::budgetCapacityKiB)
        .baseUnit("kibibytes").register(meters);
    FunctionCounter.builder("mnemo.envserver.sessions.idle.closed", service, EnvironmentService::idleSessionsClosed)
        .description("sessions closed after --idle-timeout without a request").register(meters);
    MnemoServer server;
    try {
      MnemoServer.Builder builder = MnemoServer.builder("env-server", security)
          .port(port)
          .maxInboundMessageSize(maxMessageBytes)
          .onRefusal(r -> meters.counter("mnemo.envserver.calls.refused", "method", r.methodName(),
              "code", r.code().name()).increment())
          .addService(service);
      if (direct) {
        builder.directExecutor();
      }
      server = builder.start();
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      service.close();
      if (metrics != null) {
        metrics.close();
      }
      spec.commandLine().getErr().println(spec.qualifiedName() + ": " + e.getMessage());
      return 2;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      service.close();
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
