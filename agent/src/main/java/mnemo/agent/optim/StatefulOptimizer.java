package mnemo.agent.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
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
  /** Updates applied per parameter (kept on the heap: no device read-back per update). */
  private final Map<String, Long> steps = new LinkedHashMap<>();
  private final NDManager stateManager;
  private static final String STEP = "step/";
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

  /** Counts an update of {@code parameterId} and returns its number (1, 2, …); checkpointed with the state. */
  protected long nextStep(String parameterId) {
    return steps.merge(parameterId, 1L, Long::sum);
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
    for (Map.Entry<String, Long> e : steps.entrySet()) {
      NDArray count = manager.create(new double[] {e.getValue()});
      count.setName(STEP + e.getKey());
      out.add(count);
    }
    return out;
  }

  /** Replaces the state with arrays saved by {@link #saveState} (names must be set), copying them. */
  public void loadState(NDList saved) {
    for (NDArray a : state.values()) {
      a.close();
    }
    state.clear();
    steps.clear();
    for (NDArray a : saved) {
      if (a.getName() == null || !a.getName().contains("/")) {
        throw new IllegalArgumentException("optimizer state array without a slot/parameter name: " + a.getName());
      }
      if (a.getName().startsWith(STEP)) {
        steps.put(a.getName().substring(STEP.length()), (long) a.toType(DataType.FLOAT64, false).toDoubleArray()[0]);
        continue;
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
