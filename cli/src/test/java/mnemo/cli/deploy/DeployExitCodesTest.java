package mnemo.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit codes deploy/'s Jobs rely on, with real `mnemo learner` and `mnemo actor` JVMs over loopback
 * gRPC: at the end of a run (--frames reached) the learner exits 0 and an actor it tells "training finished"
 * exits 0, so the learner's Job is Complete and the actors' success policy (one succeeded index) ends their
 * Job; an actor stopped with SIGTERM (a deleted or evicted pod) exits 143, a failure, so it is replaced and
 * does not end the actors' Job.
 */
class DeployExitCodesTest {
  private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1");
  private static final long FRAMES = 400;

  @Test
  void atTheEndOfARunTheLearnerAndItsActorExitZero(@TempDir Path dir) throws Exception {
    int port = freePort();
    Path run = dir.resolve("run");
    Process learner = mnemo(dir.resolve("learner.log"), "learner", "--run-dir=" + run,
        "--env=memory/cue-recall:length=2", "--core=lstm:hidden=8", "--unroll=5", "--batch=2", "--envs-per-actor=2",
        "--frames=" + FRAMES, "--port=" + port);
    Process actor = mnemo(dir.resolve("actor.log"), "actor", "--learner=127.0.0.1:" + port, "--envs=2");
    try {
      assertThat(learner.waitFor(150, TimeUnit.SECONDS)).as(read(dir.resolve("learner.log"))).isTrue();
      assertThat(actor.waitFor(60, TimeUnit.SECONDS)).as(read(dir.resolve("actor.log"))).isTrue();
      String learnerLog = read(dir.resolve("learner.log"));
      String actorLog = read(dir.resolve("actor.log"));
      assertThat(learner.exitValue()).as(learnerLog).isZero();
      assertThat(learnerLog).contains("learner done: ");
      assertThat(actor.exitValue()).as(actorLog).isZero();
      assertThat(actorLog).contains("the learner finished training");
      // the final checkpoint holds the whole budget: a learner restarted on it would have nothing to do
      assertThat(Checkpoint.read(Checkpoint.inRunDir(run)).frames()).isGreaterThanOrEqualTo(FRAMES);
    } finally {
      learner.destroyForcibly();
      actor.destroyForcibly();
    }
  }

  @Test
  void anActorStoppedWithSigtermExits143(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("actor.log");
    Process actor = mnemo(log, "actor", "--learner=127.0.0.1:" + freePort(), "--envs=2"); // nobody listens
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!read(log).contains("retrying") && actor.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertThat(read(log)).as("the actor waits for its learner").contains("learner unreachable");
      actor.destroy(); // SIGTERM
      assertThat(actor.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(actor.exitValue()).as(read(log)).isEqualTo(128 + 15);
    } finally {
      actor.destroyForcibly();
    }
  }

  private static Process mnemo(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM);
    // the distribution's logging (INFO), not the test class path's logback-test.xml (WARN)
    URL logback = DeployExitCodesTest.class.getClassLoader().getResource("logback.xml");
    assertThat(logback).as("the cli module's logback.xml").isNotNull();
    cmd.add("-Dlogback.configurationFile=" + logback);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "mnemo.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove(TransportSecurity.TOKEN_ENV); // loopback: no token on either side
    pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
    return pb.start();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
