package mnemo.agent.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.ParameterTracker;

/**
 * Adam (Kingma and Ba 2015) in the form of PyTorch's {@code torch.optim.Adam}:
 *
 * <pre>
 *   m ← β1 · m + (1 − β1) · g           v ← β2 · v + (1 − β2) · g²
 *   w ← w − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 * </pre>
 *
 * Written here rather than using DJL's so its moments and step counts can be checkpointed.
 */
public final class Adam extends StatefulOptimizer {
  private final double beta1;
  private final double beta2;
  private final float epsilon;

  public Adam(ParameterTracker learningRate, double beta1, double beta2, double epsilon, NDManager stateManager) {
    super(learningRate, stateManager);
    if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException(
          "Adam needs 0 <= beta1, beta2 < 1 and epsilon > 0; got " + beta1 + ", " + beta2 + ", " + epsilon);
    }
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = (float) epsilon;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    long t = nextStep(parameterId);
    float lr = learningRate(parameterId, t);
    NDArray m = slot("m", parameterId, weight, 0f);
    NDArray v = slot("v", parameterId, weight, 0f);
    m.muli((float) beta1).addi(grad.mul((float) (1 - beta1))); // m ← β1 m + (1−β1) g
    v.muli((float) beta2).addi(grad.square().muli((float) (1 - beta2))); // v ← β2 v + (1−β2) g²
    float bias1 = (float) (1 - Math.pow(beta1, t));
    float sqrtBias2 = (float) Math.sqrt(1 - Math.pow(beta2, t));
    // w ← w − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
    weight.subi(m.div(v.sqrt().divi(sqrtBias2).addi(epsilon)).muli(lr / bias1));
  }
}
