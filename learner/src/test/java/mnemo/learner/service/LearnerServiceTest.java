package mnemo.learner.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mnemo.learner.Learner;
import mnemo.learner.testing.FakeActor;
import mnemo.learner.testing.LinearAgentModel;
import mnemo.learner.testing.TestLearners;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.LearnerGrpc;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;
import mnemo.proto.learner.v1.WeightsRequest;
import mnemo.transport.ClientChannels;
import mnemo.transport.MetricsEndpoint;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The learner service over real loopback gRPC, with a fake actor streaming real cue-recall unrolls. */
class LearnerServiceTest {
  private NDManager root;
  private LinearAgentModel model;
  private MetricsEndpoint metrics;
  private Learner learner;
  private LearnerServer server;
  private ManagedChannel channel;

  void start(ExperimentConfig config, int queueCapacity, boolean startTraining, TransportSecurity security) {
    root = NDManager.newBaseManager();
    model = TestLearners.model(root, config);
    metrics = MetricsEndpoint.start("127.0.0.1", 0);
    learner = Learner.create(config, model, TestLearners.envSpec(),
        Learner.Options.defaults().withRegistry(metrics.registry()).withQueueCapacity(queueCapacity));
    if (startTraining) {
      learner.start();
    }
    server = LearnerServer.start(learner, security, 0, metrics.registry());
    channel = ClientChannels.open(server.target(), TransportSecurity.loopback());
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (model != null) {
      model.close();
    }
    if (root != null) {
      root.close();
    }
  }

  /** A client side of StreamUnrolls collecting acks. */
  private static final class AckCollector implements StreamObserver<Ack> {
    final LinkedBlockingQueue<Ack> acks = new LinkedBlockingQueue<>();

    @Override
    public void onNext(Ack a) {
      acks.add(a);
    }

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}

