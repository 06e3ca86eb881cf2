package mnemo.learner.optim;

import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.ParameterTracker;

/**
 * Forwards to {@link mnemo.agent.optim.Adam}; see {@link StatefulOptimizer} for why it is still here.
 *
 * @deprecated use {@link mnemo.agent.optim.Adam}
 */
@Deprecated
public final class Adam extends StatefulOptimizer {
  public Adam(ParameterTracker learningRate, double beta1, double beta2, double epsilon, NDManager stateManager) {
    super(new mnemo.agent.optim.Adam(learningRate, beta1, beta2, epsilon, stateManager), learningRate, stateManager);
  }
}
