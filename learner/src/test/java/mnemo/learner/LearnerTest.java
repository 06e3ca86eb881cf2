package mnemo.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.learner.testing.FakeActor;
import mnemo.learner.testing.LinearAgentModel;
import mnemo.learner.testing.TestLearners;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.Unroll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerTest {
  @TempDir
  Path runDir;

  @Test
  void trainingStopsAtTotalFramesWithAFinalCheckpointAndLaterUnrollsAreTurnedAway() throws Exception {
    int frames = 2 * TestLearners.T * TestLearners.N; // one batch of two unrolls
    ExperimentConfig config = TestLearners.config(2, frames);
    try (NDManager root = NDManager.newBaseManager(); LinearAgentModel model = TestLearners.model(root, config);
        FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 1, List.of(new int[] {2}))) {
      Learner learner = Learner.create(config, model, TestLearners.envSpec(),
          Learner.Options.defaults().withRunDir(runDir));
      assertThat(learner.config().getBatchSize()).isEqualTo(2);
      assertThat(learner.config().getDiscount()).isEqualTo(0.99); // a default filled in
      learner.start();
      String a = TestLearners.register(learner);
      for (int i = 0; i < 2; i++) {
        assertThat(learner.submit(actor.next(a, 0), () -> false).getAccepted()).isTrue();
      }
      assertThat(learner.awaitFinished(Duration.ofSeconds(60))).isTrue();
      assertThat(learner.frames()).isEqualTo(frames);
      assertThat(learner.updates()).isEqualTo(1);
      Unroll late = actor.next(a, 1);
      Ack ack = learner.submit(late, () -> false);
      assertThat(ack.getAccepted()).isFalse();
      assertThat(ack.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value()); // training finished
      learner.close();
      learner.close(); // idempotent
      assertThat(Checkpoint.read(Checkpoint.inRunDir(runDir)).frames()).isEqualTo(frames);
      assertThat(learner.failure()).isNull();
    }
  }

  @Test
  void unrollsOfTwoLengthsAreNeverStackedTogether() throws Exception {
    // episode_unrolls: actors end unrolls at episode boundaries, so lengths T and T' = T − 2 arrive mixed.
    // Sent T, T', T', T, T with B = 2: the lone T trains by itself when a T' follows it, then (T', T'), (T, T).
    int t = TestLearners.T;
    int n = TestLearners.N;
    long frames = 3L * t * n + 2L * (t - 2) * n;
    ExperimentConfig config = TestLearners.config(2, frames).toBuilder().setEpisodeUnrolls(true).build();
    try (NDManager root = NDManager.newBaseManager(); LinearAgentModel model = TestLearners.model(root, config);
        FakeActor full = new FakeActor(TestLearners.TASK, n, t, 1, List.of(new int[] {2}));
        FakeActor shorter = new FakeActor(TestLearners.TASK, n, t - 2, 2, List.of(new int[] {2}))) {
      Learner learner = Learner.create(config, model, TestLearners.envSpec(), Learner.Options.defaults());
      learner.start();
      String a = TestLearners.register(learner);
      List<FakeActor> order = List.of(full, shorter, shorter, full, full);
      for (int i = 0; i < order.size(); i++) { // one actor's sequence numbers, as a real actor sends them
        Ack ack = learner.submit(order.get(i).next(a, 0).toBuilder().setSequence(i).build(), () -> false);
        assertThat(ack.getAccepted()).as(ack.getMessage()).isTrue();
      }
      assertThat(learner.awaitFinished(Duration.ofSeconds(60))).isTrue();
      assertThat(learner.failure()).isNull();
      assertThat(learner.frames()).isEqualTo(frames);
      assertThat(learner.updates()).isEqualTo(3);
      learner.close();
    }
  }

  @Test
  void aFailedTrainingThreadTellsActorsToRetryNotThatTrainingFinished() throws Exception {
    ExperimentConfig config = TestLearners.config(2, 1_000_000);
    try (NDManager root = NDManager.newBaseManager(); LinearAgentModel linear = TestLearners.model(root, config);
        FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 1, List.of(new int[] {2}))) {
      // a model whose training forward breaks (as a native error would)
      mnemo.agent.AgentModel broken = new mnemo.agent.AgentModel() {
        public mnemo.agent.AgentSpec spec() { return linear.spec(); }
        public ai.djl.ndarray.NDList initialState(NDManager m, int b) { return linear.initialState(m, b); }
        public mnemo.agent.AgentOutput unroll(mnemo.agent.AgentInput in, ai.djl.ndarray.NDList s, boolean training) {
          if (training) {
            throw new IllegalStateException("native failure");
          }
          return linear.unroll(in, s, false);
        }
        public List<ai.djl.ndarray.NDArray> parameters() { return linear.parameters(); }
        public List<String> parameterNames() { return linear.parameterNames(); }
        public byte[] weightsToNpz() { return linear.weightsToNpz(); }
        public void loadWeightsFromNpz(byte[] npz) { linear.loadWeightsFromNpz(npz); }
        public NDManager manager() { return linear.manager(); }
        public void close() {}
      };
      Learner learner = Learner.create(config, broken, TestLearners.envSpec(), Learner.Options.defaults());
      learner.start();
      String a = TestLearners.register(learner);
      for (int i = 0; i < 2; i++) {
        assertThat(learner.submit(actor.next(a, 0), () -> false).getAccepted()).isTrue();
      }
      assertThat(learner.awaitFinished(Duration.ofSeconds(60))).isTrue();
      assertThat(learner.failure()).hasMessage("native failure");
      Ack ack = learner.submit(actor.next(a, 0), () -> false);
      assertThat(ack.getAccepted()).isFalse();
      assertThat(ack.getCode()).isEqualTo(Status.Code.UNAVAILABLE.value()); // retry: a restarted learner resumes the run
      assertThat(ack.getMessage()).isEqualTo("learner failed");
      learner.close();
    }
  }

  @Test
  void anInvalidConfigOrAMismatchedModelIsRefused() {
    try (NDManager root = NDManager.newBaseManager()) {
      ExperimentConfig config = TestLearners.config(2, 0);
      LinearAgentModel model = TestLearners.model(root, config);
      assertThatThrownBy(() -> Learner.create(config.toBuilder().setOptimizer("sgd").build(), model,
          TestLearners.envSpec(), Learner.Options.defaults()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("optimizer");
      assertThatThrownBy(() -> Learner.create(config.toBuilder().setDiscount(1.5).build(), model,
          TestLearners.envSpec(), Learner.Options.defaults()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("discount");
      LinearAgentModel threeActions = new LinearAgentModel(new mnemo.agent.AgentSpec(new int[] {3}, false, 3, "x", 8, 1),
          root);
      assertThatThrownBy(() -> Learner.create(config, threeActions, TestLearners.envSpec(), Learner.Options.defaults()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("actions");
    }
  }
}
