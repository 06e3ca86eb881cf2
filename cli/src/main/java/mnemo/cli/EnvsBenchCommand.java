package mnemo.cli;

import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import mnemo.envs.BatchedEnvironment;
import mnemo.envs.TimeStep;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.remote.EnvironmentService;
import mnemo.envs.remote.RemoteBatchedEnvironment;
import mnemo.transport.ClientChannels;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnemo bench envs}: environment steps per second in process and through the environment server
 * on loopback, measured side by side in one run and reported as ratios.
 */
@Command(
    name = "envs",
    mixinStandardHelpOptions = true,
    description = {
      "Steps/second of each task in process (one thread, random actions, after a warm-up) and through",
      "the environment server on loopback (server and client in this JVM, one Session stream) at each",
      "batch size, as the ratio remote / in-process measured in the same run. Prints a Markdown table",
      "(docs/benchmarks/envs.md)."
    })
public final class EnvsBenchCommand implements Callable<Integer> {

  @Option(names = "--tasks", split = ",", paramLabel = "ID",
      description = "Task ids to measure (default: every registered family with its default parameters).")
  List<String> tasks = List.of();

  @Option(names = "--seconds", defaultValue = "2", paramLabel = "S",
      description = "Measuring time per cell, after a warm-up of half as long (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--batches", split = ",", defaultValue = "1,16,64", paramLabel = "N",
      description = "Remote batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--direct", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the server's handlers on the transport threads (default: ${DEFAULT-VALUE}); "
          + "--no-direct uses a thread pool, as env-server does.")
  boolean direct;

  @Override
  public Integer call() {
    TaskRegistry registry = TaskRegistry.builtin();
    List<String> ids = new ArrayList<>(tasks);
    if (ids.isEmpty()) {
      for (TaskFamily f : registry.families()) {
        ids.add(f.name());
      }
    }
    for (String id : ids) {
      registry.canonical(id); // fail early on a bad id
    }
    MnemoServer.Builder b = MnemoServer.builder("bench-env-server", TransportSecurity.loopback())
        .addService(new EnvironmentService(registry));
    if (direct) {
      b.directExecutor();
    }
    List<String> rows = new ArrayList<>();
    try (MnemoServer server = b.start();
        ProgressBar bar = new ProgressBar("bench envs", (long) ids.size() * (1 + batches.size()))) {
      ManagedChannel channel = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        for (String id : ids) {
          bar.setExtraMessage(id);
          double local;
          try (VectorEnvironment env = VectorEnvironment.of(1, () -> registry.make(id))) {
            local = stepsPerSecond(env);
          }
          bar.step();
          StringBuilder row = new StringBuilder("| " + registry.canonical(id) + " | " + fmt(local) + " |");
          for (int n : batches) {
            try (RemoteBatchedEnvironment remote = RemoteBatchedEnvironment.create(channel, id, n)) {
              double r = stepsPerSecond(remote);
              row.append(' ').append(fmt(r)).append(String.format(Locale.ROOT, " (%.2fx) |", r / local));
            }
            bar.step();
          }
          rows.add(row.toString());
        }
      } finally {
        channel.shutdownNow();
      }
    }
    StringBuilder header = new StringBuilder("| task | in process, steps/s |");
    StringBuilder rule = new StringBuilder("| --- | ---: |");
    for (int n : batches) {
      header.append(" remote batch ").append(n).append(", steps/s (remote / in process) |");
      rule.append(" ---: |");
    }
    System.out.println();
    System.out.println(header);
    System.out.println(rule);
    rows.forEach(System.out::println);
    System.out.printf(Locale.ROOT, "%n%d s per cell after %.1f s of warm-up; server handlers %s; %d cores.%n",
        (long) seconds, seconds / 2, direct ? "direct (transport threads)" : "on a thread pool",
        Runtime.getRuntime().availableProcessors());
    return 0;
  }

  /** Environment steps (all instances, auto-resets included) per second, after a warm-up. */
  private double stepsPerSecond(BatchedEnvironment env) {
    int n = env.size();
    int numActions = env.spec().numActions();
    SplittableRandom rng = new SplittableRandom(1);
    int[][] actions = new int[1024][n]; // pre-drawn, so drawing costs nothing in the loop
    for (int[] a : actions) {
      for (int i = 0; i < n; i++) {
        a[i] = rng.nextInt(numActions);
      }
    }
    env.reset(1);
    run(env, actions, (long) (seconds * 0.5e9));
    long start = System.nanoTime();
    long calls = run(env, actions, (long) (seconds * 1e9));
    double elapsed = (System.nanoTime() - start) / 1e9;
    return calls * n / elapsed;
  }

  private static long run(BatchedEnvironment env, int[][] actions, long nanos) {
    long end = System.nanoTime() + nanos;
    long calls = 0;
    int sink = 0;
    while (System.nanoTime() < end) {
      for (int k = 0; k < 64; k++) {
        TimeStep[] ts = env.step(actions[(int) (calls++ & 1023)]);
        sink += ts[0].type().ordinal();
      }
    }
    if (sink == -1) {
      System.out.print("");
    }
    return calls;
  }

  private static String fmt(double stepsPerSecond) {
    return String.format(Locale.ROOT, "%,.0f", stepsPerSecond);
  }
}
