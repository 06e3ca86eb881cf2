package mnemo.cli.sweep;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import mnemo.cli.EvalCommand;
import mnemo.cli.train.MetricsLog;
import mnemo.envs.rollout.Evaluation;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;
import picocli.CommandLine;

/**
 * What a sweep measured: each run's evaluation ({@code eval.json}, written once when the run is done),
 * and the section of {@code docs/results-rl.md} built from them: the longest length each core solves,
 * the success of every run, the frames each run took to reach 90 % training success, and learning curves.
 */
final class SweepResults {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  /** A run's evaluation: success rate and mean return over {@code episodes} whole episodes. */
  /**
   * A run's evaluation: success and mean return with sampled actions (as trained), and the success with
   * greedy (arg-max) actions, which leaves out the policy's own randomness (NaN for evaluations written
   * before it was recorded).
   */
  record Eval(double success, double meanReturn, int episodes, double greedySuccess) {}

  private final SweepCommand sweep;
  private final List<SweepCommand.Run> runs;

  SweepResults(SweepCommand sweep, List<SweepCommand.Run> runs) {
    this.sweep = sweep;
    this.runs = runs;
  }

  static Path evalFile(Path runDir) {
    return runDir.resolve("eval.json");
  }

  /**
   * Evaluates a trained run folder with {@code mnemo eval}, sampled and greedy, and records both in
   * eval.json.
   */
  static Eval evaluate(Path runDir, int episodes) throws IOException {
    Evaluation sampled = runEval(runDir, episodes, false);
    Evaluation greedy = runEval(runDir, episodes, true);
    Eval e = new Eval(sampled.successRate(), sampled.meanReturn(), sampled.episodes(), greedy.successRate());
    write(runDir, e);
    return e;
  }

  /** Adds the greedy evaluation to an eval.json written before it was recorded; returns the result. */
  static Eval addGreedy(Path runDir, Eval old) throws IOException {
    Eval e = new Eval(old.success(), old.meanReturn(), old.episodes(),
        runEval(runDir, old.episodes(), true).successRate());
    write(runDir, e);
    return e;
  }

  private static Evaluation runEval(Path runDir, int episodes, boolean greedy) {
    return runEval(runDir, episodes, greedy, null, runDir.resolve(greedy ? "eval-greedy.log" : "eval.log"));
  }

  private static Evaluation runEval(Path runDir, int episodes, boolean greedy, String env, Path log) {
    EvalCommand eval = new EvalCommand();
    PrintStream out = System.out;
    int code;
    List<String> args = new ArrayList<>(List.of("--run-dir", runDir.toString(), "--episodes", Integer.toString(episodes)));
    if (greedy) {
      args.add("--greedy");
    }
    if (env != null) {
      args.addAll(List.of("--env", env));
    }
    try (PrintStream quiet = new PrintStream(Files.newOutputStream(log))) {
      System.setOut(quiet);
      code = new CommandLine(eval).execute(args.toArray(new String[0]));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } finally {
      System.setOut(out);
    }
    if (code != 0 || eval.result() == null) {
      throw new IllegalStateException("evaluating " + runDir + " failed (exit " + code + "; see " + log + ")");
    }
    return eval.result();
  }

  private static void write(Path runDir, Eval e) throws IOException {
    Files.writeString(evalFile(runDir), String.format(Locale.ROOT,
        "{\"success\": %s, \"mean_return\": %.6f, \"episodes\": %d, \"greedy_success\": %s}%n", json(e.success()),
        e.meanReturn(), e.episodes(), json(e.greedySuccess())));
  }

