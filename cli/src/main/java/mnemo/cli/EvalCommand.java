package mnemo.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import mnemo.actor.AgentPolicy;
import mnemo.actor.SampledPolicy;
import mnemo.cli.train.RunFolder;
import mnemo.envs.Environment;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.Seeds;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.remote.RemoteEnvironment;
import mnemo.envs.render.FrameRecorder;
import mnemo.envs.render.GifWriter;
import mnemo.envs.rollout.Evaluation;
import mnemo.envs.rollout.RolloutStep;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.proto.config.v1.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mnemo eval}: a trained agent's mean return and success rate, and a recorded episode. */
@Command(
    name = "eval",
    header = "Evaluate a trained run: mean return, success rate, and a GIF of one episode.",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a run: load the latest checkpoint's weights, play whole episodes (actions sampled from the",
      "policy, or arg-max with --greedy), print the mean return and success rate, and optionally record",
      "one episode as an animated GIF."
    })
public final class EvalCommand implements Callable<Integer> {

  @Option(names = "--run-dir", required = true, paramLabel = "DIR", description = "The run folder of `mnemo train`.")
  Path runDir;

  @Option(names = "--episodes", defaultValue = "100", paramLabel = "N",
      description = "Episodes to evaluate (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--seed", defaultValue = "12345", paramLabel = "S",
      description = "Seed of the evaluation episodes and action sampling (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--greedy", description = "Take the most likely action instead of sampling.")
  boolean greedy;

  @Option(names = "--envs", defaultValue = "16", paramLabel = "N",
      description = "Environments played side by side (default: ${DEFAULT-VALUE}).")
  int envs;

  @Option(names = "--gif", paramLabel = "FILE", description = "Record one episode as an animated GIF.")
  Path gif;

  @Option(names = "--gif-delay", defaultValue = "200", paramLabel = "MS",
      description = "Milliseconds per GIF frame (default: ${DEFAULT-VALUE}).")
  int gifDelay;

  @Option(names = "--env-server", paramLabel = "HOST:PORT",
      description = "Play the run's task on this environment server (as `train --env-server` trained it).")
  String envServer;

  @Option(names = "--env", paramLabel = "ID",
      description = "Play this task instead of the run's: the run's task at another length (e.g. "
          + "memory/tmaze:length=500 for a run trained at 100) or with other parameters. It must have the run's "
          + "observations and actions.")
  String env;

  @Mixin TransportOptions transport;

  private Evaluation result;

  /** What the last {@link #call} measured (for tests and scripts embedding the command). */
  public Evaluation result() {
    return result;
  }

  @Override
  public Integer call() throws Exception {
    if (episodes < 1 || envs < 1) {
      throw new IllegalArgumentException("--episodes and --envs must be positive");
    }
    RunFolder run = new RunFolder(runDir);
    if (!Files.isRegularFile(run.checkpoint())) {
      throw new IllegalArgumentException("no checkpoint in " + runDir + " (expected " + run.checkpoint() + ")");
    }
    Checkpoint latest = Checkpoint.read(run.checkpoint());
    ExperimentConfig config = latest.config();
    if (envServer != null && gif != null) {
      throw new IllegalArgumentException("--gif needs an in-process task: the environment protocol carries "
          + "observations, not pictures");
    }
    TaskRegistry registry = BuiltinTasks.registry();
    String taskId = env == null ? config.getTaskId() : env;
    int n = Math.min(envs, episodes);
    List<Environment> played = new ArrayList<>(n);
    try (AutoCloseable closeAll = () -> played.forEach(Environment::close)) {
      for (int i = 0; i < n; i++) {
        played.add(envServer == null ? registry.make(taskId)
            : RemoteEnvironment.connect(envServer, transport.security(), taskId));
      }
      if (env != null && envServer == null) {
        checkSameInterface(registry, config.getTaskId(), played.get(0).spec());
      }
      try (AgentPolicy policy = new AgentPolicy(Agents.create(AgentPolicy.specFor(played.get(0).spec(), config)));
          GifWriter writer = gif == null ? null : new GifWriter(gif, gifDelay)) {
        policy.loadWeights(latest.weightsNpz());
        System.out.printf("evaluating %s (%s) from %s: %s weights, version %d, %d frames trained%n", taskId,
            config.getCoreSpec(), run.checkpoint(), greedy ? "greedy" : "sampled", latest.weightVersion(),
            latest.frames());
        // the first episode, recorded with captions when --gif is given
        FrameRecorder recorder = writer == null ? null : new FrameRecorder(played.get(0), 0, true, writer);
        RolloutStep[] lastRecorded = new RolloutStep[1];
        result = Evaluation.run(played, new SampledPolicy(policy, n, Seeds.derive(seed, -1), greedy), episodes, seed,
            done -> {}, recorder == null ? null : step -> {
              recorder.onStep(step);
              lastRecorded[0] = step;
            });
        System.out.println(result);
        System.out.printf("mean_return=%.4f success_rate=%s%s%n", result.meanReturn(),
            Double.isNaN(result.successRate()) ? "nan" : String.format("%.4f", result.successRate()),
            Double.isNaN(result.testedShare()) ? "" : String.format(" tested_share=%.4f success_when_tested=%s",
                result.testedShare(), Double.isNaN(result.successWhenTested()) ? "nan"
                    : String.format("%.4f", result.successWhenTested())));
        if (writer != null) {
          System.out.printf("recorded one episode (return %.2f, %d steps) to %s%n", lastRecorded[0].episodeReturn(),
              lastRecorded[0].step(), gif);
        }
      }
    }
    if (gif != null && !Files.isRegularFile(gif)) {
      throw new IllegalStateException("no GIF was written to " + gif);
    }
    return 0;
  }

  /** --env must give the policy what the run's task gave it: the same observations and actions. */
  private static void checkSameInterface(TaskRegistry registry, String trained, mnemo.envs.EnvSpec played) {
    try (Environment own = registry.make(trained)) {
      if (!own.spec().sameInterface(played)) {
        throw new IllegalArgumentException("--env " + played.taskId() + " does not fit the run: it observes "
            + played.describeInterface() + ", the run's task " + trained + " observes " + own.spec().describeInterface());
      }
    }
  }
}
