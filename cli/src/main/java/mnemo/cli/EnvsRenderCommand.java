package mnemo.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import mnemo.envs.Environment;
import mnemo.envs.render.FrameRecorder;
import mnemo.envs.render.GifWriter;
import mnemo.envs.render.PngWriter;
import mnemo.envs.render.StepCaption;
import mnemo.envs.render.TextRenderer;
import mnemo.envs.rollout.EpisodeOutcome;
import mnemo.envs.rollout.Rollout;
import mnemo.envs.rollout.SingleEnvPolicy;
import mnemo.envs.tasks.BuiltinTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mnemo envs render ID}: a rollout of one task as an animated GIF, a PNG, or text frames. */
@Command(
    name = "render",
    header = "Roll out a task with a scripted policy: GIF, PNG or text frames.",
    mixinStandardHelpOptions = true,
    description =
        "Roll out a task with a scripted policy and write what it looks like: an animated GIF "
        + "(every step, with a caption of episode, step, action, reward and return), a PNG of "
        + "the last step, or text frames on the terminal (--text).%n%nExample: ./mnemo envs "
        + "render memory/tmaze:length=10 --policy oracle --out tmaze.gif")
public final class EnvsRenderCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ID", description = "Task id with parameters, e.g. memory/tmaze:length=20,mode=active.")
  String taskId;

  @Option(names = "--steps", paramLabel = "N", description = "Actions to take in all, over as many episodes as needed; 0 = one whole episode (default: ${DEFAULT-VALUE}).")
  int steps = 0;

  @Option(names = "--out", paramLabel = "FILE", description = "Output file: .gif (animation) or .png (the last step). Required unless --text.")
  Path out;

  @Option(names = "--policy", paramLabel = "NAME", description = "random or oracle (tasks with a scripted oracle) (default: ${DEFAULT-VALUE}).")
  String policy = "random";

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the episodes and of the random policy (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--scale", paramLabel = "K", description = "Integer pixel scale; 0 = enlarge small pictures to about " + FrameRecorder.AUTO_SIDE + " pixels (default: ${DEFAULT-VALUE}).")
  int scale = 0;

  @Option(names = "--fps", paramLabel = "F", description = "GIF frames per second (default: ${DEFAULT-VALUE}).")
  double fps = 4;

  @Option(names = "--captions", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Caption strip under each frame (default: on; --no-captions to drop it).")
  boolean captions = true;

  @Option(names = "--text", description = "Print text frames to the terminal (each step's caption and text picture).")
  boolean text;

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (out == null && !text) {
      throw new ParameterException(spec.commandLine(), "give --out FILE.gif|FILE.png, or --text");
    }
    String kind = out == null ? "" : out.getFileName().toString().toLowerCase(Locale.ROOT);
    if (out != null && !kind.endsWith(".gif") && !kind.endsWith(".png")) {
      throw new ParameterException(spec.commandLine(), "--out must end in .gif or .png, got " + out);
    }
    if (steps < 0 || scale < 0 || !(fps > 0 && fps <= 100)) {
      throw new ParameterException(spec.commandLine(), "--steps and --scale must be >= 0 and --fps in (0, 100]");
    }
    try (Environment env = make(spec, taskId)) {
      SingleEnvPolicy p = policy(spec, policy, env, seed);
      PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
      TextRenderer textRenderer = new TextRenderer(stdout, false);
      GifWriter gif = kind.endsWith(".gif") ? new GifWriter(out, (int) Math.round(1000 / fps)) : null;
      FrameRecorder recorder = out == null ? null : new FrameRecorder(env, scale, captions, gif);
      List<EpisodeOutcome> episodes;
      try {
        episodes = Rollout.steps(env, p, seed, steps, s -> {
          if (text) {
            textRenderer.print(env, StepCaption.of(s, env.spec()));
          }
          if (recorder != null) {
            recorder.onStep(s);
          }
        });
      } finally {
        if (gif != null) {
          gif.close();
        }
      }
      if (kind.endsWith(".png")) {
        PngWriter.write(recorder.last(), 1, out);
      }
      stdout.println(summary(env.spec().taskId(), episodes));
      if (out != null) {
        stdout.println("wrote " + out + (gif != null ? " (" + recorder.frames() + " frames at " + fps + " fps)" : ""));
      }
    }
    return 0;
  }

  /** The task {@code id}, or a usage error (exit code 2) naming what is wrong with it. */
  static Environment make(CommandSpec spec, String id) {
    try {
      return BuiltinTasks.registry().make(id);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** The policy {@code name} for {@code env}, or a usage error. */
  static SingleEnvPolicy policy(CommandSpec spec, String name, Environment env, long seed) {
    try {
      return SingleEnvPolicy.named(name, env, seed);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** "task: 3 episodes (2 finished), mean return 0.50, success 1/2". */
  static String summary(String taskId, List<EpisodeOutcome> episodes) {
    long finished = episodes.stream().filter(EpisodeOutcome::finished).count();
    double meanReturn = episodes.stream().mapToDouble(EpisodeOutcome::episodeReturn).average().orElse(0);
    long withSuccess = episodes.stream().filter(e -> !Double.isNaN(e.success())).count();
    long successes = episodes.stream().filter(e -> e.success() > 0).count();
    return String.format(Locale.ROOT, "%s: %d episode%s (%d finished), mean return %.3f%s", taskId, episodes.size(),
        episodes.size() == 1 ? "" : "s", finished, meanReturn,
        withSuccess == 0 ? "" : String.format(Locale.ROOT, ", success %d/%d", successes, withSuccess));
  }
}
