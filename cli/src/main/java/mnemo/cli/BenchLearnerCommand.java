package mnemo.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mnemo.agent.AgentModel;
import mnemo.agent.network.AgentNetworks;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.registry.TaskRegistry;
import mnemo.learner.Devices;
import mnemo.learner.Learner;
import mnemo.learner.batch.Batch;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.batch.UnrollValidator;
import mnemo.learner.bench.SyntheticUnrolls;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.learner.optim.LinearDecay;
import mnemo.learner.train.TrainingStep;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.Unroll;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mnemo bench learner}: the learner alone, on synthetic unrolls. */
@Command(name = "learner", mixinStandardHelpOptions = true,
    description = {"The learner alone: training steps (stack, forward + backward over T+1",
      "steps, V-trace, loss, clip, update) on B synthetic unrolls of N environments,",
      "no actors and no gRPC. Reports the median step, samples (frames) per second,",
      "and the time to validate and decode the batch's unroll messages as a share of",
      "the learner's time. Writes the Markdown section to --out."})
final class BenchLearnerCommand implements Callable<Integer> {

  @Option(names = "--envs-list", defaultValue = "memory/cue-recall:length=5", split = ";",
      description = "Tasks, separated by ';' (default ${DEFAULT-VALUE}).")
  List<String> tasks;

  @Option(names = "--cores", defaultValue = "ur-lstm:hidden=32,lstm:hidden=32", split = ",",
      description = "Cores (default ${DEFAULT-VALUE}).")
  List<String> cores;

  @Option(names = "--unroll", defaultValue = "20", description = "T (default ${DEFAULT-VALUE}).")
  int unroll;

  @Option(names = "--batch", defaultValue = "4", description = "B, unrolls per update (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--envs", defaultValue = "16", description = "N, environments per unroll (default ${DEFAULT-VALUE}).")
  int envs;

  @Option(names = "--steps", defaultValue = "15", description = "Timed steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu[:N] (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--out", defaultValue = "docs/benchmarks/learner.md", description = "Markdown output (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Device dev = Devices.parse(device);
    StringBuilder md = new StringBuilder("## Learner alone\n\n");
    md.append("Measured ").append(Instant.now().truncatedTo(ChronoUnit.MINUTES)).append(" on ")
        .append(Runtime.getRuntime().availableProcessors()).append(" CPUs (shared) with\n\n```\n./mnemo bench learner --envs-list '")
        .append(String.join(";", tasks)).append("' --cores ").append(String.join(",", cores)).append(" --unroll ")
        .append(unroll).append(" --batch ").append(batch).append(" --envs ").append(envs).append(" --steps ").append(steps)
        .append("\n```\n\n");
    md.append("One training step on B = ").append(batch).append(" unrolls of N = ").append(envs).append(" environments, T = ")
        .append(unroll).append(" (").append(batch * envs * unroll).append(" frames per step); median of ").append(steps)
        .append(" steps after 3 warm-up steps. *decode* is validating and decoding the B unroll messages, ")
        .append("which the gRPC threads do; its share is decode / (decode + step).\n\n");
    md.append("| task | core | step ms | frames/s | decode ms | decode share | unroll KiB |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (String task : tasks) {
      EnvSpec spec;
      try (Environment env = TaskRegistry.builtin().make(task)) {
        spec = env.spec();
      }
      for (String core : cores) {
        System.out.printf("timing %s with %s ...%n", task, core);
        String row = measure(spec, core, dev);
        System.out.print(row);
        md.append(row);
      }
    }
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    Files.writeString(out, md.toString());
    System.out.println("wrote " + out);
    return 0;
  }

  private String measure(EnvSpec spec, String core, Device dev) throws Exception {
    ExperimentConfig config = ExperimentConfigs.resolve(ExperimentConfig.newBuilder().setTaskId(spec.taskId())
        .setCoreSpec(core).setUnrollLength(unroll).setBatchSize(batch).setTotalFrames(1_000_000_000L).build());
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config, spec), dev);
        NDManager state = model.manager().newSubManager()) {
      List<int[]> shapes;
      try (NDManager m = model.manager().newSubManager()) {
        shapes = Batch.stateShapes(model.initialState(m, 1));
      }
      List<Unroll> messages = new ArrayList<>();
      for (int i = 0; i < batch; i++) {
        messages.add(SyntheticUnrolls.random(spec, shapes, unroll, envs, 7, i));
      }
      UnrollValidator validator = new UnrollValidator(unroll, spec, shapes, () -> 0);
      LinearDecay lr = ExperimentConfigs.learningRate(config, () -> 0);
      TrainingStep step = new TrainingStep(model, ExperimentConfigs.optimizer(config, lr, state),
          ExperimentConfigs.lossConfig(config), config.getMaxGradNorm(), lr::value);
      int total = steps + 3;
      double[] stepMs = new double[total];
      double[] decodeMs = new double[total];
      for (int s = 0; s < total; s++) {
        long t0 = System.nanoTime();
        List<DecodedUnroll> decoded = new ArrayList<>();
        for (Unroll u : messages) {
          decoded.add(validator.validate(u));
        }
        long t1 = System.nanoTime();
        try (NDManager m = step.newStepManager()) {
          step.run(Batch.stack(decoded, m));
        }
        long t2 = System.nanoTime();
        decodeMs[s] = (t1 - t0) / 1e6;
        stepMs[s] = (t2 - t1) / 1e6;
      }
      double st = median(Arrays.copyOfRange(stepMs, 3, total));
      double de = median(Arrays.copyOfRange(decodeMs, 3, total));
      double fps = batch * envs * unroll / (st / 1e3);
      return String.format(Locale.ROOT, "| `%s` | `%s` | %.1f | %.0f | %.2f | %.1f %% | %.0f |%n", spec.taskId(), core, st,
          fps, de, 100 * de / (de + st), messages.get(0).getSerializedSize() / 1024.0);
    }
  }

  private static double median(double[] xs) {
    double[] c = xs.clone();
    Arrays.sort(c);
    return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
  }
}
