package mnemo.learner.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.SplittableRandom;
import mnemo.agent.AgentSpec;
import mnemo.agent.optim.RmsProp;
import mnemo.learner.batch.Batch;
import mnemo.learner.loss.LossConfig;
import mnemo.learner.loss.RewardClipping;
import mnemo.learner.optim.LinearDecay;
import mnemo.learner.testing.LinearAgentModel;
import mnemo.learner.vtrace.VTraceParams;
import org.junit.jupiter.api.Test;

/**
 * The whole update moves the policy the right way: one-step episodes (FIRST, then a terminal LAST) where
 * action 0 earns +1 and action 1 earns −1, actions sampled from the current policy. After some updates
 * the policy prefers action 0 and V(x) tends to the expected reward.
 */
class PolicyImprovementTest {

  @Test
  void thePolicyLearnsTheRewardedActionAndTheValueItsReturn() {
    try (NDManager root = NDManager.newBaseManager()) {
      LinearAgentModel model = new LinearAgentModel(new AgentSpec(new int[] {2}, false, 2, "linear", 8, 3), root);
      LinearDecay lr = new LinearDecay(0.05, 0, false, () -> 0);
      TrainingStep step = new TrainingStep(model, new RmsProp(lr, 0.99, 0, 0.1, root),
          new LossConfig(0.99, 0.5, 0.0, VTraceParams.DEFAULT, RewardClipping.NONE), 40, lr::value);
      SplittableRandom rng = new SplittableRandom(1);
      int width = 32;
      float[] x = {1, 0};
      double p0 = Double.NaN;
      for (int update = 0; update < 60; update++) {
        try (NDManager m = step.newStepManager()) {
          // the behaviour policy is the current one: logits at x
          float[] logits = m.create(x, new Shape(1, 2)).matMul(model.parameters().get(0)).toFloatArray();
          p0 = 1 / (1 + Math.exp(logits[1] - logits[0]));
          float[] obs = new float[2 * width * 2];
          float[] rewards = new float[2 * width];
          float[] discounts = new float[2 * width];
          float[] first = new float[2 * width];
          float[] last = new float[2 * width];
          long[] actions = new long[2 * width];
          long[] prev = new long[2 * width];
          float[] beh = new float[2 * width * 2];
          for (int b = 0; b < width; b++) {
            int a = rng.nextDouble() < p0 ? 0 : 1;
            for (int t = 0; t < 2; t++) {
              int i = t * width + b;
              obs[2 * i] = 1;
              beh[2 * i] = logits[0];
              beh[2 * i + 1] = logits[1];
            }
            first[b] = 1;
            prev[b] = -1;
            actions[b] = a;
            int j = width + b; // step 1: terminal, reward for a
            last[j] = 1;
            rewards[j] = a == 0 ? 1 : -1;
            discounts[j] = 0;
            discounts[b] = 1;
            prev[j] = a;
          }
          Shape tw = new Shape(2, width);
          Batch batch = new Batch(m.create(obs, new Shape(2, width, 2)), m.create(prev, tw), m.create(rewards, tw),
              m.create(discounts, tw), m.create(first, tw), m.create(last, tw), m.create(actions, tw),
              m.create(beh, new Shape(2, width, 2)), new NDList(m.zeros(new Shape(width, 2))), List.of());
          assertThat(step.run(batch).applied()).isTrue();
        }
      }
      assertThat(p0).as("π(rewarded action)").isGreaterThan(0.9);
      NDArray v = root.create(x, new Shape(1, 2)).matMul(model.parameters().get(1));
      // V(x) → E[r] = p0 − (1 − p0) = 2 p0 − 1
      assertThat((double) v.getFloat(0, 0)).isGreaterThan(0.5);
      model.close();
    }
  }
}
