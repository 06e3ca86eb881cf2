package mnemo.learner.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import mnemo.agent.AgentModel;
import mnemo.agent.network.AgentNetworks;
import mnemo.learner.Learner;
import mnemo.learner.batch.Batch;
import mnemo.learner.testing.FakeActor;
import mnemo.learner.testing.TestLearners;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.env.v1.EnvSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
  @TempDir
  Path runDir;

  private static ExperimentConfig config(long seed) {
    return TestLearners.config(2, 10_000).toBuilder().setCoreSpec("ur-lstm:hidden=8").setTorsoHidden(8)
        .setSeed(seed).build();
  }

  private static void feed(Learner learner, FakeActor actor, int unrolls) {
    String a = TestLearners.register(learner);
    for (int i = 0; i < unrolls; i++) {
      assertThat(learner.submit(actor.next(a, learner.weightVersion()), () -> false).getAccepted()).isTrue();
    }
  }

  private static void assertSameArrays(byte[] npzA, byte[] npzB) {
    try (NDManager m = NDManager.newBaseManager()) {
      NDList a = NDList.decode(m, new ByteArrayInputStream(npzA));
      NDList b = NDList.decode(m, new ByteArrayInputStream(npzB));
      assertThat(b.size()).isEqualTo(a.size()).isPositive();
      for (int i = 0; i < a.size(); i++) {
        NDArray x = a.get(i);
        NDArray y = b.stream().filter(z -> x.getName().equals(z.getName())).findFirst().orElseThrow();
        assertThat(y.getShape()).isEqualTo(x.getShape());
        assertThat(y.toByteArray()).as(x.getName()).isEqualTo(x.toByteArray());
      }
    }
  }

  @Test
  void saveAndResumeRestoreWeightsOptimizerStateAndCounters() throws Exception {
    EnvSpec env = TestLearners.envSpec();
    Path file = Checkpoint.inRunDir(runDir);
    byte[] trainedWeights;
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config(1), env), Device.cpu());
        NDManager m = model.manager().newSubManager();
        FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 4,
            Batch.stateShapes(model.initialState(m, 1)))) {
      Learner learner = Learner.create(config(1), model, env, Learner.Options.defaults().withRunDir(runDir));
      learner.start();
      feed(learner, actor, 6);
      assertThat(learner.awaitUpdates(3, Duration.ofSeconds(60))).isTrue();
      learner.close(); // the shutdown checkpoint
      trainedWeights = model.weightsToNpz();
      assertThat(file).exists();
      try (Stream<Path> files = Files.list(runDir)) {
        assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(Checkpoint.FILE_NAME);
      }
    }

    Checkpoint saved = Checkpoint.read(file);
    assertThat(saved.frames()).isEqualTo(6L * TestLearners.T * TestLearners.N);
    assertThat(saved.updates()).isEqualTo(3);
    assertThat(saved.weightVersion()).isEqualTo(3);
    assertThat(saved.config().getSeed()).isEqualTo(1);
    assertSameArrays(trainedWeights, saved.weightsNpz());

    // a fresh model with other initial weights, resumed from the checkpoint
    try (AgentModel fresh = AgentNetworks.create(Learner.agentSpec(config(2), env), Device.cpu());
        NDManager m = fresh.manager().newSubManager();
        FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 5,
            Batch.stateShapes(fresh.initialState(m, 1)))) {
      // what a learner killed mid-write leaves behind is cleared by the next learner on the folder
      Path partial = runDir.resolve(Checkpoint.FILE_NAME + "4711.tmp");
      Files.write(partial, new byte[] {'P', 'K', 3, 4});
      Learner resumed = Learner.resume(saved, fresh, env, Learner.Options.defaults().withRunDir(runDir));
      assertThat(partial).doesNotExist();
      assertSameArrays(trainedWeights, fresh.weightsToNpz());
      Checkpoint again = resumed.snapshot();
      assertSameArrays(saved.optimizerNpz(), again.optimizerNpz());
      assertThat(List.of(again.frames(), again.updates(), again.weightVersion()))
          .containsExactly(saved.frames(), saved.updates(), saved.weightVersion());
      assertThat(resumed.config()).isEqualTo(saved.config());
      assertThat(resumed.latestWeights().getVersion()).isEqualTo(3);
      // and the schedule continues from there
      resumed.start();
      feed(resumed, actor, 2);
      assertThat(resumed.awaitUpdates(4, Duration.ofSeconds(60))).isTrue();
      resumed.close();
      assertThat(Checkpoint.read(file).frames()).isEqualTo(8L * TestLearners.T * TestLearners.N);
      assertThat(Checkpoint.read(file).weightVersion()).isEqualTo(4);
    }
  }

  @Test
  void theLengthCurriculumMovesOnFromActorsEpisodesIsPublishedAndResumesWhereItWas() throws Exception {
    EnvSpec env = TestLearners.envSpec();
    ExperimentConfig config = config(1).toBuilder().setLengthSampling("curriculum").setMemoryLength(12).build();
    Checkpoint saved;
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config, env), Device.cpu());
        NDManager m = model.manager().newSubManager();
        FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 4,
            Batch.stateShapes(model.initialState(m, 1)))) {
      Learner learner = Learner.create(config, model, env, Learner.Options.defaults().withRunDir(runDir));
      assertThat(learner.latestWeights().getMemoryLength()).isEqualTo(2); // ℓ₀ before any episode
      learner.start();
      String a = TestLearners.register(learner);
      // 7 unrolls of 17 successful episodes: 16 at ℓ = 2 and one at L (which does not count for ℓ); an
      // 8th without episodes completes the 4th batch, whose weights are published after ℓ moved
      for (int i = 0; i < 8; i++) {
        var u = actor.next(a, learner.weightVersion()).toBuilder().clearEpisodes(); // at most (T+1)·N = 18
        for (int e = 0; e < (i < 7 ? 17 : 0); e++) {
          u.addEpisodes(mnemo.proto.learner.v1.EpisodeStats.newBuilder().setLength(3).setEpisodeReturn(1)
              .setSuccess(1).setMemoryLength(e == 0 ? 12 : 2));
        }
        assertThat(learner.submit(u.build(), () -> false).getAccepted()).isTrue();
        assertThat(learner.progress().memoryLength()).isEqualTo(i < 6 ? 2 : 4); // 6 x 16 = 96 < 100 episodes
      }
      assertThat(learner.awaitUpdates(4, Duration.ofSeconds(60))).isTrue();
      assertThat(learner.latestWeights().getMemoryLength()).isEqualTo(4); // actors learn ℓ with the weights
      // the full-length figures count only the episodes at L = 12 (7 of them, all successes)
      assertThat(learner.progress().fullLengthSuccessRate()).isEqualTo(1.0);
      learner.close();
      saved = Checkpoint.read(Checkpoint.inRunDir(runDir));
    }
    assertThat(saved.memoryLength()).isEqualTo(4);
    assertThat(saved.memoryMastered()).isEqualTo(2);
    try (AgentModel fresh = AgentNetworks.create(Learner.agentSpec(config, env), Device.cpu())) {
      Learner resumed = Learner.resume(saved, fresh, env, Learner.Options.defaults());
      assertThat(resumed.latestWeights().getMemoryLength()).isEqualTo(4);
      assertThat(resumed.progress().memoryLength()).isEqualTo(4);
      resumed.close();
    }
    // a checkpoint from before the curriculum existed (no memory_length counter) reads as 0
    assertThat(new Checkpoint(config, 1, 1, 1, 0, 0, new byte[0], new byte[0]).memoryLength()).isZero();
  }

  @Test
  void aRunResumedWithItsBudgetSpentIsFinishedAtOnceAndTrainsNothingMore() throws Exception {
    EnvSpec env = TestLearners.envSpec();
    long budget = 6L * TestLearners.T * TestLearners.N; // three updates of two unrolls
    ExperimentConfig cfg = config(1).toBuilder().setTotalFrames(budget).build();
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(cfg, env), Device.cpu());
        NDManager m = model.manager().newSubManager();
        FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 4,
            Batch.stateShapes(model.initialState(m, 1)))) {
      Learner learner = Learner.create(cfg, model, env, Learner.Options.defaults().withRunDir(runDir));
      learner.start();
      feed(learner, actor, 6);
      assertThat(learner.awaitFinished(Duration.ofSeconds(60))).isTrue();
      learner.close();
    }
    Checkpoint spent = Checkpoint.read(Checkpoint.inRunDir(runDir));
    assertThat(spent.frames()).isEqualTo(budget);

    try (AgentModel fresh = AgentNetworks.create(Learner.agentSpec(cfg, env), Device.cpu());
        NDManager m = fresh.manager().newSubManager();
        FakeActor actor = new FakeActor(TestLearners.TASK, TestLearners.N, TestLearners.T, 5,
            Batch.stateShapes(fresh.initialState(m, 1)))) {
      Learner resumed = Learner.resume(spent, fresh, env, Learner.Options.defaults().withRunDir(runDir));
      resumed.start();
      assertThat(resumed.awaitFinished(Duration.ofSeconds(10))).isTrue();
      // actors are told to stop for good, and nothing is trained past the budget
      var ack = resumed.submit(actor.next(TestLearners.register(resumed), resumed.weightVersion()), () -> false);
      assertThat(ack.getAccepted()).isFalse();
      assertThat(ack.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
      assertThat(ack.getMessage()).isEqualTo("training finished");
      resumed.close();
      assertThat(resumed.updates()).isEqualTo(spent.updates());
      assertThat(Checkpoint.read(Checkpoint.inRunDir(runDir)).frames()).isEqualTo(budget);
    }
  }

  @Test
  void partialWritesOfAKilledWriterAreRemovedAndTheCheckpointKept() throws IOException {
    Path file = Checkpoint.inRunDir(runDir);
    Checkpoint c = new Checkpoint(config(1), 120, 6, 6, 0, 1, new byte[] {1, 2}, new byte[] {3});
    c.write(file);
    byte[] whole = Files.readAllBytes(file);
    // a writer killed after writing part of its temporary file (as Checkpoint.write names it)
    Path partial = runDir.resolve(Checkpoint.FILE_NAME + "123456.tmp");
    Files.write(partial, java.util.Arrays.copyOf(whole, whole.length / 2));
    Path other = runDir.resolve("config.json.tmp");
    Files.writeString(other, "{}");

    assertThat(Checkpoint.removePartialWrites(runDir)).containsExactly(partial);
    assertThat(partial).doesNotExist();
    assertThat(other).exists();
    assertThat(Files.readAllBytes(file)).isEqualTo(whole);
    Checkpoint back = Checkpoint.read(file);
    assertThat(List.of(back.frames(), back.updates(), back.weightVersion(), back.rejectedUnrolls()))
        .containsExactly(120L, 6L, 6L, 1L);
    assertThat(Checkpoint.removePartialWrites(runDir)).isEmpty();
    assertThat(Checkpoint.removePartialWrites(runDir.resolve("missing"))).isEmpty();
  }

  @Test
  void aFileThatIsNoCheckpointIsReportedAsSuch() throws IOException {
    Path bogus = runDir.resolve("bogus.zip");
    Files.write(bogus, new byte[] {1, 2, 3});
    assertThatThrownBy(() -> Checkpoint.read(bogus)).isInstanceOf(IOException.class);
  }
}
