package mnemo.cli;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mnemo.actor.Actor;
import mnemo.actor.ActorMetrics;
import mnemo.actor.ActorSetup;
import mnemo.actor.Backoff;
import mnemo.actor.GrpcLearnerLink;
import mnemo.envs.curriculum.LengthSampling;
import mnemo.envs.remote.RemoteBatchedEnvironment;
import mnemo.transport.ClientChannels;
import mnemo.transport.MetricsEndpoint;
import mnemo.transport.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnemo actor}: one actor process, feeding a learner over gRPC. */
@Command(
    name = "actor",
    header = "Run one actor: step environments and stream unrolls to a learner.",
    mixinStandardHelpOptions = true,
    description = {
      "Run an actor: register with the learner (which answers with the task, the agent's core and the",
      "unroll length), step N environments with batched inference, and stream unrolls to the learner.",
      "When the learner goes away the actor waits, reconnects with backoff and carries on; SIGTERM stops it."
    })
public final class ActorCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ActorCommand.class);
  /** Weights of large agents exceed gRPC's 4 MiB default. */
  static final int MAX_WEIGHTS_BYTES = 512 << 20;

  @Option(names = "--learner", required = true, paramLabel = "HOST:PORT", description = "The learner's address.")
  String learner;

  @Option(names = "--envs", defaultValue = "0", paramLabel = "N",
      description = "Environments this actor steps (default: the experiment's envs-per-actor).")
  int envs;

  @Option(names = "--env-server", paramLabel = "HOST:PORT",
      description = "Step the environments on this environment server instead of in-process.")
  String envServer;

  @Option(names = "--name", paramLabel = "NAME", description = "Name in the learner's logs and metrics "
      + "(default: actor@HOST-PID).")
  String name;

  @Mixin MetricsOptions metricsOptions;

  @Option(names = "--metrics-bind", defaultValue = TransportSecurity.LOOPBACK, paramLabel = "ADDR",
      description = "Address of the metrics endpoint (default: ${DEFAULT-VALUE}).")
  String metricsBind;

  @Option(names = "--max-in-flight", defaultValue = "2", paramLabel = "K",
      description = "Unrolls sent but not yet acknowledged, at most (default: ${DEFAULT-VALUE}).")
  int maxInFlight;

  @Option(names = "--exit-with-parent", paramLabel = "PID",
      description = "Exit (code 0) when process PID ends, also when it was killed with SIGKILL and could not "
          + "stop this actor itself; `mnemo train` passes its own PID to its actor processes.")
  Long parentPid;

  /** How often the actor looks for its parent (--exit-with-parent). */
  static final Duration PARENT_POLL = Duration.ofMillis(500);

  @Mixin TransportOptions transport;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    String actorName = name != null ? name : "actor@" + InetAddress.getLocalHost().getHostName() + "-"
        + ProcessHandle.current().pid();
    // an unsafe metrics bind is refused before anything starts (an IllegalArgumentException: Main's one line, exit 2)
    TransportSecurity security = transport.security();
    metricsOptions.checkBind(metricsBind, security);
    MetricsEndpoint endpoint = metricsOptions.start(metricsBind);
    ActorMetrics metrics = new ActorMetrics(endpoint != null ? endpoint.registry() : new SimpleMeterRegistry(),
        actorName);
    GrpcLearnerLink link = new GrpcLearnerLink(ClientChannels.open(learner, security, MAX_WEIGHTS_BYTES), actorName,
        envs, metrics, new Backoff(Duration.ofMillis(200), Duration.ofSeconds(10)), maxInFlight);
    ActorSetup.EnvironmentOpener opener = envServer == null ? ActorSetup.local()
        : (config, n, curriculum) -> {
          if (ActorSetup.lengthSampling(config) != LengthSampling.FIXED) {
            log.warn("the learner asks for length sampling '{}'; an environment server plays {} as given",
                config.getLengthSampling(), config.getTaskId());
          }
          return RemoteBatchedEnvironment.connect(envServer, security, config.getTaskId(), n);
        };
    Thread main = Thread.currentThread();
    CountDownLatch finished = new CountDownLatch(1);
    Actor[] running = new Actor[1];
    Thread hook = new Thread(() -> {
      synchronized (running) {
        if (running[0] != null) {
          running[0].stop();
        }
      }
      link.close(); // wakes the actor if it waits for the learner (backoff, acks): it stops at once
      try {
        if (!finished.await(3, TimeUnit.SECONDS)) {
          main.interrupt();
          finished.await(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    }, "actor-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (parentPid != null) {
      watchParent(parentPid);
    }
    try {
      Actor actor;
      try {
        actor = ActorSetup.create(link, envs, opener, Agents::create, metrics);
      } catch (IllegalStateException e) {
        if (link.isClosed()) { // stopped (SIGTERM, parent gone) while registering
          return 0;
        }
        throw e;
      } catch (StatusRuntimeException e) {
        Status s = e.getStatus();
        System.err.println("actor: the learner at " + learner + " refused registration: " + s.getCode()
            + (s.getDescription() != null ? " (" + s.getDescription() + ")" : ""));
        return 2;
      }
      synchronized (running) {
        running[0] = actor;
      }
      log.info("{} streaming to {}", actorName, learner);
      actor.run();
      actor.close();
      log.info("{} stopped after {} unrolls, {} frames", actorName, actor.unrollsSent(), metrics.totalSteps());
      return 0;
    } catch (InterruptedException e) {
      return 0;
    } finally {
      link.close();
      if (endpoint != null) {
        endpoint.close();
      }
      finished.countDown();
    }
  }

  /**
   * Exits this JVM (running the shutdown hook, which stops the actor) once process {@code pid} has ended.
   * A daemon thread polls: the process is gone, or, when it was this JVM's parent, this JVM was handed
   * to another parent (on Linux that happens at the parent's death, before anyone reaps it).
   */
  private static void watchParent(long pid) {
    boolean isParent = ProcessHandle.current().parent().map(p -> p.pid() == pid).orElse(false);
    Thread watch = new Thread(() -> {
      while (true) {
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        boolean orphaned = isParent && ProcessHandle.current().parent().map(p -> p.pid() != pid).orElse(true);
        if (!alive || orphaned) {
          log.warn("the parent process {} is gone (killed?); exiting", pid);
          System.exit(0);
          return;
        }
        try {
          Thread.sleep(PARENT_POLL.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "parent-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
