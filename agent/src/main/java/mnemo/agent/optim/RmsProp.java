package mnemo.agent.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.ParameterTracker;

/**
 * RMSProp in the form of TensorFlow 1's {@code RMSPropOptimizer}, which the IMPALA release trains with
 * (DJL's {@code Optimizer.rmsprop()} is not implemented on PyTorch):
 *
 * <pre>
 *   ms  ← decay · ms + (1 − decay) · g²          ms starts at 1 (TF1's initial value)
 *   mom ← momentum · mom + lr · g / √(ms + ε)    mom starts at 0
 *   w   ← w − mom
 * </pre>
 *
 * With momentum 0 this is w ← w − lr · g / √(ms + ε). Note ε sits inside the square root (PyTorch's
 * RMSprop puts it outside and starts ms at 0).
 */
public final class RmsProp extends StatefulOptimizer {
  private final float decay;
  private final float momentum;
  private final float epsilon;
  private final float initialMeanSquare;

  public RmsProp(ParameterTracker learningRate, double decay, double momentum, double epsilon,
      NDManager stateManager) {
    this(learningRate, decay, momentum, epsilon, 1.0, stateManager);
  }

  public RmsProp(ParameterTracker learningRate, double decay, double momentum, double epsilon,
      double initialMeanSquare, NDManager stateManager) {
    super(learningRate, stateManager);
    if (!(decay >= 0 && decay < 1) || !(momentum >= 0 && momentum < 1) || !(epsilon > 0)) {
      throw new IllegalArgumentException(
          "RMSProp needs 0 <= decay < 1, 0 <= momentum < 1, epsilon > 0; got decay=" + decay + " momentum="
              + momentum + " epsilon=" + epsilon);
    }
    this.decay = (float) decay;
    this.momentum = (float) momentum;
    this.epsilon = (float) epsilon;
    this.initialMeanSquare = (float) initialMeanSquare;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    long step = nextStep(parameterId);
    float lr = learningRate(parameterId, step);
    NDArray ms = slot("ms", parameterId, weight, initialMeanSquare);
    ms.muli(decay).addi(grad.square().muli(1 - decay)); // ms ← decay·ms + (1−decay)·g²
    NDArray scaled = grad.div(ms.add(epsilon).sqrt()).muli(lr); // lr · g / √(ms + ε)
    if (momentum == 0) {
      weight.subi(scaled); // w ← w − lr·g/√(ms+ε)
    } else {
      NDArray mom = slot("mom", parameterId, weight, 0f);
      mom.muli(momentum).addi(scaled); // mom ← momentum·mom + lr·g/√(ms+ε)
      weight.subi(mom); // w ← w − mom
    }
  }
}
