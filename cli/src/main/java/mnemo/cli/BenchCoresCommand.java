package mnemo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mnemo.agent.AgentSpec;
import mnemo.agent.bench.CoreBenchmark;
import mnemo.agent.core.RowGemm;
import mnemo.cli.bench.BenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mnemo bench cores}: custom cores against DJL's fused LSTM, and actor-side step latency. */
@Command(name = "cores",
    header = "A core's unroll against DJL's fused LSTM, forward and backward.",
    mixinStandardHelpOptions = true,
    description = {"Forward+backward of a core's unroll against DJL's fused LSTM at the same shapes, each --impls",
      "variant of the core (impl=torch: libtorch ops; impl=java: Java loops; java-scalar: the Java loops with",
      "the scalar matrix product instead of the Vector API's) on the same weights, interleaved in one run (median",
      "ms and ratios), and single-step inference latency at batch 1, 16, 64. --part gemm times the Java paths'",
      "matrix product alone, scalar against Vector API kernel. Writes the Markdown section to --out."})
final class BenchCoresCommand implements Callable<Integer> {

  @Option(names = "--cores", defaultValue = "ur-lstm,lstm", description = "Comma-separated cores to time (default ${DEFAULT-VALUE}).")
  String cores;

  @Option(names = "--impls", defaultValue = "torch,java",
      description = "Comma-separated impl= values timed side by side for each core: torch, java, java-scalar "
          + "(default ${DEFAULT-VALUE}).")
  String impls;

  @Option(names = "--shapes", defaultValue = "100x32x64x256,100x32x64x64,52x4x8x32,202x4x8x32",
      description = "Unroll shapes TxBxIxH (default ${DEFAULT-VALUE}: the issue's two and the RL experiments').")
  String shapes;

  @Option(names = "--step-sizes", defaultValue = "64x256,64x64,8x32",
      description = "Single-step sizes IxH, each at batch 1, 16, 64 (default ${DEFAULT-VALUE}).")
  String stepSizes;

  @Option(names = "--iters", defaultValue = "20", description = "Timed iterations per measurement (default ${DEFAULT-VALUE}).")
  int iters;

  @Option(names = "--part", defaultValue = "all",
      description = "all, unroll, step or gemm (default ${DEFAULT-VALUE}; all does not include gemm).")
  String part;

