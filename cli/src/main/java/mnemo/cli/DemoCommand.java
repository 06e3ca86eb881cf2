package mnemo.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mnemo.envs.Environment;
import mnemo.proto.Seeds;
import mnemo.envs.render.FrameRecorder;
import mnemo.envs.render.GifWriter;
import mnemo.envs.render.StepCaption;
import mnemo.envs.render.TextRenderer;
import mnemo.envs.rollout.EpisodeOutcome;
import mnemo.envs.rollout.Rollout;
import mnemo.envs.rollout.SingleEnvPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mnemo demo}: the first thing to run. Rolls out a built-in task with the random policy, prints
 * a few steps as text and a summary, and writes the rollout as a GIF into {@code runs/demo-<time>/}.
 */
@Command(
    name = "demo",
    header = "A random agent plays a memory task, rendered to a GIF (no training).",
    mixinStandardHelpOptions = true,
    description =
        "A quick look at Mnemo: a random agent plays a memory task for a few episodes; the "
        + "first steps are printed as text, the whole rollout is written as an animated GIF into "
        + "runs/demo-<time>/, and a summary (return, success) tells how far from the oracle it "
        + "is.")
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The task shown by default: short enough to read, with a cue that must be remembered. */
  static final String DEFAULT_TASK = "memory/tmaze:length=8";

  @Option(names = "--task", paramLabel = "ID", description = "Task id (default: ${DEFAULT-VALUE}; `./mnemo envs` lists them).")
  String task = DEFAULT_TASK;

  @Option(names = "--episodes", paramLabel = "N", description = "Episodes to play (default: ${DEFAULT-VALUE}).")
  int episodes = 3;

  @Option(names = "--policy", paramLabel = "NAME", description = "random or oracle (default: ${DEFAULT-VALUE}).")
  String policy = "random";

  @Option(names = "--max-steps", paramLabel = "N", description = "Cut each episode after N steps, for long tasks (default: ${DEFAULT-VALUE}).")
  int maxSteps = 200;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the episodes and the policy (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--show", paramLabel = "N", description = "Steps of the first episode printed as text (default: ${DEFAULT-VALUE}).")
  int show = 3;

  @Option(names = "--runs", paramLabel = "DIR", description = "Folder for run folders (default: ${DEFAULT-VALUE}).")
  Path runs = Path.of("runs");

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (episodes < 1 || episodes > 100 || maxSteps < 1) {
      throw new ParameterException(spec.commandLine(), "--episodes must be in [1, 100] and --max-steps >= 1");
    }
    Path dir = runs.resolve("demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    Path gifPath = dir.resolve("rollout.gif");
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    try (Environment env = EnvsRenderCommand.make(spec, task)) {
      out.println("Mnemo demo: a " + policy + " agent on " + env.spec().taskId());
      out.println("  observation " + env.spec().observation() + ", " + env.spec().numActions() + " actions "
          + env.spec().actionNames());
      out.println();
      SingleEnvPolicy p = EnvsRenderCommand.policy(spec, policy, env, seed);
      TextRenderer text = new TextRenderer(out, false);
      List<EpisodeOutcome> stats = new ArrayList<>();
      int frames;
      try (GifWriter gif = new GifWriter(gifPath, 250)) {
        FrameRecorder recorder = new FrameRecorder(env, 0, true, gif);
        for (int e = 0; e < episodes; e++) {
          int episode = e + 1;
          stats.add(Rollout.episode(env, p, Seeds.derive(seed, e), episode, maxSteps, s -> {
            recorder.onStep(s);
            if (episode == 1 && s.step() < show) {
              text.print(env, StepCaption.of(s, env.spec()));
            } else if (episode == 1 && s.step() == show) {
              out.println("  ...");
            }
          }));
        }
        frames = recorder.frames();
      }
      out.println();
      for (int e = 0; e < stats.size(); e++) {
        EpisodeOutcome s = stats.get(e);
        out.printf(Locale.ROOT, "episode %d: %d steps%s, return %.3f%s%n", e + 1, s.length(),
            s.finished() ? "" : " (cut)", s.episodeReturn(),
            Double.isNaN(s.success()) ? "" : s.success() > 0 ? ", success" : ", failure");
      }
      out.println(EnvsRenderCommand.summary(env.spec().taskId(), stats));
      out.println();
      out.println("The rollout (" + frames + " frames) is in " + gifPath.toAbsolutePath());
      out.println("Next: ./mnemo envs render " + env.spec().taskId() + " --policy oracle --out oracle.gif"
          + "   (the optimal play), ./mnemo envs (every task)");
    }
    return 0;
  }
}
