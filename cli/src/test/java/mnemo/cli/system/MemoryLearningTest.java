package mnemo.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import mnemo.cli.EvalCommand;
import mnemo.cli.Main;
import mnemo.envs.rollout.Evaluation;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.cli.train.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A regression test of learning itself: `mnemo train` with its default flags (only the task and the frame
 * budget given: the default core `ur-lstm:hidden=32`) learns a memory task whose cue must be held for
 * {@value #LENGTH} steps, and `mnemo eval` on the finished run, which plays the task at L = {@value #LENGTH},
 * succeeds in ≥ 90 % of 200 episodes. Before the length curriculum this length was out of reach: the gate
 * sweep of docs/results-rl.md found 1 solved run in 9 at 200k frames; with it, seeds 1–3 reached 94–98 %
 * training success at L at 15–17k frames and evaluated at 100 %, 99.5 % and 100 % (80–100k frames). What it relies on: the curriculum (ℓ = 2, 4, 8, 16, 20, moved
 * on by the learner from the actors' episodes), an unroll holding one whole episode, and a learner that does
 * not collapse once the task is solved. A change that breaks any of them fails here. A second seed is
 * tried when the first falls short ({@link #SEEDS}).
 */
class MemoryLearningTest {
  static final int LENGTH = 20;
  static final String TASK = "memory/cue-recall:length=" + LENGTH;
  static final long FRAMES = 80_000;

  /**
   * One run in about fifteen stayed at chance at L (69.5 % after reaching ℓ = 20 at 12k frames; tenth session):
   * a learning run's timing is its threads', so it is not repeatable. A second seed is tried when the first
   * falls short, and both must fail to fail the build; a regression of learning fails both.
   */
  static final long[] SEEDS = {1, 2};

  @Test
  void defaultFlagsLearnACueHeldForTwentySteps(@TempDir Path dir) throws Exception {
    StringBuilder shortfalls = new StringBuilder();
    for (long seed : SEEDS) {
      Path run = dir.resolve("run-" + seed);
      double success = trainAndCheck(run, seed);
      if (success >= 0.9) {
        checkEvalOptions(run);
        return;
      }
      shortfalls.append(String.format(java.util.Locale.ROOT, "seed %d: %s after %d frames; metrics:%n%s%n", seed,
          success < 0 ? "the curriculum never reached L" : String.format(java.util.Locale.ROOT,
              "sampled success %.3f", success), FRAMES, Files.readString(run.resolve("metrics.csv"))));
    }
    org.assertj.core.api.Assertions.fail("no seed reached 90 %% at L = %d:%n%s", LENGTH, shortfalls);
  }

  /**
   * Trains with default flags, checks what the run chose, and returns its sampled success at L (−1 when the
   * curriculum never reached L).
   */
  private static double trainAndCheck(Path run, long seed) throws Exception {
    int code = Main.commandLine().execute("train", "--env=" + TASK, "--frames=" + FRAMES,
        "--run-dir=" + run, "--seed=" + seed,
        "--report-every=2", "--actor-jvm-options=-Xmx384m -XX:+UseSerialGC -Dai.djl.pytorch.num_threads=1");
    assertThat(code).isZero();
    ExperimentConfig config = new RunFolder(run).readConfig();
    // the unroll was chosen from the task: the L + 1 actions of an episode, its L + 2 steps, T = L + 2
    assertThat(config.getUnrollLength()).isEqualTo(LENGTH + 2);
    // and the length curriculum, up to the task's L, which it reached
    assertThat(config.getLengthSampling()).isEqualTo("curriculum");
    assertThat(config.getMemoryLength()).isEqualTo(LENGTH);
    double[] reached = mnemo.cli.train.MetricsLog.read(run.resolve("metrics.csv")).get("memory_length");
    if (reached[reached.length - 1] != LENGTH) {
      return -1;
    }

    CommandLine cl = Main.commandLine();
    assertThat(cl.execute("eval", "--run-dir=" + run, "--episodes=200")).isZero();
    Evaluation e = ((EvalCommand) cl.getSubcommands().get("eval").getCommand()).result();
    assertThat(e.episodes()).isEqualTo(200);
    // cue recall episodes take L + 1 actions
    assertThat(e.meanLength()).isEqualTo(LENGTH + 1);
    return e.successRate();
  }

  private static void checkEvalOptions(Path run) {
    CommandLine cl = Main.commandLine();
    // eval --env: the run's task at another length (episodes of 10 + 1 actions); a task the policy cannot
    // play (other observations) is refused with both tasks' interfaces named
    assertThat(cl.execute("eval", "--run-dir=" + run, "--episodes=50", "--env=memory/cue-recall:length=10")).isZero();
    Evaluation shorter = ((EvalCommand) cl.getSubcommands().get("eval").getCommand()).result();
    assertThat(shorter.episodes()).isEqualTo(50);
    assertThat(shorter.meanLength()).isEqualTo(11);
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine refused = Main.commandLine().setErr(new java.io.PrintWriter(err));
    assertThat(refused.execute("eval", "--run-dir=" + run, "--env=minigrid/memory")).isEqualTo(2);
    assertThat(err.toString()).contains("--env minigrid/memory").contains("does not fit the run")
        .contains("UINT8[7, 7, 3]").contains("observes FLOAT32").doesNotContain("Exception");
  }
}
