package mnemo.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import mnemo.actor.AgentPolicy;
import mnemo.actor.Evaluation;
import mnemo.actor.SingleEnvPolicy;
import mnemo.cli.train.RunFolder;
import mnemo.envs.Environment;
import mnemo.envs.Seeds;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.render.FrameRecorder;
import mnemo.envs.render.GifWriter;
import mnemo.envs.rollout.EpisodeStats;
import mnemo.envs.rollout.Rollout;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.proto.config.v1.ExperimentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mnemo eval}: a trained agent's mean return and success rate, and a recorded episode. */
@Command(
    name = "eval",
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

  private Evaluation.Result result;

  /** What the last {@link #call} measured (for tests and scripts embedding the command). */
  public Evaluation.Result result() {
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
    TaskRegistry registry = TaskRegistry.builtin();
    int n = Math.min(envs, episodes);
    try (VectorEnvironment env = VectorEnvironment.of(n, () -> registry.make(config.getTaskId()));
        AgentPolicy policy = new AgentPolicy(Agents.create(AgentPolicy.specFor(env.spec(), config)))) {
      policy.loadWeights(latest.weightsNpz());
      System.out.printf("evaluating %s (%s) from %s: %s weights, version %d, %d frames trained%n", config.getTaskId(),
          config.getCoreSpec(), run.checkpoint(), greedy ? "greedy" : "sampled", latest.weightVersion(), latest.frames());
      Evaluation.Result r = Evaluation.run(policy, env, episodes, seed, greedy, null);
      result = r;
      System.out.println(r);
      System.out.printf("mean_return=%.4f success_rate=%s%n", r.meanReturn(),
          Double.isNaN(r.successRate()) ? "nan" : String.format("%.4f", r.successRate()));
      if (gif != null) {
        try (Environment one = registry.make(config.getTaskId()); GifWriter writer = new GifWriter(gif, gifDelay)) {
          SingleEnvPolicy single = new SingleEnvPolicy(policy, Seeds.derive(seed, 1), greedy);
          EpisodeStats s = Rollout.episode(one, single, Seeds.derive(seed, 2), 1, 0,
              new FrameRecorder(one, 0, true, writer));
          System.out.printf("recorded one episode (return %.2f, %d steps) to %s%n", s.episodeReturn(), s.length(),
              gif);
        }
        if (!Files.isRegularFile(gif)) {
          throw new IllegalStateException("no GIF was written to " + gif);
        }
      }
    }
    return 0;
  }
}
