package mnemo.learner.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.tracker.ParameterTracker;

/**
 * Forwards to an optimizer of {@link mnemo.agent.optim}, where the learner's and the synthetic trainer's
 * optimizers live. Kept only while {@code Learner} and {@code ExperimentConfigs} still import this
 * package's names; delete it (and {@link Adam}, {@link RmsProp} here) once they import
 * {@code mnemo.agent.optim}.
 *
 * @deprecated use {@link mnemo.agent.optim.StatefulOptimizer}
 */
@Deprecated
public abstract class StatefulOptimizer extends mnemo.agent.optim.StatefulOptimizer {
  private final mnemo.agent.optim.StatefulOptimizer target;

  StatefulOptimizer(mnemo.agent.optim.StatefulOptimizer target, ParameterTracker learningRate,
      NDManager stateManager) {
    super(learningRate, stateManager);
    this.target = target;
  }

  @Override
  public void update(String parameterId, NDArray weight, NDArray grad) {
    target.update(parameterId, weight, grad);
  }

  @Override
  public NDList saveState(NDManager manager) {
    return target.saveState(manager);
  }

  @Override
  public void loadState(NDList saved) {
    target.loadState(saved);
  }
}
