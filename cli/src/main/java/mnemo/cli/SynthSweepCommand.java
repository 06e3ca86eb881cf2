package mnemo.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import mnemo.agent.synth.SynthConfig;
import mnemo.agent.synth.SynthTask;
import mnemo.agent.synth.SynthTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnemo synth sweep}: every core × length × seed with one step budget, then the results table
 * of docs/results-synthetic.md (written between its sweep markers; the rest of the page is kept).
 * Finished runs (their CSV exists) are skipped, so an interrupted sweep resumes.
 */
@Command(name = "sweep",
    header = "Every core x length x seed with one budget, then the results table.",
    mixinStandardHelpOptions = true,
    description = {"Train every core on every length with every seed (same budget for all), then write the",
      "results table into the doc. Finished runs are skipped: rerun the same command to resume, or add",
      "--report-only to rebuild the table and plots from the CSVs."})
final class SynthSweepCommand implements Callable<Integer> {

  static final String BEGIN = "<!-- synth-sweep:begin -->";
  static final String END = "<!-- synth-sweep:end -->";

  @Option(names = "--task", defaultValue = "copy", description = "copy or adding (default ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--lengths", defaultValue = "50,100", description = "Comma-separated lengths (default ${DEFAULT-VALUE}).")
  String lengths;

  @Option(names = "--cores", defaultValue = "lstm,gru,c-lstm,om-lstm,u-lstm,r-lstm,ur-lstm,ur-gru",
      description = "Comma-separated core specs (default ${DEFAULT-VALUE}).")
  String cores;

  @Option(names = "--seeds", defaultValue = "3", description = "Seeds 1..S per core and length (default ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--steps", defaultValue = "1000", description = "Updates per run (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch", defaultValue = "32", description = "Sequences per update (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--hidden", defaultValue = "64", description = "Hidden size (default ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip (default ${DEFAULT-VALUE}).")
  double clip;

  @Option(names = "--dir", defaultValue = "runs/synth-sweep", description = "Run folder (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--doc", defaultValue = "docs/results-synthetic.md", description = "Markdown page to update (default ${DEFAULT-VALUE}).")
  Path doc;

  @Option(names = "--report-only", description = "Only rebuild the table and plots from existing CSVs.")
  boolean reportOnly;

  @Option(names = "--shard", defaultValue = "0/1", description = "Run only runs i, i+n, i+2n, ... of the list (i/n), to split a sweep over processes.")
  String shard;

  record Run(int length, String core, long seed) {}

  List<Run> runs() {
    List<Run> out = new ArrayList<>();
    for (long s = 1; s <= seeds; s++) {
      for (String l : SynthCommand.split(lengths)) {
        for (String c : SynthCommand.split(cores)) {
          out.add(new Run(Integer.parseInt(l), c, s));
        }
      }
    }
    return out;
  }

  Path csv(Run r) {
    return dir.resolve(task + "-" + r.length()).resolve(SynthRuns.stem(r.core(), r.seed()) + ".csv");
  }

  @Override
  public Integer call() throws Exception {
    List<Run> all = runs();
    for (Run r : all) {
      SynthRuns.coreSpec(r.core(), hidden, task, r.length()); // fail fast on a bad spec
    }
    if (!reportOnly) {
      String[] sh = shard.split("/");
      int i = Integer.parseInt(sh[0]);
      int n = Integer.parseInt(sh[1]);
      List<Run> mine = new ArrayList<>();
      for (int k = 0; k < all.size(); k++) {
        if (k % n == i && !Files.exists(csv(all.get(k)))) {
          mine.add(all.get(k));
        }
      }
      System.out.println("sweep: " + mine.size() + " runs to do of " + all.size() + " (" + steps + " updates each)");
      try (ProgressBar pb = new ProgressBarBuilder().setTaskName("sweep").setInitialMax((long) mine.size() * steps)
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(5000).build()) {
        for (Run r : mine) {
          String spec = SynthRuns.coreSpec(r.core(), hidden, task, r.length());
          pb.setExtraMessage(task + "-" + r.length() + " " + r.core() + " s" + r.seed());
          SynthConfig cfg = new SynthConfig(task, r.length(), spec, steps, batch, lr, clip, r.seed());
          SynthTrainer.Result res = SynthTrainer.train(cfg, csv(r), (step, loss, score) -> pb.step());
          System.out.printf(Locale.ROOT, "%n%s %s seed %d: loss %.4f score %.3f solved %s (%.0f s)%n", res.taskName(),
              spec, r.seed(), res.finalLoss(), res.finalScore(), res.stepsToSolve() < 0 ? "-" : res.stepsToSolve(),
              res.seconds());
        }
      }
    }
    report(all);
    return 0;
  }