  /** How far each run's memory carries: greedy success at K·L of the runs trained at L (sweep --beyond K). */
  private void appendBeyond(StringBuilder md) throws IOException {
    int k = sweep.beyond;
    md.append(String.format(Locale.ROOT, "%nBeyond the training length: greedy success of each run on the task at %d "
        + "times the length it was trained at (`mnemo eval --env`, %d episodes; seeds 1..%d; *holds*: ≥ %.0f %%):%n%n",
        k, sweep.evalEpisodes, sweep.seeds, 100 * sweep.solved));
    md.append("| trained at | played at | ");
    for (String core : sweep.cores) {
      md.append('`').append(core).append("` | ");
    }
    md.append("\n| --- | --- | ").append("--- | ".repeat(sweep.cores.size())).append('\n');
    for (int l : sweep.lengths) {
      md.append("| ").append(l).append(" | ").append(k * l).append(" | ");
      for (String core : sweep.cores) {
        List<String> cells = new ArrayList<>();
        int holds = 0;
        int done = 0;
        for (SweepCommand.Run r : runs) {
          if (r.core().equals(core) && r.length() == l) {
            double b = readBeyond(sweep.runDir(r), k * l);
            if (Double.isNaN(b)) {
              cells.add("…");
              continue;
            }
            done++;
            holds += b >= sweep.solved ? 1 : 0;
            cells.add(String.format(Locale.ROOT, "%.2f", b));
          }
        }
        md.append(done == 0 ? "" : String.format(Locale.ROOT, "**%d/%d**: ", holds, done)).append(String.join(", ", cells))
            .append(" | ");
      }
      md.append('\n');
    }
  }

  private static String json(double v) {
    return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.6f", v);
  }

  /** Where a run's evaluation beyond its length is recorded. */
  static Path beyondFile(Path runDir) {
    return runDir.resolve("beyond.json");
  }

  /**
   * Evaluates a trained run greedily on {@code taskId} (its task at a longer length) with {@code mnemo eval
   * --env}, and records the length and the success in beyond.json.
   */
  static double evaluateBeyond(Path runDir, String taskId, int length, int episodes) throws IOException {
    double success = runEval(runDir, episodes, true, taskId, runDir.resolve("eval-beyond.log")).successRate();
    Files.writeString(beyondFile(runDir), String.format(Locale.ROOT, "{\"length\": %d, \"greedy_success\": %s}%n",
        length, json(success)));
    return success;
  }

  /** A run's greedy success at {@code length} beyond its own, or NaN while it has none (or one at another length). */
  static double readBeyond(Path runDir, int length) throws IOException {
    Path f = beyondFile(runDir);
    if (!Files.isRegularFile(f)) {
      return Double.NaN;
    }
    String s = Files.readString(f);
    return (int) number(s, "length") == length ? number(s, "greedy_success") : Double.NaN;
  }

  /** A run's evaluation, or null while it has none. */
  static Eval readEval(Path runDir) throws IOException {
    Path f = evalFile(runDir);
    if (!Files.isRegularFile(f)) {
      return null;
    }
    String s = Files.readString(f);
    return new Eval(number(s, "success"), number(s, "mean_return"), (int) number(s, "episodes"),
        s.contains("\"greedy_success\"") ? number(s, "greedy_success") : Double.NaN);
  }

  private static double number(String json, String key) {
    int i = json.indexOf("\"" + key + "\"");
    if (i < 0) {
      throw new IllegalArgumentException("no " + key + " in " + json);
    }
    int from = json.indexOf(':', i) + 1;
    int to = from;
    while (to < json.length() && ",}\n".indexOf(json.charAt(to)) < 0) {
      to++;
    }
    String v = json.substring(from, to).trim();
    return v.equals("null") ? Double.NaN : Double.parseDouble(v);
  }

  /** Frames in the last row of a run's metrics.csv (0 before the first row). */
  static long framesSoFar(Path runDir) {
    Path csv = runDir.resolve("metrics.csv");
    if (!Files.isRegularFile(csv)) {
      return 0;
    }
    try {
      double[] f = MetricsLog.read(csv).get("frames");
      return f == null || f.length == 0 ? 0 : (long) f[f.length - 1];
    } catch (RuntimeException e) {
      return 0; // a row being written
    }
  }

