package mnemo.cli.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import mnemo.cli.EvalCommand;
import mnemo.cli.Main;
import mnemo.cli.train.ActorProcesses;
import mnemo.cli.train.MetricsLog;
import mnemo.cli.train.MnemoJvm;
import mnemo.learner.checkpoint.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The learner side dying, with real processes over real loopback gRPC: a `mnemo learner` JVM killed with
 * SIGKILL (the actor JVM waits and rejoins the learner resumed from the last periodic checkpoint, counters
 * and learning-rate schedule intact), the same learner stopped with SIGTERM (final checkpoint, exit code
 * 143), and a whole `mnemo train` JVM killed with SIGKILL (its actor JVMs exit; `train --resume` finishes
 * the budget from the last periodic checkpoint and `eval` works on the result).
 *
 * <p>Every poll of checkpoint.zip while the writer runs also reads it whole: a half-written checkpoint
 * would fail the test.
 */
class KilledProcessesTest {
  private static final List<String> EXPERIMENT = List.of("--env=memory/cue-recall:length=2", "--core=lstm:hidden=8",
      "--unroll=5", "--batch=2", "--envs-per-actor=2", "--actors=1", "--seed=5", "--lr=1e-3");
  /** The learner's JVMs log at INFO (the main logback.xml, not the test one) so their logs tell what happened. */
  private static final List<String> LEARNER_JVM = List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
      "-Dlogback.configurationFile=logback.xml");
  private static final int SIGKILL_EXIT = 128 + 9;
  private static final int SIGTERM_EXIT = 128 + 15;

  @Test
  void aLearnerKilledOutrightIsResumedFromItsLastPeriodicCheckpointAndStopsCleanlyOnSigterm(@TempDir Path dir)
      throws Exception {
    long budget = 1_000_000; // never reached here: the learning rate decays over it
    int port = FaultToleranceTest.freePort();
    int learnerMetrics = FaultToleranceTest.freePort();
    int actorMetrics = FaultToleranceTest.freePort();
    List<String> learnerArgs = new ArrayList<>(List.of("learner", "--run-dir=" + dir, "--port=" + port,
        "--metrics-port=" + learnerMetrics, "--checkpoint-every=1", "--frames=" + budget));
    learnerArgs.addAll(EXPERIMENT);
    List<String> events = new CopyOnWriteArrayList<>();
    Process learner1 = start(learnerArgs, dir.resolve("learner-1.log"));
    Process learner2 = null;
    try (ActorProcesses actors = new ActorProcesses(1, "127.0.0.1:" + port, 2, FaultToleranceTest.JVM,
        List.of("--metrics-port=" + actorMetrics), null, dir.resolve("logs"), events::add)) {
      long actorPid = actors.process(0).pid();

      // 1. a periodic checkpoint with training in it, then SIGKILL
      Checkpoint periodic = awaitCheckpoint(dir, c -> c.updates() >= 5, learner1, dir.resolve("learner-1.log"));
      double framesBeforeKill = metric(learnerMetrics, "mnemo_learner_frames_total");
      learner1.destroyForcibly();
      assertThat(learner1.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(learner1.exitValue()).isEqualTo(SIGKILL_EXIT);
      Checkpoint last = Checkpoint.read(Checkpoint.inRunDir(dir)); // whole: written atomically
      assertThat(last.frames()).isGreaterThanOrEqualTo(periodic.frames());
      assertThat(last.updates()).isGreaterThanOrEqualTo(periodic.updates());

      // 2. the actor stays up and keeps trying to reach the learner
      awaitLog(dir.resolve("logs/actor-0.log"), "lost the learner; reconnecting", Duration.ofSeconds(30));
      Thread.sleep(1000);
      assertThat(actors.process(0).isAlive()).isTrue();
      assertThat(actors.process(0).pid()).isEqualTo(actorPid);
      double sentBeforeResume = metric(actorMetrics, "mnemo_actor_unrolls_sent_total");

      // 3. `learner --resume` on the same port continues the counters; the same actor rejoins and is trained on
      List<String> resumeArgs = List.of("learner", "--run-dir=" + dir, "--resume", "--port=" + port,
          "--metrics-port=" + learnerMetrics, "--checkpoint-every=1");
      learner2 = start(resumeArgs, dir.resolve("learner-2.log"));
      Checkpoint resumed = awaitCheckpoint(dir, c -> c.updates() >= last.updates() + 20, learner2,
          dir.resolve("learner-2.log"));
      assertThat(Files.readString(dir.resolve("learner-2.log"))).contains("resumed at " + last.frames() + " frames, "
          + last.updates() + " updates, weight version " + last.weightVersion());
      assertThat(resumed.frames()).isGreaterThan(last.frames());
      assertThat(resumed.weightVersion()).isGreaterThan(last.weightVersion());
      assertThat(metric(actorMetrics, "mnemo_actor_reconnects_total")).isGreaterThanOrEqualTo(1);
      assertThat(metric(actorMetrics, "mnemo_actor_unrolls_sent_total")).isGreaterThan(sentBeforeResume);
      assertThat(actors.process(0).pid()).isEqualTo(actorPid);
      assertThat(actors.restarts(0)).isZero();
      try (Stream<Path> files = Files.list(dir)) {
        assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
      }

      // the new process's counters (Prometheus counters start at 0 in it) sit on top of the checkpoint's:
      // weight version = checkpoint's + updates here (±1: the scrape reads the meters one after another
      // while training goes on, so an update may land between two of them), and the
      // learning rate lr0·(1 − frames/total) was computed from frames ≥ the checkpoint's
      String scrape = FaultToleranceTest.scrape("http://127.0.0.1:" + learnerMetrics + "/metrics");
      double framesHere = metric(scrape, "mnemo_learner_frames_total");
      double updatesHere = metric(scrape, "mnemo_learner_updates_total");
      double version = metric(scrape, "mnemo_learner_weight_version");
      double lr = metric(scrape, "mnemo_learner_learning_rate");
      double rejectedHere = metric(scrape, "mnemo_learner_unrolls_rejected_total");
      // the actor's unrolls made with weights newer than the checkpoint were dropped by the actor, not refused
      assertThat(rejectedHere).isZero();
      // (the two meters are read while updates land between them, either way round, by one or more: the scrape
      // only shows the version continued from the checkpoint's, not from 0; the exact relation is checked on the
      // final checkpoint below, written atomically)
      assertThat(version).isGreaterThan(last.weightVersion());
      // the frame count the last update's rate was computed from: the checkpoint's + those trained here
      // (one batch = 20 frames; updates may land between reading the two meters, either way round)
      // (a whole number of frames: rounded, so the gauge's float rounding cannot move it off a bound it sits on)
      double lrFrames = Math.rint(budget * (1 - lr / 1e-3));
      // A scrape reads the meters one after another while this tiny learner updates every few milliseconds;
      // on a loaded machine more than 3 updates (60 frames) landed between the two in one run. The relation is
      // checked on the first of up to 5 scrapes in which it holds: a learner whose rate ignored the
      // checkpoint's frames would be off by last.frames() (thousands) in every one.
      List<String> tries = new ArrayList<>();
      for (int k = 0; k < 5 && Math.abs(lrFrames - (last.frames() + framesHere)) > 60; k++) {
        tries.add(String.format("lr frames %.0f against %d + %.0f", lrFrames, last.frames(), framesHere));
        String again = FaultToleranceTest.scrape("http://127.0.0.1:" + learnerMetrics + "/metrics");
        framesHere = metric(again, "mnemo_learner_frames_total");
        lrFrames = Math.rint(budget * (1 - metric(again, "mnemo_learner_learning_rate") / 1e-3));
      }
      assertThat(lrFrames).as("earlier scrapes: %s", tries)
          .isBetween(last.frames() + framesHere - 60, last.frames() + framesHere + 60);

      // 4. SIGTERM: the final checkpoint holds at least what the process had trained, then exit code 143
      learner2.destroy();
      assertThat(learner2.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String log2 = Files.readString(dir.resolve("learner-2.log"));
      assertThat(learner2.exitValue()).as(log2).isEqualTo(SIGTERM_EXIT);
      assertThat(log2).contains("shutting down: final checkpoint");
      Checkpoint fin = Checkpoint.read(Checkpoint.inRunDir(dir));
      assertThat(fin.frames()).isGreaterThanOrEqualTo(Math.max(resumed.frames(), last.frames() + (long) framesHere));
      assertThat(fin.updates()).isGreaterThanOrEqualTo(Math.max(resumed.updates(), last.updates() + (long) updatesHere));
      assertThat(fin.weightVersion()).isGreaterThanOrEqualTo((long) version);
      // weight version = the checkpoint's + the updates of this process, exactly
      assertThat(fin.weightVersion() - last.weightVersion()).isEqualTo(fin.updates() - last.updates());
      assertThat(actors.process(0).isAlive()).isTrue(); // waiting for the next learner
      System.out.printf("learner SIGKILL: frames %.0f before the kill, periodic checkpoint %d frames / %d updates / "
              + "version %d; resumed: %s; %.0f frames, %.0f updates, %.0f rejected unrolls in the new process; "
              + "lr %.9g (from %.0f frames); SIGTERM checkpoint %d frames / %d updates / version %d%n",
          framesBeforeKill, last.frames(), last.updates(), last.weightVersion(), resumed.frames(), framesHere,
          updatesHere, rejectedHere, lr, lrFrames, fin.frames(), fin.updates(), fin.weightVersion());
    } finally {
      learner1.destroyForcibly();
      if (learner2 != null) {
        learner2.destroyForcibly();
      }
    }
  }

  @Test
  void trainKilledOutrightTakesItsActorsAlongAndResumesFromItsLastPeriodicCheckpoint(@TempDir Path dir)
      throws Exception {
    Path run = dir.resolve("run");
    long budget = 8_000; // the kill comes at the first periodic checkpoint, after a few hundred frames
    String actorJvm = String.join(" ", FaultToleranceTest.JVM);
    List<String> args = new ArrayList<>(List.of("train", "--run-dir=" + run, "--frames=" + budget,
        "--checkpoint-every=1", "--report-every=1", "--actor-jvm-options=" + actorJvm));
    args.addAll(EXPERIMENT);
    Process train = start(args, dir.resolve("train.log"));
    try {
      Checkpoint periodic = awaitCheckpoint(run, c -> c.updates() >= 1, train, dir.resolve("train.log"));
      List<ProcessHandle> actors = train.toHandle().children().toList();
      assertThat(actors).as("the actor JVMs of train").hasSize(1);

      // SIGKILL: no shutdown hook runs, the actor notices its parent is gone
      train.destroyForcibly();
      assertThat(train.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(train.exitValue()).isEqualTo(SIGKILL_EXIT);
      long t0 = System.nanoTime();
      for (ProcessHandle a : actors) {
        while (!gone(a) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30)) {
          Thread.sleep(50);
        }
      }
      double exitSeconds = (System.nanoTime() - t0) / 1e9;
      assertThat(actors).as("actor JVMs %.1f s after the kill", exitSeconds).allMatch(KilledProcessesTest::gone);
      assertThat(exitSeconds).isLessThan(10);
      assertThat(Files.readString(run.resolve("logs/actor-0.log")))
          .contains("the parent process " + train.pid() + " is gone");
      Checkpoint last = Checkpoint.read(Checkpoint.inRunDir(run));
      assertThat(last.frames()).as("killed before the budget was spent").isGreaterThanOrEqualTo(periodic.frames())
          .isLessThan(budget);
      int rowsBefore = MetricsLog.read(run.resolve("metrics.csv")).get("frames").length;

      // `train --resume --run-dir DIR` (in this JVM, with an actor JVM) finishes the budget from there
      int code = Main.commandLine().execute("train", "--resume", "--run-dir=" + run, "--actor-jvm-options=" + actorJvm);
      assertThat(code).isZero();
      Checkpoint fin = Checkpoint.read(Checkpoint.inRunDir(run));
      assertThat(fin.config().getTotalFrames()).isEqualTo(budget);
      assertThat(fin.frames()).isGreaterThanOrEqualTo(budget);
      assertThat(fin.updates()).isGreaterThan(last.updates());
      assertThat(fin.weightVersion()).isGreaterThan(last.weightVersion());
      // the trained frames add up: what the resumed run trained on starts at the checkpoint, not at 0
      assertThat(fin.updates() - last.updates()).isLessThanOrEqualTo((budget - last.frames()) / 20 + 1);
      double[] frames = MetricsLog.read(run.resolve("metrics.csv")).get("frames");
      assertThat(frames.length).isGreaterThan(rowsBefore);
      assertThat(frames[rowsBefore]).isGreaterThanOrEqualTo(last.frames());
      assertThat(frames[frames.length - 1]).isEqualTo(fin.frames());

      CommandLine eval = Main.commandLine();
      assertThat(eval.execute("eval", "--run-dir=" + run, "--episodes=20")).isZero();
      assertThat(((EvalCommand) eval.getSubcommands().get("eval").getCommand()).result().episodes()).isEqualTo(20);
      System.out.printf("train SIGKILL: periodic checkpoint %d frames / %d updates / version %d; actor JVM gone "
              + "%.1f s after the kill; resumed to %d frames / %d updates / version %d%n", last.frames(),
          last.updates(), last.weightVersion(), exitSeconds, fin.frames(), fin.updates(), fin.weightVersion());
    } finally {
      train.destroyForcibly();
      train.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
    }
  }

  // ------------------------------------------------------------------ helpers

  private static Process start(List<String> mnemoArgs, Path log) throws IOException {
    return new ProcessBuilder(MnemoJvm.command(LEARNER_JVM, mnemoArgs)).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
  }

  /** Polls DIR/checkpoint.zip (reading it whole each time) until {@code until} holds. */
  private static Checkpoint awaitCheckpoint(Path dir, Predicate<Checkpoint> until, Process writer, Path log)
      throws Exception {
    Path file = Checkpoint.inRunDir(dir);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        Checkpoint c = Checkpoint.read(file);
        if (until.test(c)) {
          return c;
        }
      }
      if (!writer.isAlive()) {
        fail("the process exited with " + writer.exitValue() + ":\n" + Files.readString(log));
      }
      Thread.sleep(100);
    }
    return fail("no such checkpoint within 150 s; log:\n" + Files.readString(log));
  }

  private static void awaitLog(Path log, String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(100);
    }
    fail("'" + text + "' not in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : "(none)"));
  }

  private static double metric(int port, String name) throws Exception {
    return metric(FaultToleranceTest.scrape("http://127.0.0.1:" + port + "/metrics"), name);
  }

  /** The value of the first sample of {@code name} (tagged or not) in a Prometheus text exposition. */
  private static double metric(String exposition, String name) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
        String value = line.substring(Math.max(name.length(), line.lastIndexOf('}') + 1)).trim();
        return Double.parseDouble(value.split(" ")[0]);
      }
    }
    return fail("no " + name + " in\n" + exposition);
  }

  /** Ended: not alive, or a zombie nobody reaped yet (an orphan's new parent may be slow to). */
  private static boolean gone(ProcessHandle p) {
    if (!p.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }
}