  void report(List<Run> all) throws Exception {
    StringBuilder md = new StringBuilder();
    md.append(BEGIN).append("\n");
    md.append("Generated ").append(Instant.now().truncatedTo(ChronoUnit.MINUTES)).append(" by\n\n```\n./mnemo synth sweep --task ")
        .append(task).append(" --lengths ").append(lengths).append(" --cores ").append(cores).append(" --seeds ").append(seeds)
        .append(" --steps ").append(steps).append(" --batch ").append(batch).append(" --hidden ").append(hidden)
        .append(" --lr ").append(lr).append(" --clip ").append(clip).append("\n```\n\n");
    md.append("Final numbers are means over the last ").append(SynthTrainer.WINDOW)
        .append(" updates of each run; *solved* means that windowed mean score reached the threshold (copy: recall")
        .append(" accuracy ≥ 0.99; adding: 1 − MSE/baseline ≥ 0.95). Missing runs are marked.\n\n");
    md.append("| length | core | score per seed | mean score | loss / baseline (mean) | solved | updates to solve |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    for (String ls : SynthCommand.split(lengths)) {
      int length = Integer.parseInt(ls);
      SynthTask t = new SynthConfig(task, length, "lstm", 1, 1, 1, 1, 1).newTask();
      List<SynthPlots.Series> curves = new ArrayList<>();
      for (String core : SynthCommand.split(cores)) {
        List<String> perSeed = new ArrayList<>();
        double scoreSum = 0;
        double lossSum = 0;
        int done = 0;
        int solved = 0;
        List<Integer> solveSteps = new ArrayList<>();
        List<double[]> mean = null;
        for (long s = 1; s <= seeds; s++) {
          List<double[]> rows = SynthRuns.readCsv(csv(new Run(length, core, s)));
          if (rows == null || rows.isEmpty()) {
            perSeed.add("missing");
            continue;
          }
          double[] fin = windowMeans(rows, rows.size());
          int at = solvedAt(rows, t.solvedScore());
          perSeed.add(String.format(Locale.ROOT, "%.3f", fin[1]));
          scoreSum += fin[1];
          lossSum += fin[0] / t.baselineLoss();
          done++;
          if (at > 0) {
            solved++;
            solveSteps.add(at);
          }
          if (mean == null) {
            mean = new ArrayList<>();
            for (double[] r : rows) {
              mean.add(r.clone());
            }
          } else {
            for (int i = 0; i < Math.min(mean.size(), rows.size()); i++) {
              mean.get(i)[1] += rows.get(i)[1];
              mean.get(i)[2] += rows.get(i)[2];
            }
          }
        }
        if (mean != null) {
          for (double[] r : mean) {
            r[1] /= done;
            r[2] /= done;
          }
          curves.add(new SynthPlots.Series(core, mean));
        }
        solveSteps.sort(Integer::compare);
        md.append(String.format(Locale.ROOT, "| %d | `%s` | %s | %s | %s | %d/%d | %s |%n", length, core,
            String.join(", ", perSeed), done == 0 ? "—" : String.format(Locale.ROOT, "%.3f", scoreSum / done),
            done == 0 ? "—" : String.format(Locale.ROOT, "%.3f", lossSum / done), solved, done,
            solveSteps.isEmpty() ? "—" : "median " + solveSteps.get(solveSteps.size() / 2) + " " + solveSteps));
      }
      if (!curves.isEmpty()) {
        Path png = dir.resolve(task + "-" + length + ".png");
        SynthPlots.learningCurves(png, t.name() + ": loss (mean over seeds)", t.baselineLoss(), curves);
        Path docPng = doc.toAbsolutePath().getParent().resolve("img").resolve("synth-" + task + "-" + length + ".png");
        Files.createDirectories(docPng.getParent());
        Files.copy(png, docPng, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path scorePng = dir.resolve(task + "-" + length + "-score.png");
        SynthPlots.scoreCurves(scorePng, t.name() + ": " + t.scoreName() + " (mean over seeds)",
            task.equals("copy") ? 1.0 / mnemo.agent.synth.CopyTask.ALPHABET : 0.0, curves);
        Files.copy(scorePng, docPng.resolveSibling("synth-" + task + "-" + length + "-score.png"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        md.append("\n");
        md.append("![").append(t.name()).append(" loss](img/synth-").append(task).append("-").append(length).append(".png)\n");
        md.append("![").append(t.name()).append(" score](img/synth-").append(task).append("-").append(length).append("-score.png)\n\n");
        md.append("| length | core | score per seed | mean score | loss / baseline (mean) | solved | updates to solve |\n");
        md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
      }
    }
    // drop a trailing empty table header
    String body = md.toString();
    String header = "| length | core | score per seed | mean score | loss / baseline (mean) | solved | updates to solve |\n"
        + "| --- | --- | --- | --- | --- | --- | --- |\n";
    if (body.endsWith(header)) {
      body = body.substring(0, body.length() - header.length());
    }
    body += END + "\n";
    String page = Files.exists(doc) ? Files.readString(doc) : "# Synthetic tasks\n\n" + BEGIN + "\n" + END + "\n";
    int b = page.indexOf(BEGIN);
    int e = page.indexOf(END);
    if (b < 0 || e < 0) {
      page = page + "\n" + body;
    } else {
      page = page.substring(0, b) + body + page.substring(e + END.length() + (page.length() > e + END.length() ? 1 : 0));
    }
    Files.createDirectories(doc.toAbsolutePath().getParent());
    Files.writeString(doc, page);
    System.out.println("wrote " + doc);
  }

  /** {mean loss, mean score} over the window ending at row {@code end} (exclusive). */
  static double[] windowMeans(List<double[]> rows, int end) {
    int from = Math.max(0, end - SynthTrainer.WINDOW);
    double l = 0;
    double s = 0;
    for (int i = from; i < end; i++) {
      l += rows.get(i)[1];
      s += rows.get(i)[2];
    }
    return new double[] {l / (end - from), s / (end - from)};
  }

  /** The first update at which the windowed mean score reaches {@code threshold}, or −1. */
  static int solvedAt(List<double[]> rows, double threshold) {
    for (int end = SynthTrainer.WINDOW; end <= rows.size(); end++) {
      if (windowMeans(rows, end)[1] >= threshold) {
        return (int) rows.get(end - 1)[0];
      }
    }
    return -1;
  }

  @Override
  public String toString() {
    return Arrays.toString(new String[] {task, lengths, cores});
  }
}
