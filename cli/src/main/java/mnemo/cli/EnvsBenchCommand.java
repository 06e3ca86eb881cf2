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
import mnemo.envs.tasks.BuiltinTasks;
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
    header = "Environment steps per second, in process and through the environment server.",
    mixinStandardHelpOptions = true,
    description = {
      "Environment steps per second of each task in process (one thread, random actions, after a warm-up) and "
          + "through the environment server on loopback (server and client in this JVM, one Session stream) at "
          + "each batch size, as the ratio remote / in process measured in the same run, in interleaved rounds; "
          + "then the CPU cost per step of each. Prints Markdown tables (docs/benchmarks/envs.md).",
      ""
    })
public final class EnvsBenchCommand implements Callable<Integer> {

  @Option(names = "--tasks", split = ",", paramLabel = "ID",
      description = "Task ids to measure (default: every registered family with its default parameters).")
  List<String> tasks = List.of();

  @Option(names = "--seconds", defaultValue = "2", paramLabel = "S",
      description = "Measuring time per configuration (split over the rounds), after a warm-up of half as long "
          + "(default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--batches", split = ",", defaultValue = "1,16,64", paramLabel = "N",
      description = "Remote batch sizes (default: ${DEFAULT-VALUE}).")
  List<Integer> batches;

  @Option(names = "--direct", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Run the server's handlers on the transport threads (default: ${DEFAULT-VALUE}); "
          + "--no-direct uses a thread pool (as env-server --no-direct).")
  boolean direct;

  @Option(names = "--rounds", defaultValue = "5", paramLabel = "R",
      description = "Interleaved rounds: each round measures every configuration for S/R seconds, and the "
          + "table reports medians, so a burst of load elsewhere hits all columns alike (default: ${DEFAULT-VALUE}).")
  int rounds;

  /** One column of the table: an environment vector and what was measured on it. */
  private static final class Cell {
    final BatchedEnvironment env;
    final int[][] actions;
    final double[] wall;
    final double[] cpu;

    Cell(BatchedEnvironment env, int rounds) {
      this.env = env;
      this.wall = new double[rounds];
      this.cpu = new double[rounds];
      int n = env.size();
      SplittableRandom rng = new SplittableRandom(1);
      actions = new int[1024][n]; // pre-drawn, so drawing costs nothing in the loop
      for (int[] a : actions) {
        for (int i = 0; i < n; i++) {
          a[i] = rng.nextInt(env.spec().numActions());
        }
      }
      env.reset(1);
    }
  }

  @Override
  public Integer call() {
    if (rounds < 1 || seconds <= 0) {
      throw new IllegalArgumentException("--rounds must be >= 1 and --seconds > 0");
    }
    TaskRegistry registry = BuiltinTasks.registry();
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
    List<String> cpuRows = new ArrayList<>();
    long slice = (long) (seconds / rounds * 1e9);
    try (MnemoServer server = b.start();
        ProgressBar bar = new ProgressBar("bench envs", (long) ids.size() * (rounds + 1))) {
      ManagedChannel channel = ClientChannels.open(server.target(), TransportSecurity.loopback());
      try {
        for (String id : ids) {
          bar.setExtraMessage(id);
          List<Cell> cells = new ArrayList<>();
          try {
            cells.add(new Cell(VectorEnvironment.of(1, () -> registry.make(id)), rounds));
            for (int n : batches) {
              cells.add(new Cell(RemoteBatchedEnvironment.create(channel, id, n), rounds));
            }
            for (Cell c : cells) { // warm-up
              measure(c, (long) (seconds * 0.5e9));
            }
            bar.step();
            for (int r = 0; r < rounds; r++) {
              for (Cell c : cells) {
                double[] m = measure(c, slice);
                c.wall[r] = m[0];
                c.cpu[r] = m[1];
              }
              bar.step();
            }
          } finally {
            cells.forEach(c -> c.env.close());
          }
          double local = median(cells.get(0).wall);
          double localCpu = median(cells.get(0).cpu);
          StringBuilder row = new StringBuilder("| " + registry.canonical(id) + " | " + fmt(local) + " |");
          StringBuilder cpuRow = new StringBuilder("| " + id + " | " + fmtMicros(localCpu) + " |");
          for (int k = 1; k < cells.size(); k++) {
            double r = median(cells.get(k).wall);
            double c = median(cells.get(k).cpu);
            row.append(' ').append(fmt(r)).append(String.format(Locale.ROOT, " (%.2fx) |", r / local));
            cpuRow.append(' ').append(fmtMicros(c)).append(String.format(Locale.ROOT, " (%.1fx) |", c / localCpu));
          }
          rows.add(row.toString());
          cpuRows.add(cpuRow.toString());
        }
      } finally {
        channel.shutdownNow();
      }
    }
    System.out.println();
    printTable("in process, steps/s", " remote batch %d, steps/s (remote / in process) |", rows);
    System.out.println();
    printTable("in process, CPU µs/step", " remote batch %d, CPU µs/step (remote / in process) |", cpuRows);
    System.out.printf(Locale.ROOT, "%nMedians of %d interleaved rounds of %.2f s per configuration, after %.1f s of "
        + "warm-up each; CPU time is that of all Java threads (caller, server, transport; not JIT or GC); server handlers "
        + "%s; %d cores.%n", rounds, seconds / rounds, seconds / 2,
        direct ? "direct (transport threads)" : "on a thread pool", Runtime.getRuntime().availableProcessors());
    return 0;
  }

  private void printTable(String first, String perBatch, List<String> rows) {
    StringBuilder header = new StringBuilder("| task | " + first + " |");
    StringBuilder rule = new StringBuilder("| --- | ---: |");
    for (int n : batches) {
      header.append(String.format(Locale.ROOT, perBatch, n));
      rule.append(" ---: |");
    }
    System.out.println(header);
    System.out.println(rule);
    rows.forEach(System.out::println);
  }

  /** {environment steps per wall second, process CPU seconds per environment step}, auto-resets included. */
  private static double[] measure(Cell c, long nanos) {
    long cpu0 = processCpuNanos();
    long start = System.nanoTime();
    long calls = run(c.env, c.actions, nanos);
    double elapsed = (System.nanoTime() - start) / 1e9;
    double cpu = (processCpuNanos() - cpu0) / 1e9;
    double steps = (double) calls * c.env.size();
    return new double[] {steps / elapsed, cpu / steps};
  }

  /** CPU time of every Java thread (caller, server, transport, executors); JIT and GC threads are not counted. */
  private static long processCpuNanos() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (long id : threads.getAllThreadIds()) {
      long t = threads.getThreadCpuTime(id);
      sum += Math.max(t, 0);
    }
    return sum;
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    java.util.Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static long run(BatchedEnvironment env, int[][] actions, long nanos) {
    long end = System.nanoTime() + nanos;
    long calls = 0;
    int sink = 0;
    while (System.nanoTime() < end) {
      for (int k = 0; k < 16; k++) {
        TimeStep[] ts = env.step(actions[(int) (calls++ & 1023)]);
        sink += ts[0].type().ordinal();
      }
    }
    if (sink == -1) {
      System.out.print("");
    }
    return calls;
  }

  private static String fmtMicros(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds * 1e6);
  }

  private static String fmt(double stepsPerSecond) {
    return String.format(Locale.ROOT, "%,.0f", stepsPerSecond);
  }
}
