package mnemo.cli.system;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import mnemo.agent.AgentModel;
import mnemo.agent.network.AgentNetworks;
import mnemo.cli.train.ActorProcesses;
import mnemo.cli.train.MnemoJvm;
import mnemo.envs.Environment;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Learner;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.learner.service.LearnerServer;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.env.v1.EnvSpec;
import mnemo.transport.MetricsEndpoint;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults with real processes over real loopback gRPC: an actor JVM killed mid-run is restarted and
 * rejoins; the learner going away leaves the actor waiting, and a learner resumed from the checkpoint
 * on the same port gets it back with its counters intact; both processes' /metrics are scraped; an
 * actor without the token is refused.
 */
class FaultToleranceTest {
  private static final ExperimentConfig CONFIG = ExperimentConfig.newBuilder()
      .setTaskId("memory/cue-recall:length=2").setCoreSpec("lstm:hidden=8").setUnrollLength(5).setBatchSize(2)
      .setEnvsPerActor(2).setNumActors(1).setTotalFrames(1_000_000_000L).setSeed(5).build();
  static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1");

  private static EnvSpec envSpec() {
    try (Environment e = BuiltinTasks.registry().make(CONFIG.getTaskId())) {
      return ProtoCodec.toProto(e.spec()); // as the wire carries it, what the learner reads
    }
  }

  private static AgentModel model(EnvSpec spec) {
    return AgentNetworks.create(Learner.agentSpec(CONFIG, spec), Device.cpu());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static String scrape(String url) throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void actorsSurviveAnActorKillAndALearnerRestart(@TempDir Path dir) throws Exception {
    EnvSpec spec = envSpec();
    List<String> events = new CopyOnWriteArrayList<>();
    int actorMetricsPort = freePort();
    MetricsEndpoint metrics1 = MetricsEndpoint.start("127.0.0.1", 0);
    AgentModel model1 = model(spec);
    Learner.Options options = Learner.Options.defaults().withRunDir(dir).withCheckpointInterval(Duration.ofHours(1));
    Learner learner1 = Learner.create(CONFIG, model1, spec, options.withRegistry(metrics1.registry()));
    learner1.start();
    LearnerServer server1 = LearnerServer.start(learner1, TransportSecurity.loopback(), 0, metrics1.registry());
    int port = server1.port();
    try (ActorProcesses actors = new ActorProcesses(1, server1.target(), 2, JVM,
        List.of("--metrics-port=" + actorMetricsPort), null, dir.resolve("logs"), events::add)) {
      // 1. the actor process registers and its unrolls are trained on
      assertThat(learner1.awaitFrames(100, Duration.ofSeconds(120))).as("first frames; log: %s", log(dir)).isTrue();
      assertThat(scrape(metrics1.url())).contains("mnemo_learner_frames_total", "mnemo_learner_queue_depth",
          "mnemo_learner_policy_lag");
      assertThat(scrape("http://127.0.0.1:" + actorMetricsPort + "/metrics")).contains("mnemo_actor_steps_total",
          "mnemo_actor_unrolls_sent_total", "mnemo_actor_weight_version", "jvm_memory_used_bytes");

      // 2. kill the actor: the launcher restarts it and training continues with the new one
      Process first = actors.process(0);
      first.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long atKill = learner1.frames();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (actors.restarts(0) == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(actors.restarts(0)).isEqualTo(1);
      assertThat(actors.process(0).pid()).isNotEqualTo(first.pid());
      assertThat(events).anySatisfy(e -> assertThat(e).contains("exited with code").contains("restarting"));
      assertThat(learner1.awaitFrames(atKill + 200, Duration.ofSeconds(120))).as("after restart; events %s; actor alive %s; log: %s", events, actors.process(0).isAlive(), log(dir))
          .isTrue();

      // 3. the learner goes away (final checkpoint); the actor waits
      server1.close();
      model1.close();
      metrics1.close();
      Checkpoint cp = Checkpoint.read(Checkpoint.inRunDir(dir));
      assertThat(cp.frames()).isGreaterThanOrEqualTo(atKill + 200);
      Thread.sleep(1500);
      assertThat(actors.process(0).isAlive()).isTrue();
      assertThat(actors.restarts(0)).isEqualTo(1);

      // 4. a learner resumed from the checkpoint on the same port gets the actor back; counters continue
      AgentModel model2 = model(spec);
      Learner learner2 = Learner.resume(cp, model2, spec, options);
      assertThat(learner2.frames()).isEqualTo(cp.frames());
      assertThat(learner2.updates()).isEqualTo(cp.updates());
      assertThat(learner2.weightVersion()).isEqualTo(cp.weightVersion());
      learner2.start();
      try (LearnerServer server2 = LearnerServer.start(learner2, TransportSecurity.loopback(), port,
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
        assertThat(learner2.awaitFrames(cp.frames() + 200, Duration.ofSeconds(120)))
            .as("after the learner restart; log: %s", log(dir)).isTrue();
        assertThat(learner2.updates()).isGreaterThan(cp.updates());
        assertThat(actors.restarts(0)).isEqualTo(1);
      } finally {
        model2.close();
      }
      assertThat(log(dir)).contains("reconnecting");
    }
  }

  @Test
  void anActorWithoutTheTokenIsRefused(@TempDir Path dir) throws Exception {
    EnvSpec spec = envSpec();
    try (AgentModel model = model(spec)) {
      Learner learner = Learner.create(CONFIG, model, spec, Learner.Options.defaults());
      try (LearnerServer server = LearnerServer.start(learner, TransportSecurity.withToken("127.0.0.1", "s3cret"), 0,
          new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
        List<String> cmd = MnemoJvm.command(JVM, List.of("actor", "--learner=" + server.target()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
            .redirectOutput(dir.resolve("actor.log").toFile());
        pb.environment().remove(TransportSecurity.TOKEN_ENV);
        Process p = pb.start();
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(dir.resolve("actor.log"));
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("refused registration: UNAUTHENTICATED");
      }
    }
  }

  private static String log(Path dir) {
    try {
      Path f = dir.resolve("logs").resolve("actor-0.log");
      return Files.exists(f) ? Files.readString(f) : "(no actor log)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
