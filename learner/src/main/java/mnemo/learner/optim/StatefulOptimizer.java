package mnemo.learner.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A DJL {@link Optimizer} whose state (moment estimates, step counts) lives in named arrays that a
 * checkpoint can save and restore. The state is allocated in a manager given at construction and is
 * never registered with an {@link NDScope}, so a first update inside a scope cannot close it.
 *
 * <p>{@link #update} changes the weight in place and must run with autograd off (outside any
 * GradientCollector); it does not zero the gradient: the training step does that for every parameter.
 */
public abstract class StatefulOptimizer extends Optimizer {
  /** State arrays by name ("<slot>/<parameter>"), in creation order. */
  private final Map<String, NDArray> state = new LinkedHashMap<>();
  private final NDManager stateManager;
  protected final ParameterTracker learningRate;

  protected StatefulOptimizer(ParameterTracker learningRate, NDManager stateManager) {
    super(new OptimizerBuilder<>() {
      @Override
      protected OptimizerBuilder<?> self() {
        return this;
      }
    });
    this.learningRate = learningRate;
    this.stateManager = stateManager;
  }

  /** The state slot {@code slot} of {@code weight}, created filled with {@code init} on first use. */
  protected NDArray slot(String slot, String parameterId, NDArray weight, float init) {
    return state.computeIfAbsent(slot + "/" + parameterId, k -> {
      NDArray a = stateManager.full(weight.getShape(), init, weight.getDataType(), weight.getDevice());
      NDScope.unregister(a); // owned by stateManager, not by whatever scope is open now
      return a;
    });
  }

  /** A per-parameter step counter kept as a scalar array, so that it is checkpointed with the rest. */
  protected long nextStep(String parameterId, NDArray weight) {
    NDArray counter = state.computeIfAbsent("step/" + parameterId, k -> {
      NDArray a = stateManager.zeros(new Shape(1), ai.djl.ndarray.types.DataType.FLOAT64, weight.getDevice());
      NDScope.unregister(a);
      return a;
    });
    counter.addi(1.0);
    return (long) counter.getDouble();
  }

  /** Copies of the state arrays, named, in {@code manager} (for a checkpoint). */
  public NDList saveState(NDManager manager) {
    NDList out = new NDList();
    for (Map.Entry<String, NDArray> e : state.entrySet()) {
      NDArray copy = e.getValue().duplicate();
      copy.attach(manager);
      copy.setName(e.getKey());
      out.add(copy);
    }
    return out;
  }

  /** Replaces the state with arrays saved by {@link #saveState} (names must be set), copying them. */
  public void loadState(NDList saved) {
    for (NDArray a : state.values()) {
      a.close();
    }
    state.clear();
    for (NDArray a : saved) {
      if (a.getName() == null || !a.getName().contains("/")) {
        throw new IllegalArgumentException("optimizer state array without a slot/parameter name: " + a.getName());
      }
      NDArray copy = stateManager.create(a.getShape(), a.getDataType(), a.getDevice());
      copy.set(a.toByteBuffer());
      NDScope.unregister(copy);
      state.put(a.getName(), copy);
    }
  }

  /** The learning rate the next update of {@code parameterId} would use at step {@code step}. */
  protected float learningRate(String parameterId, long step) {
    float lr = learningRate.getNewValue(parameterId, (int) Math.min(Integer.MAX_VALUE, step));
    if (!Float.isFinite(lr) || lr < 0) {
      throw new IllegalStateException("learning rate is " + lr);
    }
    return lr;
  }
}
