package mnemo.agent;

/**
 * One inference step of the agent for a batch of B environments on heap arrays (no autograd, no NDArray):
 * what an actor runs per environment step when the model has such a path ({@link AgentModel#javaStep()}).
 * It reads the model's weights at {@link #refresh()}, not on every step.
 *
 * <pre>{@code
 * AgentStep s = model.javaStep().orElseThrow();     // if s.takes(b)
 * AgentStep.Result r = s.step(obs, prevActions, rewards, resets, state, b);   // logits [B·A], next state
 * model.loadWeightsFromNpz(npz); s.refresh();                                 // after new weights
 * }</pre>
 */
public interface AgentStep {

  /**
   * @param logits {@code [B·A]} policy logits, row-major
   * @param values {@code [B]} V(x_t)
   * @param state the core state after the step, in {@link AgentModel#initialState} order, {@code [B·H]} each
   */
  record Result(float[] logits, float[] values, float[][] state) {}

  /**
   * @param observations {@code [B·obs]} row-major, as floats (images: the raw 0–255 values)
   * @param prevActions {@code [B]} a_{t−1}, −1 for none
   * @param rewards {@code [B]} r_{t−1}
   * @param resets {@code [B]} 1 where the core state is reset before this step, else 0
   * @param state the core state before the step, {@code [B·H]} each (not modified)
   */
  Result step(float[] observations, int[] prevActions, float[] rewards, float[] resets, float[][] state, int b);

  /**
   * Whether this step is the faster way to run a batch of {@code batch} (the core's {@code impl=java}: always;
   * {@code auto}: where it measured faster than {@link AgentModel#unroll}); when not, callers use {@code unroll}
   * (the state's layout is the same).
   */
  boolean takes(int batch);

  /** The number of core state arrays (2 for LSTMs: h, c; 1 for GRUs), each {@code [B, H]}. */
  int numStates();

  /** H, the core's state size. */
  int hidden();

  /** Copies the model's current weights (call after {@link AgentModel#loadWeightsFromNpz}). */
  void refresh();
}