  /**
   * The length curriculum's progress, when the runs had one: per core and seed, the memory length ℓ the
   * curriculum had reached when the budget ended, and the frames at which it reached each length. A
   * curriculum run at L is itself a sweep over ℓ = 2, 4, 8, ... up to L, one length learned after another.
   */
  private void appendCurriculum(StringBuilder md) {
    StringBuilder rows = new StringBuilder();
    boolean any = false;
    for (int l : sweep.lengths) {
      for (String core : sweep.cores) {
        List<String> cells = new ArrayList<>();
        for (SweepCommand.Run r : runs) {
          if (r.core().equals(core) && r.length() == l) {
            List<long[]> steps = curriculumSteps(sweep.runDir(r));
            if (steps.isEmpty()) {
              cells.add("…");
              continue;
            }
            any = true;
            StringBuilder c = new StringBuilder();
            c.append("**").append(steps.get(steps.size() - 1)[0]).append("**");
            StringBuilder at = new StringBuilder();
            for (long[] st : steps) {
              if (st[0] > 2) {
                at.append(at.length() == 0 ? "" : ", ").append(st[0]).append(" @ ").append(human(st[1]));
              }
            }
            cells.add(c + (at.length() == 0 ? "" : " (" + at + ")"));
          }
        }
        rows.append("| ").append(l).append(" | `").append(core).append("` | ").append(String.join("; ", cells))
            .append(" |\n");
      }
    }
    if (!any) {
      return;
    }
    md.append("\nThe length curriculum (training episodes at memory length ℓ = 2, doubled once 90 % of the last 100 "
        + "episodes at ℓ succeeded, up to L): the ℓ each seed had reached when its budget ended, in bold, and the "
        + "frames at which it moved to each length (seeds 1, 2, 3 … separated by `;`):\n\n");
    md.append("| L | core | ℓ reached (ℓ @ frames) per seed |\n| --- | --- | --- |\n").append(rows);
  }

  /**
   * The length curriculum's steps in a run's metrics: (ℓ, first frame count at which the row showed it)
   * for each ℓ in order; empty when the run had no curriculum (or no row yet).
   */
  static List<long[]> curriculumSteps(Path runDir) {
    Path csv = runDir.resolve("metrics.csv");
    List<long[]> steps = new ArrayList<>();
    if (!Files.isRegularFile(csv)) {
      return steps;
    }
    Map<String, double[]> log;
    try {
      log = MetricsLog.read(csv);
    } catch (RuntimeException e) {
      return steps; // a row being written
    }
    double[] f = log.get("frames");
    double[] m = log.get("memory_length");
    for (int i = 0; f != null && m != null && i < f.length; i++) {
      if (m[i] > 0 && (steps.isEmpty() || steps.get(steps.size() - 1)[0] != (long) m[i])) {
        steps.add(new long[] {(long) m[i], (long) f[i]});
      }
    }
    return steps;
  }

  /**
   * The success column of a run's metrics that measures the task as given: {@code full_success_rate}
   * (episodes played at the task's own memory length, empty before a length curriculum reached it) where
   * the run has it, else {@code success_rate} (runs from before length sampling).
   */
  static double[] successAtL(Map<String, double[]> log) {
    double[] full = log.get("full_success_rate");
    return full != null ? full : log.get("success_rate");
  }

  /**
   * The first frame count at which the run's training success at the task's own length reached {@code
   * level}, or −1.
   */
  static long framesTo(Path runDir, double level) {
    Path csv = runDir.resolve("metrics.csv");
    if (!Files.isRegularFile(csv)) {
      return -1;
    }
    Map<String, double[]> log = MetricsLog.read(csv);
    double[] f = log.get("frames");
    double[] s = successAtL(log);
    for (int i = 0; f != null && s != null && i < f.length; i++) {
      if (s[i] >= level) {
        return (long) f[i];
      }
    }
    return -1;
  }

  String sectionName() {
    if (sweep.section != null) {
      return sweep.section;
    }
    int colon = sweep.env.indexOf(':');
    return colon < 0 ? sweep.env : sweep.env.substring(0, colon);
  }

