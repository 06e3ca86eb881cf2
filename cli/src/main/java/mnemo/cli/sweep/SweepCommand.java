package mnemo.cli.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import mnemo.agent.core.CoreSpec;
import mnemo.cli.train.MnemoJvm;
import mnemo.envs.Environment;
import mnemo.envs.tasks.BuiltinTasks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnemo sweep}: the gate comparison in reinforcement learning. Every core × task length × seed is
 * trained with {@code mnemo train} (its own learner and actor JVMs, default flags, the same frame budget
 * for every core at a length), then evaluated on {@value #EVAL_EPISODES_DEFAULT} episodes; the results
 * go into a section of {@code docs/results-rl.md}.
 *
 * <p>Each run lives in {@code DIR/L<length>/<core>-s<seed>/} (a normal run folder). A run is finished when
 * its {@code eval.json} exists; a run folder with a checkpoint but no evaluation is resumed with {@code train
 * --resume}, so an interrupted sweep continues where it stopped. {@code --shard i/n} takes runs i, i+n, …
 * of the list, so n processes or machines can share one sweep (each writes only its own run folders; run
 * {@code --report-only} once they are done).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true, sortOptions = false,
    header = "Compare recurrent cores in RL: every core, task length and seed trained, evaluated and tabulated.",
    description = {
      "Compare recurrent cores in RL: train every core on every task length with seeds 1..S (default flags,",
      "one frame budget per length for all cores), evaluate each run on 200 episodes (sampled and greedy), and write a section of",
      "docs/results-rl.md (longest length each core solves, success per length and seed, learning curves).",
      "Resumable: rerun the same command. --shard i/n splits the runs over processes or machines."
    })
public final class SweepCommand implements Callable<Integer> {
  static final int EVAL_EPISODES_DEFAULT = 200;

  @Option(names = "--env", required = true, paramLabel = "TASK",
      description = "Task id, with any fixed parameters, e.g. memory/tmaze or memory/tmaze:mode=active.")
  String env;

  @Option(names = "--param", defaultValue = "length", paramLabel = "NAME",
      description = "The task parameter that sets the length (default: ${DEFAULT-VALUE}).")
  String param;

  @Option(names = "--lengths", required = true, split = ",", paramLabel = "L,L,...",
      description = "Lengths to train at, e.g. 25,50,100,200.")
  List<Integer> lengths;

  @Option(names = "--frames", required = true, split = ",", paramLabel = "F[,F...]",
      description = "Frame budget: one for every length, or one per length (same for every core and seed).")
  List<Long> frames;

  @Option(names = "--cores", defaultValue = "lstm,gru,c-lstm,ur-lstm,ur-gru", split = mnemo.agent.core.CoreSpec.LIST_SEPARATOR, paramLabel = "SPEC,...",
      description = "Core specs (default: ${DEFAULT-VALUE}); chrono cores get tmax = the episode length unless set.")
  List<String> cores;

  @Option(names = "--hidden", paramLabel = "H",
      description = "Hidden size given to every core whose spec sets none (default: each core's own).")
  Integer hidden;

  @Option(names = "--seeds", defaultValue = "3", paramLabel = "S", description = "Seeds 1..S (default: ${DEFAULT-VALUE}).")
  int seeds;

  @Option(names = "--solved", defaultValue = "0.95", paramLabel = "P",
      description = "Evaluation success that counts as solved (default: ${DEFAULT-VALUE}).")
  double solved;

  @Option(names = "--eval-episodes", defaultValue = "" + EVAL_EPISODES_DEFAULT, paramLabel = "N",
      description = "Evaluation episodes per run (default: ${DEFAULT-VALUE}).")
  int evalEpisodes;

  @Option(names = "--train-args", defaultValue = "", paramLabel = "ARGS",
      description = "Extra flags for every `mnemo train` of the sweep (default: none; the comparison uses defaults).")
  String trainArgs;

  @Option(names = "--train-jvm-options", defaultValue = "-Xmx3g", paramLabel = "OPTS",
      description = "JVM flags of each `mnemo train` process (default: ${DEFAULT-VALUE}).")
  String trainJvmOptions;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Folder of the sweep's run folders.")
  Path dir;

  @Option(names = "--doc", defaultValue = "docs/results-rl.md", paramLabel = "FILE",
      description = "Markdown page whose section this sweep writes (default: ${DEFAULT-VALUE}).")
  Path doc;

