package mnemo.cli.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import mnemo.transport.TransportSecurity;

/**
 * K actor JVMs started from this distribution ({@link MnemoJvm}: {@code java -cp <this class path>
 * mnemo.cli.Main actor --learner ... --exit-with-parent=<this pid>}), each logging to {@code
 * logs/actor-k.log} in the run folder. A supervisor thread restarts an actor that dies with a non-zero
 * exit code (and says so); {@link #close} — also run by a shutdown hook — stops them all, and an actor
 * whose launcher was killed outright (SIGKILL: no hook runs) notices through {@code --exit-with-parent}
 * and exits, so children never outlive the launcher.
 */
public final class ActorProcesses implements AutoCloseable {
  private final List<String> baseCommand;
  private final Path logDir;
  private final String token;
  private final Consumer<String> events;
  private final Process[] processes;
  private final int[] restarts;
  private final Thread supervisor;
  private final Thread hook;
  private volatile boolean closing;

  /**
   * @param learnerTarget host:port of the learner
   * @param envsPerActor N for each actor
   * @param jvmOptions extra JVM flags for the children (heap, thread counts)
   * @param token the shared token, passed in the MNEMO_TOKEN environment variable (never on the command line)
   * @param events receives one line per start, exit and restart
   */
  public ActorProcesses(int count, String learnerTarget, int envsPerActor, List<String> jvmOptions, String token,
      Path logDir, Consumer<String> events) {
    this(count, learnerTarget, envsPerActor, jvmOptions, List.of(), token, logDir, events);
  }

  /** As above, with extra arguments for every actor command (e.g. {@code --metrics-port=0}). */
  public ActorProcesses(int count, String learnerTarget, int envsPerActor, List<String> jvmOptions,
      List<String> actorArgs, String token, Path logDir, Consumer<String> events) {
    if (count < 1) {
      throw new IllegalArgumentException("need at least one actor, got " + count);
    }
    List<String> args = new ArrayList<>();
    args.add("actor");
    args.add("--learner=" + learnerTarget);
    args.add("--envs=" + envsPerActor);
    args.add("--exit-with-parent=" + ProcessHandle.current().pid());
    args.addAll(actorArgs);
    this.baseCommand = MnemoJvm.command(jvmOptions, args);
    this.logDir = logDir;
    this.token = token;
    this.events = events;
    this.processes = new Process[count];
    this.restarts = new int[count];
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hook = new Thread(this::stopAll, "actor-processes-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    for (int k = 0; k < count; k++) {
      processes[k] = launch(k);
    }
    supervisor = new Thread(this::supervise, "actor-supervisor");
    supervisor.setDaemon(true);
    supervisor.start();
  }

  private Process launch(int k) {
    List<String> cmd = new ArrayList<>(baseCommand);
    cmd.add("--name=actor-" + k);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve("actor-" + k + ".log").toFile()));
    if (token != null) {
      pb.environment().put(TransportSecurity.TOKEN_ENV, token);
    }
    try {
      Process p = pb.start();
      events.accept("actor-" + k + " started (pid " + p.pid() + ")");
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start actor-" + k + ": " + e.getMessage(), e);
    }
  }

  private void supervise() {
    while (!closing) {
      for (int k = 0; k < processes.length; k++) {
        synchronized (this) {
          Process p = processes[k];
          // exit code 0 is a clean stop (the learner finished training): no restart
          if (!closing && !p.isAlive() && p.exitValue() != 0) {
            restarts[k]++;
            events.accept("actor-" + k + " (pid " + p.pid() + ") exited with code " + p.exitValue()
                + "; restarting it (restart " + restarts[k] + ")");
            processes[k] = launch(k);
          }
        }
      }
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The process of actor {@code k} (for tests and fault drills). */
  public synchronized Process process(int k) {
    return processes[k];
  }

  public synchronized int restarts(int k) {
    return restarts[k];
  }

  public int size() {
    return processes.length;
  }

  private void stopAll() {
    closing = true;
    synchronized (this) {
      for (Process p : processes) {
        if (p != null) {
          p.destroy();
        }
      }
      for (Process p : processes) {
        try {
          if (p != null && !p.waitFor(5, TimeUnit.SECONDS)) {
            p.destroyForcibly();
          }
        } catch (InterruptedException e) {
          p.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  @Override
  public void close() {
    stopAll();
    supervisor.interrupt();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook is running or has run
    }
  }
}
