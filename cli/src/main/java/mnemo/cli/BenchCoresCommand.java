package mnemo.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mnemo.agent.AgentSpec;
import mnemo.agent.bench.CoreBenchmark;
import mnemo.cli.bench.BenchReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mnemo bench cores}: custom cores against DJL's fused LSTM, and actor-side step latency. */
@Command(name = "cores",
    header = "A core's unroll against DJL's fused LSTM, forward and backward.",
    mixinStandardHelpOptions = true,
    description = {"Forward+backward of a core's unroll against DJL's fused LSTM at the same shapes, interleaved in",
      "one run (median ms and their ratio), and single-step inference latency at batch 1, 16, 64.",
      "Writes the Markdown section to --out."})
final class BenchCoresCommand implements Callable<Integer> {

  @Option(names = "--cores", defaultValue = "ur-lstm,lstm", description = "Comma-separated cores to time (default ${DEFAULT-VALUE}).")
  String cores;

  @Option(names = "--iters", defaultValue = "20", description = "Timed iterations per measurement (default ${DEFAULT-VALUE}).")
  int iters;

  @Option(names = "--part", defaultValue = "all", description = "all, unroll or step (default ${DEFAULT-VALUE}).")
  String part;

  @Option(names = "--out", defaultValue = "docs/benchmarks/cores.md", description = "Markdown output (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    String threads = System.getProperty("ai.djl.pytorch.num_threads", "default");
    StringBuilder md = new StringBuilder("## Recurrent cores\n\n");
    md.append(BenchReport.measured(" (shared; intra-op threads: " + threads + ")",
        "./mnemo bench cores --cores " + cores + " --iters " + iters));
    md.append("### Forward + backward of an unroll, against DJL's fused `LSTM`\n\n");
    md.append("Both run interleaved in the same process at the same shapes (T time steps, B batch, I input, H hidden); ")
        .append("the loss is the sum of all outputs. Median of ").append(iters).append(" iterations.\n\n");
    md.append("| core | T | B | I | H | core ms | fused LSTM ms | ratio |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    List<int[]> shapes = List.of(new int[] {100, 32, 64, 256}, new int[] {100, 32, 64, 64});
    for (String c : part.equals("step") ? List.<String>of() : SynthCommand.split(cores)) {
      for (int[] s : shapes) {
        System.out.printf("timing %s T=%d B=%d I=%d H=%d ...%n", c, s[0], s[1], s[2], s[3]);
        CoreBenchmark.UnrollTiming t = CoreBenchmark.unroll(c, s[0], s[1], s[2], s[3], 3, iters);
        String row = String.format(Locale.ROOT, "| `%s` | %d | %d | %d | %d | %.1f | %.1f | %.2fx |%n", t.core(), t.t(), t.b(),
            t.i(), t.h(), t.coreMs(), t.fusedMs(), t.ratio());
        System.out.print(row);
        md.append(row);
      }
    }
    md.append("\n### Single-step inference latency (no autograd)\n\n");
    md.append("What an actor pays per environment step: one core step, and the whole agent network at T = 1 ")
        .append("(7×7×3 image torso, 256 units, `ur-lstm` with H = 256). Median µs.\n\n");
    md.append("| what | batch | µs |\n| --- | --- | --- |\n");
    int[] batches = {1, 16, 64};
    List<CoreBenchmark.StepTiming> steps = new ArrayList<>();
    for (String c : part.equals("unroll") ? List.<String>of() : SynthCommand.split(cores)) {
      steps.addAll(CoreBenchmark.coreStep(c, 64, 256, batches, iters * 10));
    }
    if (part.equals("unroll")) {
      batches = new int[0];
    }
    steps.addAll(CoreBenchmark.agentStep(new AgentSpec(new int[] {7, 7, 3}, true, 5, "ur-lstm:hidden=256", 256, 1),
        batches, iters * 10));
    for (CoreBenchmark.StepTiming s : steps) {
      String row = String.format(Locale.ROOT, "| %s | %d | %.0f |%n", s.what(), s.batch(), s.micros());
      System.out.print(row);
      md.append(row);
    }
    BenchReport.write(out, md);
    return 0;
  }
}
