package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import mnemo.envs.VectorEnvironment;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.transport.ClientChannels;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.Test;

/** The actor against a fake Learner service over real loopback gRPC. */
class ActorGrpcTest {
  private static final ExperimentConfig CONFIG =
      ExperimentConfig.newBuilder().setTaskId("test/countdown").setUnrollLength(3).build();

  private static MnemoServer serve(FakeLearner learner, int port, TransportSecurity security) {
    return MnemoServer.builder("fake-learner", security).port(port).addService(learner)
        .gracePeriod(Duration.ofMillis(100)).start();
  }

  private static GrpcLearnerLink link(String target, TransportSecurity security, ActorMetrics metrics) {
    return new GrpcLearnerLink(ClientChannels.open(target, security), "test-actor", 2, metrics,
        new Backoff(Duration.ofMillis(20), Duration.ofMillis(200)), 2);
  }

  private static Thread start(Actor actor) {
    Thread t = new Thread(actor, "actor");
    t.start();
    return t;
  }

  private static Actor actor(GrpcLearnerLink link, ScriptedPolicy policy, ActorMetrics metrics) throws Exception {
    RegisterResponse r = link.register();
    VectorEnvironment env = new VectorEnvironment(List.of(new CountdownEnv(2), new CountdownEnv(3)));
    return new Actor(env, policy, link, metrics, r.getConfig().getUnrollLength(), r.getActorSeed(), -1);
  }

  @Test
  void streamsUnrollsAndFollowsTheWeightVersion() throws Exception {
    FakeLearner learner = new FakeLearner(CONFIG, 3);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ActorMetrics metrics = new ActorMetrics(registry, "a0");
    ScriptedPolicy policy = new ScriptedPolicy();
    try (MnemoServer server = serve(learner, 0, TransportSecurity.loopback());
        GrpcLearnerLink link = link(server.target(), TransportSecurity.loopback(), metrics)) {
      learner.rejectSequence = 4;
      Actor actor = actor(link, policy, metrics);
      Thread t = start(actor);
      await().atMost(Duration.ofSeconds(20)).until(() -> learner.unrolls.size() >= 12);
      actor.stop();
      t.join(5000);
      assertThat(t.isAlive()).isFalse();

      assertThat(learner.registrations).hasSize(1);
      assertThat(learner.unrolls).allSatisfy(u -> assertThat(u.getActorId()).isEqualTo("actor-1"));
      // sequences increase; number 4 was rejected and is missing
      List<Long> seqs = learner.unrolls.stream().map(u -> u.getSequence()).toList();
      assertThat(seqs).isSorted().doesNotContain(4L).contains(0L, 1L, 2L, 3L, 5L);
      // the first unroll was made with the starting weights (-1); later ones with fetched versions
      assertThat(learner.unrolls.get(0).getWeightVersion()).isEqualTo(-1);
      long lastVersion = learner.unrolls.get(learner.unrolls.size() - 1).getWeightVersion();
      assertThat(lastVersion).isGreaterThanOrEqualTo(2);
      assertThat(policy.loaded).isNotEmpty();
      assertThat(new String(policy.loaded.get(policy.loaded.size() - 1))).isEqualTo("w" + actor.weightVersion());
      // every unroll decodes with the right shapes
      assertThat(learner.unrolls).allSatisfy(u -> {
        assertThat(u.getObservations().getShapeList()).containsExactly(4, 2, 1);
        assertThat(u.getBehaviourLogits().getShapeList()).containsExactly(4, 2, 2);
      });
      String scrape = registry.scrape();
      assertThat(scrape).contains("mnemo_actor_steps_total", "mnemo_actor_unrolls_sent_total",
          "mnemo_actor_unrolls_rejected_total{actor=\"a0\"} 1.0", "mnemo_actor_weight_version",
          "mnemo_actor_unroll_bytes_total", "mnemo_actor_inference_seconds_count", "mnemo_actor_episode_return");
    }
  }

  @Test
  void reconnectsAndReRegistersAfterTheLearnerRestarts() throws Exception {
    FakeLearner first = new FakeLearner(CONFIG, 1000);
    ActorMetrics metrics = ActorMetrics.unregistered();
    MnemoServer server = serve(first, 0, TransportSecurity.loopback());
    int port = server.port();
    try (GrpcLearnerLink link = link(server.target(), TransportSecurity.loopback(), metrics)) {
      Actor actor = actor(link, new ScriptedPolicy(), metrics);
      Thread t = start(actor);
      await().atMost(Duration.ofSeconds(20)).until(() -> first.unrolls.size() >= 3);
      server.close();
      // the actor keeps its thread alive while the learner is away
      Thread.sleep(300);
      assertThat(t.isAlive()).isTrue();
      FakeLearner second = new FakeLearner(CONFIG, 1000);
      try (MnemoServer again = serve(second, port, TransportSecurity.loopback())) {
        await().atMost(Duration.ofSeconds(20)).until(() -> second.unrolls.size() >= 3);
        assertThat(second.registrations).hasSize(1);
        assertThat(second.unrolls).allSatisfy(u -> assertThat(u.getActorId()).isEqualTo("actor-1"));
        // sequences continue from where the actor was
        assertThat(second.unrolls.get(0).getSequence()).isGreaterThanOrEqualTo(3);
        assertThat(metrics.reconnectCount()).isGreaterThanOrEqualTo(1);
        actor.stop();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
      }
    } finally {
      server.close();
    }
  }

