package mnemo.cli.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mnemo.agent.AgentModel;
import mnemo.agent.network.AgentNetworks;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Devices;
import mnemo.learner.Learner;
import mnemo.learner.batch.Batch;
import mnemo.learner.bench.SyntheticUnrolls;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.Unroll;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mnemo bench learner}: the learner alone, on synthetic unrolls. */
@Command(name = "learner",
    header = "The learner alone, fed from memory: updates and frames per second.",
    mixinStandardHelpOptions = true,
    description = {"The learner alone: the Learner (queue, batcher, training thread) fed from memory",
      "with B synthetic unrolls of N environments over and over, no actors and no gRPC.",
      "Reports the mean training step (stack, forward + backward over T+1 steps, V-trace,",
      "loss, clip, update), frames per second, and the time to validate and decode the",
      "batch's unroll messages as a share of the learner's time. Writes the Markdown",
      "section to --out."})
public final class BenchLearnerCommand implements Callable<Integer> {

  @Option(names = "--envs-list", defaultValue = "memory/cue-recall:length=5", split = ";",
      description = "Tasks, separated by ';' (default ${DEFAULT-VALUE}).")
  List<String> tasks;

  @Option(names = "--cores", defaultValue = "ur-lstm:hidden=32,lstm:hidden=32", split = mnemo.agent.core.CoreSpec.LIST_SEPARATOR,
      description = "Cores (default ${DEFAULT-VALUE}).")
  List<String> cores;

  @Option(names = "--unroll", defaultValue = "20", description = "T (default ${DEFAULT-VALUE}).")
  int unroll;

  @Option(names = "--batch", defaultValue = "4", description = "B, unrolls per update (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--envs", defaultValue = "16", description = "N, environments per unroll (default ${DEFAULT-VALUE}).")
  int envs;

  @Option(names = "--steps", defaultValue = "15", description = "Timed steps (updates) (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--device", defaultValue = "auto", description = "auto, cpu, gpu[:N] (default ${DEFAULT-VALUE}).")
  String device;

  @Option(names = "--optimizer", defaultValue = ExperimentConfigs.IMPALA_OPTIMIZER, paramLabel = "NAME",
      description = "rmsprop (IMPALA's, at its learning rate: the default, so rows stay comparable with earlier "
          + "ones) or adam (what `mnemo train` uses, at its defaults) (default ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--out", defaultValue = "docs/benchmarks/learner.md", description = "Markdown output (default ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    Device dev = Devices.parse(device);
    StringBuilder md = new StringBuilder("## Learner alone\n\n");
    String command = "./mnemo bench learner --envs-list '" + String.join(";", tasks)
        + "' --cores " + String.join(",", cores) + " --unroll " + unroll + " --batch " + batch + " --envs " + envs
        + " --steps " + steps + (optimizer.equals(ExperimentConfigs.IMPALA_OPTIMIZER) ? "" : " --optimizer " + optimizer);
    if (!optimizer.equals("rmsprop") && !optimizer.equals("adam")) {
      throw new IllegalArgumentException("--optimizer must be rmsprop or adam, got '" + optimizer + "'");
    }
    md.append(BenchReport.measured(" (shared)", command));
    md.append("The `Learner` (queue, batcher, training thread, weights published after each update) fed from memory ")
        .append("with B = ").append(batch).append(" synthetic unrolls of N = ").append(envs).append(" environments, T = ")
        .append(unroll).append(" (").append(batch * envs * unroll).append(" frames per step), over and over; means over ")
        .append(steps).append(" steps after 3 warm-up steps, frames/s over their wall time. *decode* is validating and ")
        .append("decoding the B unroll messages, which the gRPC threads do; its share is decode / (decode + step). ")
        .append("The same measurement is the \"learner alone\" of `mnemo bench system`.\n\n");
    md.append("| task | core | step ms | frames/s | decode ms | decode share | unroll KiB |\n")
        .append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (String task : tasks) {
      EnvSpec spec;
      try (Environment env = BuiltinTasks.registry().make(task)) {
        spec = env.spec();
      }
      for (String core : cores) {
        System.out.printf("timing %s with %s ...%n", task, core);
        String row = measure(spec, core, dev);
        System.out.print(row);
        md.append(row);
      }
    }
    BenchReport.write(out, command, md);
    return 0;
  }

  private String measure(EnvSpec spec, String core, Device dev) throws Exception {
    ExperimentConfig config = ExperimentConfigs.resolve(ExperimentConfig.newBuilder().setTaskId(spec.taskId())
        .setCoreSpec(core).setUnrollLength(unroll).setBatchSize(batch).setTotalFrames(1_000_000_000L)
        .setOptimizer(optimizer).setLearningRate(optimizer.equals(ExperimentConfigs.IMPALA_OPTIMIZER)
            ? ExperimentConfigs.IMPALA_LEARNING_RATE : ExperimentConfigs.LEARNING_RATE)
        .build());
    List<int[]> shapes;
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config, ProtoCodec.toProto(spec)), dev);
        NDManager m = model.manager().newSubManager()) {
      shapes = Batch.stateShapes(model.initialState(m, 1));
    }
    List<Unroll> messages = new ArrayList<>();
    for (int i = 0; i < batch; i++) {
      messages.add(SyntheticUnrolls.random(ProtoCodec.toProto(spec), shapes, unroll, envs, 7, i));
    }
    LearnerThroughput.Result r = LearnerThroughput.measure(config, spec, messages, dev,
        LearnerThroughput.Window.updates(steps));
    return String.format(Locale.ROOT, "| `%s` | `%s` | %.1f | %.0f | %.2f | %.1f %% | %.0f |%n", spec.taskId(), core,
        r.stepMs(), r.framesPerSecond(), r.decodeMs(), 100 * r.decodeShare(), messages.get(0).getSerializedSize() / 1024.0);
  }
}
