package mnemo.learner.optim;

import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.ParameterTracker;

/**
 * Forwards to {@link mnemo.agent.optim.RmsProp}; see {@link StatefulOptimizer} for why it is still here.
 *
 * @deprecated use {@link mnemo.agent.optim.RmsProp}
 */
@Deprecated
public final class RmsProp extends StatefulOptimizer {
  public RmsProp(ParameterTracker learningRate, double decay, double momentum, double epsilon,
      NDManager stateManager) {
    super(new mnemo.agent.optim.RmsProp(learningRate, decay, momentum, epsilon, stateManager), learningRate,
        stateManager);
  }
}