  /** Writes the section (and its PNGs beside the doc, in img/) and returns the doc's path. */
  Path write() throws IOException {
    String name = sectionName();
    String slug = name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
    String begin = "<!-- sweep:" + name + ":begin -->";
    String end = "<!-- sweep:" + name + ":end -->";
    Path img = sweep.doc.toAbsolutePath().getParent().resolve("img");
    Files.createDirectories(img);

    StringBuilder md = new StringBuilder(begin).append('\n');
    md.append("### ").append(name).append("\n\nGenerated ").append(Instant.now().truncatedTo(ChronoUnit.MINUTES))
        .append(" by\n\n```\n./mnemo sweep --env ").append(sweep.env).append(" --param ").append(sweep.param)
        .append(" --lengths ").append(join(sweep.lengths)).append(" --frames ").append(join(sweep.frames))
        .append(" --cores ").append(String.join(",", sweep.cores))
        .append(sweep.hidden == null ? "" : " --hidden " + sweep.hidden).append(" --seeds ").append(sweep.seeds)
        .append(sweep.trainArgs.isBlank() ? "" : " --train-args '" + sweep.trainArgs + "'")
        .append(sweep.beyond == null ? "" : " --beyond " + sweep.beyond)
        .append(sweep.section == null ? "" : " --section " + sweep.section)
        .append(" --dir ").append(sweep.dir).append("\n```\n\n");
    md.append(String.format(Locale.ROOT, "Every run: `mnemo train` with default flags%s, then %d evaluation episodes "
        + "with sampled actions (as trained) and %2$d with greedy (arg-max) actions, which leave out the policy's own "
        + "randomness: on a long corridor a sampled policy misses by a random step now and then though it holds "
        + "the cue. *Solved*: evaluation success ≥ %.0f %%. Runs not finished yet are marked `…`.%n%n",
        sweep.trainArgs.isBlank() ? "" : " plus `" + sweep.trainArgs + "`", sweep.evalEpisodes, 100 * sweep.solved));

    // The longest length each core solves: with every seed, and with at least one.
    md.append("| core | longest length solved by every seed | by at least one seed | greedy: by every seed | by at "
        + "least one | runs finished |\n");
    md.append("| --- | --- | --- | --- | --- | --- |\n");
    for (String core : sweep.cores) {
      int all = -1;
      int any = -1;
      int allGreedy = -1;
      int anyGreedy = -1;
      int done = 0;
      int total = 0;
      for (int l : sweep.lengths) {
        int solvedSeeds = 0;
        int greedySeeds = 0;
        int seedsDone = 0;
        for (SweepCommand.Run r : runs) {
          if (r.core().equals(core) && r.length() == l) {
            total++;
            Eval e = readEval(sweep.runDir(r));
            if (e != null) {
              done++;
              seedsDone++;
              if (e.success() >= sweep.solved) {
                solvedSeeds++;
              }
              if (e.greedySuccess() >= sweep.solved) {
                greedySeeds++;
              }
            }
          }
        }
        if (seedsDone == sweep.seeds && solvedSeeds == sweep.seeds) {
          all = Math.max(all, l);
        }
        if (solvedSeeds > 0) {
          any = Math.max(any, l);
        }
        if (seedsDone == sweep.seeds && greedySeeds == sweep.seeds) {
          allGreedy = Math.max(allGreedy, l);
        }
        if (greedySeeds > 0) {
          anyGreedy = Math.max(anyGreedy, l);
        }
      }
      md.append(String.format(Locale.ROOT, "| `%s` | %s | %s | %s | %s | %d/%d |%n", core, all < 0 ? "none" : all,
          any < 0 ? "none" : any, allGreedy < 0 ? "none" : allGreedy, anyGreedy < 0 ? "none" : anyGreedy, done,
          total));
    }

    appendCurriculum(md);
    md.append("\nEvaluation success per seed, sampled / greedy actions (frames to 90 % training success at the task's "
        + "own length in brackets):\n\n");
    md.append("| length | frames | ");
    for (String core : sweep.cores) {
      md.append('`').append(core).append("` | ");
    }
    md.append("\n| --- | --- | ").append("--- | ".repeat(sweep.cores.size())).append('\n');
    for (int l : sweep.lengths) {
      long budget = 0;
      StringBuilder row = new StringBuilder();
      List<Curve> curves = new ArrayList<>();
      for (String core : sweep.cores) {
        List<String> cells = new ArrayList<>();
        List<Path> finished = new ArrayList<>();
        for (SweepCommand.Run r : runs) {
          if (r.core().equals(core) && r.length() == l) {
            budget = r.frames();
            Eval e = readEval(sweep.runDir(r));
            if (e == null) {
              cells.add("…");
              continue;
            }
            long to90 = framesTo(sweep.runDir(r), 0.9);
            cells.add(String.format(Locale.ROOT, "%.2f%s%s", e.success(), Double.isNaN(e.greedySuccess()) ? ""
                : String.format(Locale.ROOT, " / %.2f", e.greedySuccess()), to90 < 0 ? "" : " (" + human(to90) + ")"));
            finished.add(sweep.runDir(r));
          }
        }
        row.append(String.join(", ", cells)).append(" | ");
        Curve c = Curve.mean(core, finished);
        if (c != null) {
          curves.add(c);
        }
      }
      md.append("| ").append(l).append(" | ").append(human(budget)).append(" | ").append(row).append('\n');
      if (!curves.isEmpty()) {
        Path png = img.resolve("rl-" + slug + "-" + l + ".png");
        plot(png, name + ", " + sweep.param + " = " + l + ": training success at L (mean over finished seeds)", curves);
      }
    }
    if (sweep.beyond != null) {
      appendBeyond(md);
    }
    md.append('\n');
    for (int l : sweep.lengths) {
      Path png = img.resolve("rl-" + slug + "-" + l + ".png");
      if (Files.isRegularFile(png)) {
        md.append("![").append(name).append(' ').append(sweep.param).append('=').append(l).append("](img/")
            .append(png.getFileName()).append(")\n");
      }
    }
    md.append(end).append('\n');

    String page = Files.isRegularFile(sweep.doc) ? Files.readString(sweep.doc)
        : "# Reinforcement learning: how far the cores remember\n\n";
    int b = page.indexOf(begin);
    int e = page.indexOf(end);
    if (b < 0 || e < 0) {
      page = page + (page.endsWith("\n") ? "\n" : "\n\n") + md;
    } else {
      int after = e + end.length();
      if (after < page.length() && page.charAt(after) == '\n') {
        after++;
      }
      page = page.substring(0, b) + md + page.substring(after);
    }
    Files.createDirectories(sweep.doc.toAbsolutePath().getParent());
    Files.writeString(sweep.doc, page);
    return sweep.doc;
  }

