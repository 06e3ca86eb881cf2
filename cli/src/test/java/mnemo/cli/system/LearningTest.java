package mnemo.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mnemo.cli.EvalCommand;
import mnemo.cli.Main;
import mnemo.cli.train.MetricsLog;
import mnemo.envs.rollout.Evaluation;
import mnemo.learner.checkpoint.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The whole system learns: `mnemo train` (the learner in this JVM, one actor JVM over loopback gRPC)
 * on an easy memory task with a fixed seed and frame budget, then `mnemo eval` on the finished run
 * reaches ≥ 90 % success; `train --resume` continues the run's counters and `eval` works on the
 * resumed run too.
 */
class LearningTest {
  static final String TASK = "memory/cue-recall:length=3";
  static final long FRAMES = 60_000;

  @Test
  void trainLearnsAnEasyMemoryTaskAndResumes(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    int code = Main.commandLine().execute("train", "--env=" + TASK, "--core=ur-lstm:hidden=32", "--actors=1",
        "--envs-per-actor=8", "--unroll=10", "--batch=4", "--lr=2e-3", "--frames=" + FRAMES, "--seed=7",
        "--run-dir=" + run, "--report-every=2",
        "--actor-jvm-options=-Xmx384m -XX:+UseSerialGC -Dai.djl.pytorch.num_threads=1");
    assertThat(code).as(actorLog(run)).isZero();
    assertThat(run.resolve("config.json")).isRegularFile();
    assertThat(run.resolve("curve.png")).isRegularFile();
    Checkpoint first = Checkpoint.read(run.resolve("checkpoint.zip"));
    assertThat(first.frames()).isGreaterThanOrEqualTo(FRAMES);
    Map<String, double[]> log = MetricsLog.read(run.resolve("metrics.csv"));
    double[] frames = log.get("frames");
    assertThat(frames[frames.length - 1]).isEqualTo(first.frames());

    Evaluation trained = eval(run, dir.resolve("episode.gif"));
    assertThat(trained.successRate()).as("greedy success after %d frames: %s", FRAMES, trained).isGreaterThanOrEqualTo(0.9);
    assertThat(Files.readString(dir.resolve("episode.gif"), java.nio.charset.StandardCharsets.ISO_8859_1))
        .startsWith("GIF89a");

    // resume: the counters continue from the checkpoint, the budget grows by --frames
    code = Main.commandLine().execute("train", "--resume=" + run, "--frames=" + (first.frames() + 3000),
        "--report-every=1", "--actor-jvm-options=-Xmx384m -XX:+UseSerialGC -Dai.djl.pytorch.num_threads=1");
    assertThat(code).as(actorLog(run)).isZero();
    Checkpoint resumed = Checkpoint.read(run.resolve("checkpoint.zip"));
    assertThat(resumed.frames()).isGreaterThanOrEqualTo(first.frames() + 3000);
    assertThat(resumed.updates()).isGreaterThan(first.updates());
    assertThat(resumed.weightVersion()).isGreaterThan(first.weightVersion());
    double[] after = MetricsLog.read(run.resolve("metrics.csv")).get("frames");
    assertThat(after.length).isGreaterThan(frames.length);
    assertThat(after[frames.length]).isGreaterThanOrEqualTo(first.frames());
    assertThat(eval(run, null).episodes()).isEqualTo(200);
  }

  private static Evaluation eval(Path run, Path gif) {
    CommandLine cl = Main.commandLine();
    int code = gif == null ? cl.execute("eval", "--run-dir=" + run, "--episodes=200", "--greedy")
        : cl.execute("eval", "--run-dir=" + run, "--episodes=200", "--greedy", "--gif=" + gif);
    assertThat(code).isZero();
    return ((EvalCommand) cl.getSubcommands().get("eval").getCommand()).result();
  }

  private static String actorLog(Path run) {
    try {
      Path f = run.resolve("logs").resolve("actor-0.log");
      return Files.exists(f) ? Files.readString(f) : "(no actor log)";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