  @Test
  void aLearnerBackFromAnOlderCheckpointGetsNoUnrollFromWeightsItNeverPublished() throws Exception {
    FakeLearner first = new FakeLearner(CONFIG, 1); // a new weight version after every unroll
    ActorMetrics metrics = ActorMetrics.unregistered();
    ScriptedPolicy policy = new ScriptedPolicy();
    MnemoServer server = serve(first, 0, TransportSecurity.loopback());
    int port = server.port();
    try (GrpcLearnerLink link = link(server.target(), TransportSecurity.loopback(), metrics)) {
      Actor actor = actor(link, policy, metrics);
      Thread t = start(actor);
      await().atMost(Duration.ofSeconds(20)).until(() -> actor.weightVersion() >= 3);
      server.close(); // killed after publishing version >= 3 ...
      FakeLearner second = new FakeLearner(CONFIG, 1000);
      second.version.set(1); // ... and resumed from its checkpoint at version 1
      try (MnemoServer again = serve(second, port, TransportSecurity.loopback())) {
        await().atMost(Duration.ofSeconds(20)).until(() -> second.unrolls.size() >= 3);
        actor.stop();
        t.join(5000);
        assertThat(t.isAlive()).isFalse();
        // without the drop the first unroll would claim version >= 3, which this learner never published
        assertThat(second.unrolls).allSatisfy(u -> assertThat(u.getWeightVersion()).isEqualTo(1));
        assertThat(actor.weightVersion()).isEqualTo(1);
        assertThat(new String(policy.loaded.get(policy.loaded.size() - 1))).isEqualTo("w1");
      }
    } finally {
      server.close();
    }
  }

  @Test
  void weightsFetchedAfterRegisteringCountAsPublished() throws Exception {
    FakeLearner learner = new FakeLearner(CONFIG, 1000);
    ActorMetrics metrics = ActorMetrics.unregistered();
    try (MnemoServer server = serve(learner, 0, TransportSecurity.loopback());
        GrpcLearnerLink link = link(server.target(), TransportSecurity.loopback(), metrics)) {
      RegisterResponse r = link.register(); // version 0
      learner.version.set(5); // the learner trains on before the actor fetches (as ActorSetup does)
      long version = link.fetchWeights(-1).orElseThrow().getVersion();
      assertThat(version).isEqualTo(5);
      VectorEnvironment env = new VectorEnvironment(List.of(new CountdownEnv(2), new CountdownEnv(3)));
      Actor actor = new Actor(env, new ScriptedPolicy(), link, metrics, r.getConfig().getUnrollLength(),
          r.getActorSeed(), version);
      Thread t = start(actor);
      await().atMost(Duration.ofSeconds(20)).until(() -> learner.unrolls.size() >= 2);
      actor.stop();
      t.join(5000);
      // the unrolls of version 5 go out: the learner announced it by serving it
      assertThat(learner.unrolls).allSatisfy(u -> assertThat(u.getWeightVersion()).isEqualTo(5));
    }
  }

  @Test
  void closingTheLinkWakesACallerWaitingForTheLearner() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort(); // nobody listens there
    }
    GrpcLearnerLink link = new GrpcLearnerLink(ClientChannels.open("127.0.0.1:" + port, TransportSecurity.loopback()),
        "waiting", 2, ActorMetrics.unregistered(), new Backoff(Duration.ofMinutes(10), Duration.ofMinutes(10)), 2);
    java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
    Thread t = new Thread(() -> {
      try {
        link.register();
      } catch (Throwable e) {
        outcome.set(e);
      }
    });
    t.start();
    await().atMost(Duration.ofSeconds(20)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
    link.close(); // without the wake-up the caller would sleep out its 10-minute backoff
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(outcome.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void anActorWithoutTheTokenIsRefusedAndNotRetried() {
    FakeLearner learner = new FakeLearner(CONFIG, 1000);
    try (MnemoServer server = serve(learner, 0, TransportSecurity.withToken("127.0.0.1", "s3cret"));
        GrpcLearnerLink noToken = link(server.target(), TransportSecurity.loopback(), ActorMetrics.unregistered());
        GrpcLearnerLink wrong = link(server.target(), TransportSecurity.withToken("127.0.0.1", "guess"),
            ActorMetrics.unregistered());
        GrpcLearnerLink right = link(server.target(), TransportSecurity.withToken("127.0.0.1", "s3cret"),
            ActorMetrics.unregistered())) {
      assertThatThrownBy(noToken::register).isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThatThrownBy(wrong::register).isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> assertThat(Status.fromThrowable(e).getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThat(learner.registrations).isEmpty();
      assertThat(catchRegister(right).getConfig().getTaskId()).isEqualTo("test/countdown");
    }
  }

  @Test
  void theActorStopsWhenTheLearnerHasFinishedTraining() throws Exception {
    FakeLearner learner = new FakeLearner(CONFIG, 1000);
    learner.finishAfter = 4;
    ActorMetrics metrics = ActorMetrics.unregistered();
    try (MnemoServer server = serve(learner, 0, TransportSecurity.loopback());
        GrpcLearnerLink link = link(server.target(), TransportSecurity.loopback(), metrics)) {
      Actor actor = actor(link, new ScriptedPolicy(), metrics);
      Thread t = start(actor);
      t.join(20_000);
      assertThat(t.isAlive()).isFalse();
      assertThat(link.learnerFinished()).isTrue();
      assertThat(learner.unrolls).hasSize(4);
    }
  }

  private static RegisterResponse catchRegister(GrpcLearnerLink link) {
    try {
      return link.register();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