  @Option(names = "--section", paramLabel = "NAME",
      description = "Name of the section in --doc (default: the task family, e.g. memory/tmaze).")
  String section;

  @Option(names = "--shard", defaultValue = "0/1", paramLabel = "i/n",
      description = "Run only runs i, i+n, i+2n, ... of the list (default: ${DEFAULT-VALUE}).")
  String shard;

  @Option(names = "--beyond", paramLabel = "K",
      description = "Also play every finished run greedily at K times the length it was trained at (`mnemo eval "
          + "--env`), to show how far its memory carries; a table in the section (default: off).")
  Integer beyond;

  @Option(names = "--report-only", description = "Only rebuild the section and plots from the finished runs (and "
      + "evaluate greedily those evaluated before greedy evaluations were recorded).")
  boolean reportOnly;

  /** One run of the sweep. */
  record Run(int length, String core, long seed, long frames) {}

  List<Run> runs() {
    if (frames.size() != 1 && frames.size() != lengths.size()) {
      throw new IllegalArgumentException("--frames takes one budget or one per length (" + lengths.size() + "), got "
          + frames.size());
    }
    // shortest length first, every core and seed of it, so a sweep stopped early has whole lengths
    List<Run> out = new ArrayList<>();
    for (int i = 0; i < lengths.size(); i++) {
      for (long s = 1; s <= seeds; s++) {
        for (String c : cores) {
          out.add(new Run(lengths.get(i), c, s, frames.get(frames.size() == 1 ? 0 : i)));
        }
      }
    }
    return out;
  }

  /** The task id at a length: {@code env} with {@code param=length} added. */
  String taskId(int length) {
    return env + (env.contains(":") ? "," : ":") + param + "=" + length;
  }

  /** The core spec of a run: chrono cores get T_max = the task's episode length unless the spec sets it. */
  String coreSpec(String core, int length) {
    if (hidden != null && !core.contains("hidden=")) {
      core = core + (core.contains(":") ? "," : ":") + "hidden=" + hidden;
    }
    CoreSpec parsed = CoreSpec.parse(core);
    if (parsed.main() != CoreSpec.MainGate.CHRONO || core.contains("tmax=")) {
      return core;
    }
    int steps;
    try (Environment e = BuiltinTasks.registry().make(taskId(length))) {
      steps = e.spec().maxEpisodeSteps();
    }
    return core + (core.contains(":") ? "," : ":") + "tmax=" + Math.max(2, steps > 0 ? steps : length);
  }

  Path runDir(Run r) {
    return dir.resolve("L" + r.length()).resolve(r.core().replace(':', '_').replace(',', '_') + "-s" + r.seed());
  }

  @Override
  public Integer call() throws Exception {
    List<Run> all = runs();
    for (int l : lengths) {
      BuiltinTasks.registry().canonical(taskId(l)); // an unknown task or parameter fails before anything runs
      for (String c : cores) {
        CoreSpec.parse(coreSpec(c, l));
      }
    }
    if (seeds < 1 || evalEpisodes < 1) {
      throw new IllegalArgumentException("--seeds and --eval-episodes must be positive");
    }
    if (beyond != null) {
      if (beyond < 2) {
        throw new IllegalArgumentException("--beyond must be at least 2, got " + beyond);
      }
      for (int l : lengths) {
        BuiltinTasks.registry().canonical(taskId(beyond * l)); // the longer task must exist too
      }
    }
    if (!reportOnly) {
      String[] sh = shard.split("/");
      int i = Integer.parseInt(sh[0]);
      int n = Integer.parseInt(sh[1]);
      if (n < 1 || i < 0 || i >= n) {
        throw new IllegalArgumentException("--shard must be i/n with 0 <= i < n, got " + shard);
      }
      List<Run> mine = new ArrayList<>();
      for (int k = 0; k < all.size(); k++) {
        if (k % n == i && !Files.exists(SweepResults.evalFile(runDir(all.get(k))))) {
          mine.add(all.get(k));
        }
      }
      List<Run> shardRuns = new ArrayList<>();
      for (int k = 0; k < all.size(); k++) {
        if (k % n == i) {
          shardRuns.add(all.get(k));
        }
      }
      addMissingGreedy(shardRuns);
      addMissingBeyond(shardRuns);
      long total = mine.stream().mapToLong(Run::frames).sum();
      System.out.printf(Locale.ROOT, "sweep: %d runs to do of %d (shard %s), %,d frames; run folders in %s%n",
          mine.size(), all.size(), shard, total, dir);
      try (ProgressBar pb = new ProgressBarBuilder().setTaskName("sweep").setInitialMax(Math.max(1, total))
          .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(2000).setUnit(" frames", 1).build()) {
        long before = 0;
        for (Run r : mine) {
          pb.setExtraMessage("L=" + r.length() + " " + r.core() + " s" + r.seed());
          train(r, before, pb);
          before += r.frames();
          pb.stepTo(before);
          SweepResults.Eval e = SweepResults.evaluate(runDir(r), evalEpisodes);
          System.out.printf(Locale.ROOT, "%nL=%d %s seed %d: success %.3f (greedy %.3f), mean return %.3f over %d "
              + "episodes%n", r.length(), r.core(), r.seed(), e.success(), e.greedySuccess(), e.meanReturn(),
              e.episodes());
          addMissingBeyond(List.of(r));
        }
      }
    }
    if (reportOnly) {
      addMissingGreedy(all);
      addMissingBeyond(all);
    }
    Path written = new SweepResults(this, all).write();
    System.out.println("wrote " + written);
    return 0;
  }