    Ack next() throws InterruptedException {
      Ack a = acks.poll(30, TimeUnit.SECONDS);
      assertThat(a).as("an ack within 30 s").isNotNull();
      return a;
    }
  }

  private static Unroll withFloat(Unroll u, boolean logits, int index, float value) {
    var t = logits ? u.getBehaviourLogits() : u.getObservations();
    ByteBuffer b = ByteBuffer.wrap(t.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(index * 4, value);
    var fixed = t.toBuilder().setData(ByteString.copyFrom(b.array())).build();
    return logits ? u.toBuilder().setBehaviourLogits(fixed).build() : u.toBuilder().setObservations(fixed).build();
  }

  private String scrape() throws Exception {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(metrics.url())).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return r.body();
  }

  @Test
  void anActorRegistersStreamsGetsAcksAndWeightsAndBadUnrollsAreRejected() throws Exception {
    ExperimentConfig config = TestLearners.config(2, 0);
    start(config, 0, true, TransportSecurity.loopback());
    LearnerGrpc.LearnerBlockingStub blocking = LearnerGrpc.newBlockingStub(channel);
    RegisterResponse reg = blocking.register(RegisterRequest.newBuilder().setActorName("test").setNumEnvs(3).build());
    assertThat(reg.getActorId()).isEqualTo("actor-0");
    assertThat(reg.getConfig()).isEqualTo(learner.config());
    assertThat(reg.getConfig().getUnrollLength()).isEqualTo(TestLearners.T);
    assertThat(reg.getWeightVersion()).isZero();
    assertThat(blocking.register(RegisterRequest.getDefaultInstance()).getActorSeed())
        .isNotEqualTo(reg.getActorSeed());

    // a watcher sees the versions move
    Iterator<Weights> watch = LearnerGrpc.newBlockingStub(channel)
        .watchWeights(WeightsRequest.newBuilder().setHaveVersion(-1).build());
    assertThat(watch.next().getVersion()).isZero();

    AckCollector acks = new AckCollector();
    StreamObserver<Unroll> stream = LearnerGrpc.newStub(channel).streamUnrolls(acks);
    long lastVersion = 0;
    try (FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 9,
        List.of(new int[] {2}))) {
      for (int i = 0; i < 8; i++) {
        stream.onNext(actor.next(reg.getActorId(), lastVersion));
        Ack ack = acks.next();
        assertThat(ack.getAccepted()).as(ack.getMessage()).isTrue();
        assertThat(ack.getSequence()).isEqualTo(i);
        assertThat(ack.getWeightVersion()).isGreaterThanOrEqualTo(lastVersion);
        lastVersion = ack.getWeightVersion();
        if (i % 2 == 1) {
          assertThat(learner.awaitUpdates(i / 2 + 1, Duration.ofSeconds(30))).isTrue();
        }
      }
      assertThat(learner.weightVersion()).isEqualTo(4);

      // malformed, non-finite and wrong-shape unrolls: rejected with INVALID_ARGUMENT, the stream stays open
      // (each from a fresh unroll, so only the named defect is wrong)
      String id = reg.getActorId();
      List<Unroll> bad = List.of(
          withFloat(actor.next(id, 0), true, 3, Float.NaN),
          withFloat(actor.next(id, 0), false, 0, Float.POSITIVE_INFINITY),
          actor.next(id, 0).toBuilder().setNumEnvs(2).build(),
          actor.next(id, 0).toBuilder().setUnrollLength(7).build(),
          actor.next(id, 0).toBuilder().setWeightVersion(1000).build());
      List<String> why = List.of("not finite", "not finite", "registered 3", "the experiment's T", "not one the learner");
      for (int i = 0; i < bad.size(); i++) {
        stream.onNext(bad.get(i));
        Ack ack = acks.next();
        assertThat(ack.getAccepted()).isFalse();
        assertThat(ack.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT.value());
        assertThat(ack.getMessage()).contains(why.get(i));
      }
      assertThat(learner.rejectedUnrolls()).isEqualTo(5);

      // ... and the learner keeps training
      for (int i = 0; i < 4; i++) {
        stream.onNext(actor.next(reg.getActorId(), learner.weightVersion()));
        assertThat(acks.next().getAccepted()).isTrue();
      }
      assertThat(learner.awaitUpdates(6, Duration.ofSeconds(30))).isTrue();
    }
    stream.onCompleted();

    Weights w = blocking.getWeights(WeightsRequest.newBuilder().setHaveVersion(-1).build());
    assertThat(w.getVersion()).isGreaterThanOrEqualTo(6);
    try (NDManager m = root.newSubManager()) {
      NDList arrays = NDList.decode(m, new ByteArrayInputStream(w.getNpz().toByteArray()));
      assertThat(arrays.stream().map(NDArray::getName).toList()).containsExactlyInAnyOrder("policy/w", "value/w");
    }
    Weights none = blocking.getWeights(WeightsRequest.newBuilder().setHaveVersion(w.getVersion()).build());
    assertThat(none.getNpz().isEmpty()).isTrue();
    assertThat(none.getVersion()).isEqualTo(w.getVersion());
    long seen = 0;
    while (seen < 6) {
      long v = watch.next().getVersion();
      assertThat(v).isGreaterThan(seen);
      seen = v;
    }

    String text = scrape();
    assertThat(text).contains("mnemo_learner_frames_total", "mnemo_learner_updates_total",
        "mnemo_learner_loss{term=\"policy\"}", "mnemo_learner_entropy", "mnemo_learner_grad_norm",
        "mnemo_learner_learning_rate", "mnemo_learner_queue_depth", "mnemo_learner_unroll_bytes_sum",
        "mnemo_learner_policy_lag_count", "mnemo_learner_episode_return_count", "mnemo_learner_frames_per_second",
        "mnemo_learner_updates_skipped_total", "mnemo_grpc_server_seconds_count", "jvm_memory_used_bytes");
    assertThat(text).containsPattern("mnemo_learner_unrolls_rejected_total(\\{[^}]*\\})? 5\\.0");
    assertThat(text).containsPattern("mnemo_learner_unrolls_accepted_total(\\{[^}]*\\})? 12\\.0");
    assertThat(text).containsPattern("mnemo_learner_frames_total(\\{[^}]*\\})? 180\\.0"); // 12 unrolls · T·N = 15
  }

  @Test
  void aFullQueueDelaysTheAcks() throws Exception {
    start(TestLearners.config(2, 0), 1, false, TransportSecurity.loopback());
    AckCollector acks = new AckCollector();
    StreamObserver<Unroll> stream = LearnerGrpc.newStub(channel).streamUnrolls(acks);
    try (FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 2,
        List.of(new int[] {2}))) {
      String a = LearnerGrpc.newBlockingStub(channel).register(RegisterRequest.newBuilder().setNumEnvs(TestLearners.N)
          .build()).getActorId();
      for (int i = 0; i < 3; i++) {
        stream.onNext(actor.next(a, 0));
      }
      assertThat(acks.next().getSequence()).isZero(); // queued
      // nothing consumes: the second unroll waits for space, so no further ack
      assertThat(acks.acks.poll(500, TimeUnit.MILLISECONDS)).isNull();
      assertThat(learner.queueDepth()).isEqualTo(1);
      learner.start(); // the trainer drains the queue: the waiting unrolls get in and are acknowledged
      assertThat(acks.next().getSequence()).isEqualTo(1);
      assertThat(acks.next().getSequence()).isEqualTo(2);
      assertThat(learner.awaitUpdates(1, Duration.ofSeconds(30))).isTrue();
    }
    stream.onCompleted();
  }

  @Test
  void aTokenIsRequiredWhenSet() {
    start(TestLearners.config(2, 0), 0, false, TransportSecurity.withToken("127.0.0.1", "s3cret"));
    assertThatThrownBy(() -> LearnerGrpc.newBlockingStub(channel).register(RegisterRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class)
        .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.UNAUTHENTICATED));
    ManagedChannel withToken = ClientChannels.open(server.target(), TransportSecurity.withToken("127.0.0.1", "s3cret"));
    try {
      assertThat(LearnerGrpc.newBlockingStub(withToken).register(RegisterRequest.getDefaultInstance()).getActorId())
          .startsWith("actor-");
    } finally {
      withToken.shutdownNow();
    }
  }
}