  /** A core's training success against frames, averaged over seeds on a common grid of frames. */
  record Curve(String name, double[] frames, double[] success) {
    static Curve mean(String name, List<Path> runDirs) {
      TreeMap<Long, double[]> grid = new TreeMap<>(); // bucket → {sum, count}
      long bucket = 0;
      for (Path d : runDirs) {
        Map<String, double[]> log = MetricsLog.read(d.resolve("metrics.csv"));
        double[] f = log.get("frames");
        if (f != null && f.length > 0) {
          bucket = Math.max(bucket, (long) (f[f.length - 1] / 60));
        }
      }
      if (bucket == 0) {
        return null;
      }
      for (Path d : runDirs) {
        Map<String, double[]> log = MetricsLog.read(d.resolve("metrics.csv"));
        double[] f = log.get("frames");
        double[] s = successAtL(log);
        for (int i = 0; f != null && s != null && i < f.length; i++) {
          if (!Double.isNaN(s[i])) {
            double[] acc = grid.computeIfAbsent((long) (f[i] / bucket), k -> new double[2]);
            acc[0] += s[i];
            acc[1]++;
          }
        }
      }
      double[] x = new double[grid.size()];
      double[] y = new double[grid.size()];
      int i = 0;
      for (Map.Entry<Long, double[]> en : grid.entrySet()) {
        x[i] = (en.getKey() + 0.5) * bucket;
        y[i] = en.getValue()[0] / en.getValue()[1];
        i++;
      }
      return x.length == 0 ? null : new Curve(name, x, y);
    }
  }

  private static void plot(Path png, String title, List<Curve> curves) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("frames")
        .yAxisTitle("success rate of recent training episodes").build();
    chart.getStyler().setMarkerSize(0);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisMax(1.0);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    for (Curve c : curves) {
      chart.addSeries(c.name(), c.frames(), c.success()).setMarker(SeriesMarkers.NONE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  private static String join(List<?> xs) {
    return String.join(",", xs.stream().map(String::valueOf).toList());
  }

  /** 1.5M, 300k, 900. */
  static String human(long frames) {
    if (frames >= 1_000_000) {
      return trim(frames / 1e6) + "M";
    }
    if (frames >= 1000) {
      return trim(frames / 1e3) + "k";
    }
    return Long.toString(frames);
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }
}