  /**
   * Finished runs evaluated before greedy evaluations were recorded (an eval.json without
   * greedy_success, a checkpoint beside it) get theirs.
   */
  private void addMissingGreedy(List<Run> rs) throws IOException {
    for (Run r : rs) {
      Path d = runDir(r);
      SweepResults.Eval old = SweepResults.readEval(d);
      if (old != null && Double.isNaN(old.greedySuccess()) && Files.isRegularFile(d.resolve("checkpoint.zip"))) {
        SweepResults.Eval e = SweepResults.addGreedy(d, old);
        System.out.printf(Locale.ROOT, "%s: greedy success %.3f%n", d, e.greedySuccess());
      }
    }
  }

  /** With --beyond: evaluated runs not yet played at K·L are. */
  private void addMissingBeyond(List<Run> rs) throws IOException {
    if (beyond == null) {
      return;
    }
    for (Run r : rs) {
      Path d = runDir(r);
      int far = beyond * r.length();
      if (SweepResults.readEval(d) != null && Double.isNaN(SweepResults.readBeyond(d, far))
          && Files.isRegularFile(d.resolve("checkpoint.zip"))) {
        double b = SweepResults.evaluateBeyond(d, taskId(far), far, evalEpisodes);
        System.out.printf(Locale.ROOT, "%s: greedy success %.3f at %s = %d%n", d, b, param, far);
      }
    }
  }

  /** Trains one run with {@code mnemo train} in its own JVM (resuming its folder if it has a checkpoint). */
  private void train(Run r, long before, ProgressBar pb) throws IOException, InterruptedException {
    Path d = runDir(r);
    Files.createDirectories(d);
    List<String> args = new ArrayList<>(List.of("train", "--frames", Long.toString(r.frames()), "--run-dir",
        d.toString(), "--report-every", "2"));
    if (Files.isRegularFile(d.resolve("checkpoint.zip"))) {
      args.add("--resume");
    } else {
      args.addAll(List.of("--env", taskId(r.length()), "--core", coreSpec(r.core(), r.length()), "--seed",
          Long.toString(r.seed())));
      if (!trainArgs.isBlank()) {
        args.addAll(Arrays.asList(trainArgs.trim().split("\\s+")));
      }
    }
    List<String> jvm = trainJvmOptions.isBlank() ? List.of() : Arrays.asList(trainJvmOptions.trim().split("\\s+"));
    Process p = new ProcessBuilder(MnemoJvm.command(jvm, args)).redirectErrorStream(true)
        .redirectOutput(d.resolve("train.log").toFile()).start();
    Thread stopChild = new Thread(p::destroy);
    Runtime.getRuntime().addShutdownHook(stopChild);
    try {
      while (!p.waitFor(2, TimeUnit.SECONDS)) {
        pb.stepTo(before + Math.min(r.frames(), SweepResults.framesSoFar(d)));
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stopChild);
      } catch (IllegalStateException ignored) {
        // shutting down
      }
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException("mnemo train exited with " + p.exitValue() + " for " + d + " (see "
          + d.resolve("train.log") + ")");
    }
  }
}
