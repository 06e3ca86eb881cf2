package mnemo.learner.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.agent.optim.Adam;
import mnemo.envs.EnvSpec;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.batch.Batch;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.batch.UnrollValidator;
import mnemo.learner.loss.LossConfig;
import mnemo.learner.loss.RewardClipping;
import mnemo.learner.optim.LinearDecay;
import mnemo.learner.testing.FakeActor;
import mnemo.learner.testing.LinearAgentModel;
import mnemo.learner.vtrace.VTraceParams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TrainingStepTest {
  static final String TASK = "memory/cue-recall:length=3";
  static final int T = 6;

  private NDManager root;
  private AgentModel model;
  private List<DecodedUnroll> unrolls;

  @BeforeEach
  void setUp() throws Exception {
    root = NDManager.newBaseManager();
    EnvSpec spec = BuiltinTasks.registry().make(TASK).spec();
    model = new LinearAgentModel(new AgentSpec(spec.observation().shape(), false, spec.numActions(), "none", 8, 1), root);
    UnrollValidator validator = new UnrollValidator(T, ProtoCodec.toProto(spec), List.of(new int[] {2}), () -> 0);
    unrolls = new ArrayList<>();
    try (FakeActor actor = new FakeActor(TASK, 4, T, 3, List.of(new int[] {2}))) {
      for (int i = 0; i < 3; i++) {
        unrolls.add(validator.validate(actor.next("a", 0)));
      }
    }
  }

  @AfterEach
  void tearDown() {
    model.close();
    root.close();
  }

  private TrainingStep step() {
    LinearDecay lr = new LinearDecay(0.02, 0, false, () -> 0);
    return new TrainingStep(model, new Adam(lr, 0.9, 0.999, 1e-8, root),
        new LossConfig(0.9, 0.5, 0.001, VTraceParams.DEFAULT, RewardClipping.ABS_ONE), 40, lr::value);
  }

  @Test
  void theLossFallsOnAFixedBatch() {
    TrainingStep step = step();
    List<Double> losses = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      try (NDManager m = step.newStepManager()) {
        StepResult r = step.run(Batch.stack(unrolls, m));
        assertThat(r.applied()).isTrue();
        assertThat(r.transitions()).isPositive().isLessThanOrEqualTo(3L * 4 * T);
        assertThat(r.gradNorm()).isPositive();
        losses.add(r.loss());
      }
    }
    assertThat(losses.get(39)).isLessThan(losses.get(0));
  }

  @Test
  void aNonFiniteBatchIsSkippedWithGradientsCleared() {
    TrainingStep step = step();
    float[] before = model.parameters().get(0).toFloatArray();
    try (NDManager m = step.newStepManager()) {
      Batch good = Batch.stack(unrolls, m);
      NDArray nanRewards = good.rewards().add(Float.NaN);
      Batch bad = new Batch(good.observations(), good.prevActions(), nanRewards, good.discounts(), good.firstSteps(),
          good.lastSteps(), good.actions(), good.behaviourLogits(), good.coreState(), good.unrolls());
      StepResult r = step.run(bad);
      assertThat(r.applied()).isFalse();
      assertThat(r.loss()).isNaN();
    }
    assertThat(model.parameters().get(0).toFloatArray()).containsExactly(before);
    for (NDArray p : model.parameters()) {
      assertThat(p.getGradient().abs().sum().getFloat()).isZero();
    }
    // and the next good batch trains normally
    try (NDManager m = step.newStepManager()) {
      assertThat(step.run(Batch.stack(unrolls, m)).applied()).isTrue();
    }
    assertThat(model.parameters().get(0).toFloatArray()).isNotEqualTo(before);
  }

  @Test
  void stackingInterleavesUnrollsAlongTheBatchAxis() {
    try (NDManager m = root.newSubManager()) {
      Batch b = Batch.stack(unrolls, m);
      assertThat(b.observations().getShape().getShape()).containsExactly(T + 1, 12, 3);
      assertThat(b.behaviourLogits().getShape().getShape()).containsExactly(T + 1, 12, 2);
      assertThat(b.coreState().get(0).getShape().getShape()).containsExactly(12, 2);
      assertThat(b.frames()).isEqualTo(3L * 4 * T);
      // column 5 of step t is env 1 of unroll 1
      float[] rewards = b.rewards().toFloatArray();
      long[] actions = b.actions().toLongArray();
      for (int t = 0; t <= T; t++) {
        assertThat(rewards[t * 12 + 5]).isEqualTo(unrolls.get(1).rewards()[t * 4 + 1]);
        assertThat(actions[t * 12 + 9]).isEqualTo(unrolls.get(2).actions()[t * 4 + 1]);
      }
    }
  }
}
