package mnemo.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import mnemo.agent.synth.SynthConfig;
import mnemo.agent.synth.SynthTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mnemo synth}: the paper's synthetic memory tasks. */
@Command(
    name = "synth",
    header = "The paper's synthetic tasks: copy, adding, sequential images, sweeps.",
    mixinStandardHelpOptions = true,
    description = {
      "Train a recurrent core on the paper's synthetic long-memory tasks (a linear readout, Adam, gradient",
      "clipping, a fresh batch per update). Each run writes a CSV log and a PNG learning curve."
    },
    subcommands = {SynthCommand.Copy.class, SynthCommand.Adding.class, SynthSeqImageCommand.class,
      SynthSweepCommand.class})
public final class SynthCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out); // with the width set on the root command line
  }

  /** Options shared by the single-run commands. */
  static class RunOptions {
    @Option(names = "--core", defaultValue = "ur-lstm", description = "Core spec, e.g. ur-lstm, lstm, c-lstm:tmax=120 (default ${DEFAULT-VALUE}).")
    String core;

    @Option(names = "--hidden", defaultValue = "64", description = "Hidden size H, unless the spec sets one (default ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--steps", defaultValue = "2000", description = "Updates (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", defaultValue = "32", description = "Sequences per update (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--lr", defaultValue = "1e-3", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip, 0 for none (default ${DEFAULT-VALUE}).")
    double clip;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights and data (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", description = "Folder for the CSV and PNG (default runs/synth/TASK-LENGTH).")
    Path out;
  }

  static int runOne(String task, int length, RunOptions o) throws Exception {
    String spec = SynthRuns.coreSpec(o.core, o.hidden, task, length);
    SynthConfig cfg = new SynthConfig(task, length, spec, o.steps, o.batch, o.lr, o.clip, o.seed);
    String taskName = cfg.newTask().name();
    Path dir = o.out != null ? o.out : Path.of("runs", "synth", taskName);
    Files.createDirectories(dir);
    String stem = SynthRuns.stem(o.core, o.seed);
    Path csv = dir.resolve(stem + ".csv");
    System.out.println("training " + spec + " on " + taskName + " for " + o.steps + " updates of " + o.batch);
    SynthTrainer.Result r;
    try (ProgressBar pb = new ProgressBarBuilder().setTaskName(taskName).setInitialMax(o.steps)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).build()) {
      r = SynthTrainer.train(cfg, csv, (step, loss, score) -> {
        pb.step();
        if (step % 10 == 0) {
          pb.setExtraMessage(String.format("loss %.4f score %.3f", loss, score));
        }
      });
    }
    Path png = dir.resolve(stem + ".png");
    SynthPlots.learningCurves(png, taskName + " — " + spec, r.baselineLoss(), List.of(new SynthPlots.Series(o.core, r.rows())));
    System.out.printf("final (mean of last %d): loss %.4f (memoryless baseline %.4f), %s %.3f, solved at %s; %.0f s%n",
        SynthTrainer.WINDOW, r.finalLoss(), r.baselineLoss(), cfg.newTask().scoreName(), r.finalScore(),
        r.stepsToSolve() < 0 ? "—" : "update " + r.stepsToSolve(), r.seconds());
    System.out.println("wrote " + csv + " and " + png);
    return 0;
  }

  @Command(name = "copy",
      header = "The copy task: recall 10 symbols after N blanks.",
      mixinStandardHelpOptions = true,
      description = {"The copy task: 10 symbols of an alphabet of 8, N blanks, a recall cue, then recall the 10 symbols.",
        "Loss: cross-entropy over all N+20 steps; the memoryless baseline is 10·ln 8/(N+20)."})
  static final class Copy implements Callable<Integer> {
    @Option(names = "--length", required = true, description = "N, the number of blanks between the symbols and the cue.")
    int length;

    @CommandLine.Mixin
    RunOptions opts;

    @Override
    public Integer call() throws Exception {
      return runOne("copy", length, opts);
    }
  }

  @Command(name = "adding",
      header = "The adding task: the sum of the two marked values of T.",
      mixinStandardHelpOptions = true,
      description = {"The adding task: T (value, marker) pairs, output the sum of the two marked values.",
        "Loss: MSE of the final output; the memoryless baseline is 1/6."})
  static final class Adding implements Callable<Integer> {
    @Option(names = "--length", required = true, description = "T, the sequence length.")
    int length;

    @CommandLine.Mixin
    RunOptions opts;

    @Override
    public Integer call() throws Exception {
      return runOne("adding", length, opts);
    }
  }

  /** A comma-separated list; a core spec's own options stay with it ({@code CoreSpec.LIST_SEPARATOR}). */
  static List<String> split(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : csv.split(mnemo.agent.core.CoreSpec.LIST_SEPARATOR)) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }
}