  @Option(names = "--out", defaultValue = "docs/benchmarks/cores.md", description = "Markdown output (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    String threads = System.getProperty("ai.djl.pytorch.num_threads", "default");
    List<String> is = SynthCommand.split(impls);
    StringBuilder md = new StringBuilder("## Recurrent cores\n\n");
    String command = "./mnemo bench cores --cores " + cores + " --impls " + impls + " --shapes " + shapes
        + " --step-sizes " + stepSizes + " --iters " + iters + (part.equals("all") ? "" : " --part " + part);
    md.append(BenchReport.measured(" (shared; intra-op threads: " + threads + ")", command));
    if (part.equals("gemm")) {
      appendGemm(md);
      BenchReport.write(out, command, md);
      return 0;
    }
    if (!List.of("all", "unroll", "step").contains(part)) {
      throw new IllegalArgumentException("--part must be all, unroll, step or gemm, got '" + part + "'");
    }
    if (!part.equals("step")) {
      md.append("### Forward + backward of an unroll, against DJL's fused `LSTM`\n\n");
      md.append("Every impl of a core (same weights) and the fused LSTM run interleaved in the same process at the same ")
          .append("shapes (T time steps, B batch, I input, H hidden); the loss is the sum of all outputs. Median of ")
          .append(iters).append(" iterations, wall ms (the ratios are to the fused LSTM) and the calling thread's CPU ms ")
          .append("(libtorch's second intra-op thread not counted).\n\n");
      List<String> heads = new ArrayList<>(List.of("core", "T", "B", "I", "H"));
      is.forEach(i -> heads.add(i + " ms"));
      heads.add("fused LSTM ms");
      is.forEach(i -> heads.add(i + " / fused"));
      heads.add("CPU ms: " + String.join(" / ", is) + " / fused");
      md.append(tableHead(heads));
      for (String c : SynthCommand.split(cores)) {
        for (String shape : SynthCommand.split(shapes)) {
          int[] s = dims(shape, 4);
          System.out.printf("timing %s T=%d B=%d I=%d H=%d ...%n", c, s[0], s[1], s[2], s[3]);
          CoreBenchmark.Comparison r = CoreBenchmark.compare(variants(c, is), s[0], s[1], s[2], s[3], 3, iters);
          StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| `%s` | %d | %d | %d | %d |", c, s[0], s[1],
              s[2], s[3]));
          for (double v : r.ms()) {
            row.append(String.format(Locale.ROOT, " %.1f |", v));
          }
          row.append(String.format(Locale.ROOT, " %.1f |", r.fusedMs()));
          for (double v : r.ms()) {
            row.append(String.format(Locale.ROOT, " %.2fx |", v / r.fusedMs()));
          }
          row.append(' ');
          for (double v : r.cpuMs()) {
            row.append(String.format(Locale.ROOT, "%.1f / ", v));
          }
          row.append(String.format(Locale.ROOT, "%.1f |", r.fusedCpuMs()));
          System.out.println(row);
          md.append(row).append('\n');
        }
      }
    }
    md.append("\n### Single-step inference latency (no autograd)\n\n");
    md.append("What an actor pays per environment step: one core step (each impl on the same weights, interleaved call ")
        .append("by call, the state carried), and the whole agent network at T = 1 (7×7×3 image torso, 256 units). ")
        .append("Median µs.\n\n");
    if (!part.equals("unroll")) {
      md.append(tableHead(microsHeads(List.of("core", "I", "H", "batch"), is)));
      for (String c : SynthCommand.split(cores)) {
        for (String size : SynthCommand.split(stepSizes)) {
          int[] s = dims(size, 2);
          for (int b : new int[] {1, 16, 64}) {
            CoreBenchmark.StepComparison us = CoreBenchmark.compareSteps(variants(c, is), s[0], s[1], b, iters * 10);
            String row = String.format(Locale.ROOT, "| `%s` | %d | %d | %d |", c, s[0], s[1], b)
                + timingCells(us.micros(), us.cpuMicros());
            System.out.println(row);
            md.append(row).append('\n');
          }
        }
      }
      md.append("\nThe whole agent network's step (256-unit torso, 5 actions; `ur-lstm` at H = 256 and 32): each impl on ")
          .append("the same weights, interleaved call by call; a core whose impl resolves to Java runs the agent's Java step ")
          .append("(`AgentStep`, weights copied at refresh), `impl=torch` `AgentModel.unroll` at T = 1. Median µs, wall and ")
          .append("the calling thread's CPU.\n\n");
      md.append(tableHead(microsHeads(List.of("agent", "obs", "batch"), is)));
      for (String core : List.of("ur-lstm:hidden=256", "ur-lstm:hidden=32")) {
        for (int[] obs : List.of(new int[] {7, 7, 3}, new int[] {32})) {
          List<AgentSpec> specs = new ArrayList<>();
          for (String c : variants(core, is)) {
            specs.add(new AgentSpec(obs, obs.length == 3, 5, c, 256, 1));
          }
          for (CoreBenchmark.AgentStepTiming s : CoreBenchmark.agentSteps(specs, new int[] {1, 16, 64}, iters * 10)) {
            String row = String.format(Locale.ROOT, "| `%s` | %s | %d |", core, s.what(), s.batch())
                + timingCells(s.micros(), s.cpuMicros());
            System.out.println(row);
            md.append(row).append('\n');
          }
        }
      }
    }
    BenchReport.write(out, command, md);
    return 0;
  }

  /**
   * The Java paths' matrix product at their own shapes (the Java cell's input and recurrent projections and
   * its backward's, at H = 64 and 256, T = 100, B = 32; the actor's image torso and heads at batch 8).
   */
  private void appendGemm(StringBuilder md) {
    md.append("### The Java paths' matrix product: scalar loops against the Vector API\n\n")
        .append("`RowGemm`'s two kernels on the same operands, interleaved, y [rows, n] += x [rows, k] w [k, n]: the ")
        .append("scalar loops C2 vectorises, and `VectorGemm` (register tiles of fused multiply-adds, ")
        .append(RowGemm.vectorAvailable() ? "" : "**not available in this JVM: run with --add-modules jdk.incubator.vector**, ")
        .append("Vector API). Median of ").append(iters).append(" samples, GFLOP/s on one thread.\n\n");
    md.append(tableHead(List.of("where", "rows", "k", "n", "scalar ms", "vector ms", "scalar GFLOP/s", "vector GFLOP/s",
        "vector / scalar speed")));
    for (GemmShape g : GEMM_SHAPES) {
      int reps = (int) Math.max(1, 2e7 / (2.0 * g.rows() * g.k() * g.n()));
      CoreBenchmark.GemmTiming t = CoreBenchmark.gemm(g.rows(), g.k(), g.n(), reps, iters);
      String row = String.format(Locale.ROOT, "| %s | %d | %d | %d | %.4f | %.4f | %.1f | %.1f | %.2fx |", g.where(),
          g.rows(), g.k(), g.n(), t.scalarMs(), t.vectorMs(), t.gflops(t.scalarMs()), t.gflops(t.vectorMs()),
          t.scalarMs() / t.vectorMs());
      System.out.println(row);
      md.append(row).append('\n');
    }
  }

  /** A product the Java paths run: y [rows, n] += x [rows, k] w [k, n], and where. */
  private record GemmShape(String where, int rows, int k, int n) {}

  private static final List<GemmShape> GEMM_SHAPES = List.of(
      new GemmShape("Java cell, H = 64: x W_ih (all T·B rows)", 3200, 64, 256),
      new GemmShape("H = 64: h W_hh per step", 32, 64, 256),
      new GemmShape("H = 64, backward: dP W_hh per step", 32, 256, 64),
      new GemmShape("H = 256: x W_ih", 3200, 64, 1024),
      new GemmShape("H = 256: h W_hh per step", 32, 256, 1024),
      new GemmShape("H = 256, backward: dP W_hh per step", 32, 1024, 256),
      new GemmShape("actor, 7×7 image: torso fc at batch 8", 8, 1568, 64),
      new GemmShape("actor: conv1 over its patches at batch 8", 16, 27, 392),
      new GemmShape("actor: conv2 over its patches at batch 8", 32, 144, 392),
      new GemmShape("actor: 64-unit layer at batch 8", 8, 64, 64),
      new GemmShape("H = 32: h W_hh at batch 4", 4, 32, 128),
      new GemmShape("H = 32, backward at batch 4", 4, 128, 32));

  /** A Markdown table's header and rule rows, one column per heading. */
  private static String tableHead(List<String> headings) {
    return "| " + String.join(" | ", headings) + " |\n|" + " --- |".repeat(headings.size()) + "\n";
  }

  /** The headings of a latency table: {@code keys}, one µs column per impl, then their CPU µs in one column. */
  private static List<String> microsHeads(List<String> keys, List<String> impls) {
    List<String> heads = new ArrayList<>(keys);
    impls.forEach(i -> heads.add(i + " µs"));
    heads.add("CPU µs: " + String.join(" / ", impls));
    return heads;
  }

  /** A row's timing cells: one median wall µs per impl, then their CPU µs in one cell, " a / b |". */
  private static String timingCells(double[] micros, double[] cpuMicros) {
    StringBuilder cells = new StringBuilder();
    for (double v : micros) {
      cells.append(String.format(Locale.ROOT, " %.0f |", v));
    }
    cells.append(' ');
    for (int k = 0; k < cpuMicros.length; k++) {
      cells.append(String.format(Locale.ROOT, k == 0 ? "%.0f" : " / %.0f", cpuMicros[k]));
    }
    return cells.append(" |").toString();
  }

  /** The core's spec with each impl appended as an option. */
  private static List<String> variants(String core, List<String> impls) {
    List<String> v = new ArrayList<>();
    for (String i : impls) {
      v.add(core + (core.contains(":") ? "," : ":") + "impl=" + i);
    }
    return v;
  }

  private static int[] dims(String s, int n) {
    String[] p = s.split("x");
    if (p.length != n) {
      throw new IllegalArgumentException("expected " + n + " sizes joined by x, got '" + s + "'");
    }
    int[] d = new int[n];
    for (int k = 0; k < n; k++) {
      d[k] = Integer.parseInt(p[k].trim());
    }
    return d;
  }
}
