package mnemo.learner.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.AgentModel;
import mnemo.agent.network.AgentNetworks;
import mnemo.learner.Learner;
import mnemo.learner.batch.Batch;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.batch.UnrollValidator;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.learner.optim.LinearDecay;
import mnemo.learner.testing.FakeActor;
import mnemo.learner.testing.TestLearners;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.env.v1.EnvSpec;
import org.junit.jupiter.api.Test;

/** The training step on the real agent network (torso, UR-LSTM core, heads). */
class AgentNetworkStepTest {

  @Test
  void theValueLossFallsOnAFixedBatchAndANonFiniteBatchIsSkipped() throws Exception {
    ExperimentConfig config = ExperimentConfigs.resolve(TestLearners.config(2, 0).toBuilder()
        .setCoreSpec("ur-lstm:hidden=16").setTorsoHidden(16).setOptimizer("adam").setLearningRate(3e-3).build());
    EnvSpec env = TestLearners.envSpec();
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config, env), Device.cpu())) {
      List<int[]> stateShapes;
      try (NDManager m = model.manager().newSubManager()) {
        stateShapes = Batch.stateShapes(model.initialState(m, 1));
      }
      UnrollValidator validator = new UnrollValidator(TestLearners.T, env, stateShapes, () -> 0);
      List<DecodedUnroll> unrolls = new ArrayList<>();
      try (FakeActor actor = new FakeActor(TestLearners.TASK, 4, TestLearners.T, 3, stateShapes)) {
        for (int i = 0; i < 2; i++) {
          unrolls.add(validator.validate(actor.next("a", 0)));
        }
      }
      LinearDecay lr = ExperimentConfigs.learningRate(config, () -> 0);
      try (NDManager state = model.manager().newSubManager()) {
        TrainingStep step = new TrainingStep(model, ExperimentConfigs.optimizer(config, lr, state),
            ExperimentConfigs.lossConfig(config), config.getMaxGradNorm(), lr::value);
        // The policy-gradient term's value moves with the critic (A_t = r_t + γ v_{t+1} − V(x_t)), so
        // on a fixed batch the total is not monotone; the value fit is, and the policy sharpens.
        double first = Double.NaN;
        double last = Double.NaN;
        double firstEntropy = Double.NaN;
        double lastEntropy = Double.NaN;
        for (int i = 0; i < 25; i++) {
          try (NDManager m = step.newStepManager()) {
            StepResult r = step.run(Batch.stack(unrolls, m));
            assertThat(r.applied()).isTrue();
            if (i == 0) {
              first = r.baselineLoss();
              firstEntropy = r.entropy();
            }
            last = r.baselineLoss();
            lastEntropy = r.entropy();
          }
        }
        assertThat(last).isLessThan(0.9 * first);
        assertThat(lastEntropy).isLessThan(firstEntropy);

        byte[] before = model.weightsToNpz();
        try (NDManager m = step.newStepManager()) {
          Batch good = Batch.stack(unrolls, m);
          NDList badState = new NDList();
          for (NDArray s : good.coreState()) {
            badState.add(s.add(Float.NaN));
          }
          Batch bad = new Batch(good.observations(), good.prevActions(), good.rewards(), good.discounts(),
              good.firstSteps(), good.lastSteps(), good.actions(), good.behaviourLogits(), badState, good.unrolls());
          assertThat(step.run(bad).applied()).isFalse();
        }
        assertThat(model.weightsToNpz()).isEqualTo(before);
        for (NDArray p : model.parameters()) {
          assertThat(p.getGradient().abs().sum().getFloat()).isZero();
        }
      }
    }
  }
}
