package mnemo.agent.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 * Written here rather than using DJL's so its moments and step counts can be checkpointed. The step runs
 * as libtorch's fused update (one call into the engine per parameter instead of a dozen array operations,
 * which cost more than their arithmetic at these sizes: docs/benchmarks/learner.md), with PyTorch's step
 * rewritten into that update's form, w ← w − α' · m / (√v + ε'):
 *
 * <pre>
 *   α' = lr · √(1 − β2^t) / (1 − β1^t)        ε' = ε · √(1 − β2^t)
 * </pre>
 *
 * (multiply PyTorch's numerator and denominator by √(1 − β2^t)).
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
    double bias1 = 1 - Math.pow(beta1, t);
    double sqrtBias2 = Math.sqrt(1 - Math.pow(beta2, t));
    // m ← β1 m + (1−β1) g;  v ← β2 v + (1−β2) g²;  w ← w − α' m / (√v + ε')
    weight.getNDArrayInternal().adamUpdate(new NDList(weight, grad, m, v), new NDList(weight), lr,
        (float) (lr * sqrtBias2 / bias1), 0f, 1f, -1f, (float) beta1, (float) beta2, (float) (epsilon * sqrtBias2),
        false, false);
  }
}
