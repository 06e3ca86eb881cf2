package mnemo.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import mnemo.envs.Environment;
import mnemo.envs.Oracle;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskId;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.render.FrameRecorder;
import mnemo.envs.render.GifWriter;
import mnemo.envs.rollout.Evaluation;
import mnemo.envs.rollout.Rollout;
import mnemo.envs.rollout.SingleEnvPolicy;
import mnemo.envs.tasks.BuiltinTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mnemo envs table}: docs/envs.md, the task table (random and oracle scores beside the
 * published ones), an oracle GIF per task family, and the per-area notes of docs/envs/*.md.
 */
@Command(
    name = "table",
    header = "Score every task with the random and the oracle policy; write docs/envs.md.",
    mixinStandardHelpOptions = true,
    description =
        "Score every registered task (a curated list of parameter settings per family, the "
        + "defaults for families not listed) with the random policy and the scripted oracle over "
        + "N seeded episodes, write the Markdown table with the published scores to "
        + "docs/envs.md, an oracle GIF per family to docs/img/, and append the task notes found "
        + "in docs/envs/*.md.%n%nExample: ./mnemo envs table --episodes 100")
public final class EnvsTableCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** Parameter settings per family, the pictured one first. Families not listed are scored at their defaults. */
  static final Map<String, List<String>> SETTINGS = new LinkedHashMap<>();

  /** What the literature reports, per family (from ../shared/notes/tasks.md). */
  static final Map<String, String> PUBLISHED = new LinkedHashMap<>();

  static {
    SETTINGS.put("gridworld/empty", List.of("size=8", "size=16"));
    SETTINGS.put("minigrid/memory", List.of("size=7", "size=13", "size=17,random=true"));
    SETTINGS.put("memory/visual-match", List.of("mode=passive", "mode=active"));
    SETTINGS.put("memory-grid", List.of("size=9", "size=15"));
    SETTINGS.put("memory-maze", List.of("size=9", "size=15"));
    SETTINGS.put("memory/cue-recall", List.of("length=10", "length=100", "length=2,bits=10"));
    SETTINGS.put("memory/tmaze", List.of("length=10", "length=100", "length=10,mode=active", "length=100,mode=active"));
    SETTINGS.put("popgym/repeat-first", List.of("difficulty=easy", "difficulty=medium", "difficulty=hard"));
    SETTINGS.put("popgym/repeat-previous", List.of("difficulty=easy", "difficulty=medium", "difficulty=hard"));

    PUBLISHED.put("memory/cue-recall", "bsuite memory_len: L = 1…100 (1 bit), memory_size: 1…40 bits; random answers are right half the time");
    PUBLISHED.put("memory/tmaze", "optimum 1 (Ni et al. 2023, sweeps passive L = 50…1500, active L = 20…500); Bakker's (2001) LSTM solved L ≈ 70");
    PUBLISHED.put("popgym/repeat-first", "returns in [−1, 1]; GRU the strongest of POPGym's baselines (Morad et al. 2023)");
    PUBLISHED.put("popgym/repeat-previous", "returns in [−1, 1]; GRU the strongest of POPGym's baselines (Morad et al. 2023)");
    PUBLISHED.put("memory-maze", "9×9: oracle 34.8, human 26.4, Dreamer 33.2, IMPALA (LSTM) 23.4 after 100M steps; 15×15: oracle 87.7, human 67.7 (Pašukonis et al. 2022)");
    PUBLISHED.put("memory-grid", "9×9: oracle 27.2, human 18.9");
    PUBLISHED.put("minigrid/memory", "success reward 1 − 0.9·t/T, T = 5·size²");
    PUBLISHED.put("memory/visual-match", "final reward +10 (Hung et al. 2019) / +5 (Ni et al. 2023); distractor 90 steps, Ni et al. sweep 60…1000");
    PUBLISHED.put("memory/key-to-door", "credit-assignment control: no gain from better gates expected (Hung et al. 2019)");
  }

  @Option(names = "--episodes", paramLabel = "N", description = "Seeded episodes per policy and setting (default: ${DEFAULT-VALUE}).")
  int episodes = 100;

  @Option(names = "--seed", paramLabel = "S", description = "Episode e is reset with Seeds.derive(S, e) (default: ${DEFAULT-VALUE}).")
  long seed = 1;

  @Option(names = "--out", paramLabel = "FILE", description = "The Markdown file to write; GIFs go to img/ beside it and notes are read from envs/ beside it (default: ${DEFAULT-VALUE}).")
  Path out = Path.of("docs/envs.md");

  @Option(names = "--gifs", negatable = true, defaultValue = "true", fallbackValue = "true", description = "Write an oracle GIF per family (default: on).")
  boolean gifs = true;

  @Option(names = "--gif-steps", paramLabel = "N", description = "At most this many steps per GIF (default: ${DEFAULT-VALUE}).")
  int gifSteps = 120;

  TaskRegistry registry = BuiltinTasks.registry();

  /** One scored setting. */
  record Row(TaskFamily family, String id, Evaluation random, Evaluation oracle) {}

  @Override
  public Integer call() throws Exception {
    System.setProperty("java.awt.headless", "true");
    if (episodes < 1 || gifSteps < 1) {
      throw new ParameterException(spec.commandLine(), "--episodes and --gif-steps must be >= 1");
    }
    Map<TaskFamily, List<String>> plan = new LinkedHashMap<>();
    long work = 0;
    for (TaskFamily f : registry.families()) {
      List<String> ids = settings(registry, f);
      plan.put(f, ids);
      for (String id : ids) {
        try (Environment env = registry.make(id)) {
          work += (long) episodes * (env instanceof Oracle ? 2 : 1) * weight(env);
        }
      }
    }
    Path dir = out.toAbsolutePath().getParent();
    Path imgDir = dir.resolve("img");
    List<Row> rows = new ArrayList<>();
    Map<TaskFamily, String> pictures = new LinkedHashMap<>();
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("envs table").setUnit(" steps", 1)
        .setInitialMax(work + (gifs ? (long) plan.size() * gifSteps : 0))
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).build()) {
      for (Map.Entry<TaskFamily, List<String>> e : plan.entrySet()) {
        for (String id : e.getValue()) {
          bar.setExtraMessage(id);
          try (Environment env = registry.make(id)) {
            long w = weight(env);
            Evaluation random = Evaluation.run(env, "random", episodes, seed, n -> bar.stepBy(w));
            Evaluation oracle = env instanceof Oracle ? Evaluation.run(env, "oracle", episodes, seed, n -> bar.stepBy(w)) : null;
            rows.add(new Row(e.getKey(), env.spec().taskId(), random, oracle));
          }
        }
        if (gifs) {
          String id = e.getValue().get(0);
          Path gif = imgDir.resolve(slug(e.getKey().name()) + ".gif");
          try (Environment env = registry.make(id)) {
            String policy = env instanceof Oracle ? "oracle" : "random";
            try (GifWriter w = new GifWriter(gif, 250)) {
              Rollout.episode(env, SingleEnvPolicy.named(policy, env, seed), seed, 1, gifSteps, new FrameRecorder(env, 0, true, w));
            }
            pictures.put(e.getKey(), env.spec().taskId() + "|" + policy);
          } catch (UnsupportedOperationException noPicture) {
            Files.deleteIfExists(gif);
          }
          bar.stepBy(gifSteps);
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(out, markdown(rows, pictures, notes(dir.resolve("envs"))), StandardCharsets.UTF_8);
    System.out.println("wrote " + out + " (" + rows.size() + " settings of " + plan.size() + " families"
        + (gifs ? ", " + pictures.size() + " GIFs in " + imgDir : "") + ")");
    return 0;
  }

  /** Progress units of one episode: its time limit, or 1 for tasks without one. */
  private static long weight(Environment env) {
    return Math.max(1, env.spec().maxEpisodeSteps());
  }

  /** The valid curated settings of {@code family} as full ids, or just its name (the defaults). */
  static List<String> settings(TaskRegistry registry, TaskFamily family) {
    List<String> ids = new ArrayList<>();
    for (String params : SETTINGS.getOrDefault(family.name(), List.of())) {
      String id = family.name() + ":" + params;
      try {
        registry.canonical(id);
        ids.add(id);
      } catch (IllegalArgumentException e) {
        System.err.println("envs table: skipping " + id + ": " + e.getMessage());
      }
    }
    if (ids.isEmpty()) {
      ids.add(family.name());
    }
    return ids;
  }

  static String slug(String text) {
    return text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
  }

  /** The contents of every *.md in {@code dir}, by file name. */
  static List<String> notes(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        out.add(Files.readString(p, StandardCharsets.UTF_8).strip());
      }
    }
    return out;
  }

  String markdown(List<Row> rows, Map<TaskFamily, String> pictures, List<String> notes) {
    StringBuilder md = new StringBuilder();
    md.append("# Environments\n\n");
    md.append("<!-- Generated by `./mnemo envs table --episodes ").append(episodes).append("`: edit docs/envs/*.md and the")
        .append(" settings in cli/.../EnvsTableCommand.java, not this file. -->\n\n");
    md.append("Every registered task (`./mnemo envs` lists them with their parameters) at a few settings, scored over ")
        .append(episodes).append(" seeded episodes (episode e reset with `Seeds.derive(").append(seed)
        .append(", e)`) by the uniform **random** policy and by the scripted **oracle** (full knowledge of the hidden")
        .append(" state; — where a task has none). Return is the mean episode return, success the share of episodes")
        .append(" whose last step reported `success` = 1 (— for tasks without one), random steps the mean episode length of"
        + " the random policy. Regenerate with `./mnemo envs table --episodes ").append(episodes)
        .append("`.\n\n");
    md.append("| task | parameters | random steps | random return | random success | oracle return | oracle success | published |\n");
    md.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
    TaskFamily previous = null;
    for (Row r : rows) {
      boolean first = r.family() != previous;
      previous = r.family();
      TaskId id = TaskId.parse(r.id());
      String params = id.toString().contains(":") ? id.toString().substring(id.toString().indexOf(':') + 1) : "";
      md.append("| ").append(first ? "`" + r.family().name() + "`" : "")
          .append(" | `").append(params).append("`")
          .append(" | ").append(fmtLength(r.random().meanLength()))
          .append(" | ").append(fmt(r.random().meanReturn()))
          .append(" | ").append(pct(r.random().successRate()))
          .append(" | ").append(r.oracle() == null ? "—" : fmt(r.oracle().meanReturn()))
          .append(" | ").append(r.oracle() == null ? "—" : pct(r.oracle().successRate()))
          .append(" | ").append(first ? PUBLISHED.getOrDefault(r.family().name(), "") : "")
          .append(" |\n");
    }
    if (!pictures.isEmpty()) {
      md.append("\n## Episodes\n\n");
      for (Map.Entry<TaskFamily, String> e : pictures.entrySet()) {
        String[] idAndPolicy = e.getValue().split("\\|");
        md.append("### ").append(e.getKey().name()).append("\n\n")
            .append(e.getKey().description()).append(". An ").append(idAndPolicy[1]).append(" episode of `")
            .append(idAndPolicy[0]).append("` (`./mnemo envs render ").append(idAndPolicy[0]).append(" --policy ")
            .append(idAndPolicy[1]).append(" --out x.gif`):\n\n")
            .append("![").append(idAndPolicy[1]).append(" episode of ").append(idAndPolicy[0]).append("](img/")
            .append(slug(e.getKey().name())).append(".gif)\n\n");
      }
    }
    for (String note : notes) {
      md.append("\n").append(note).append("\n");
    }
    return md.toString();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.3f", v).replace("-", "−");
  }

  private static String fmtLength(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * v);
  }
}
