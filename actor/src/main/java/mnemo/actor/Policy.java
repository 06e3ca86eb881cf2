package mnemo.actor;

import mnemo.envs.TimeStep;

/**
 * What the actor asks of its agent: the initial core state and one inference step for N environments
 * at once, with the current weights. Implementations are used from a single thread.
 *
 * <pre>{@code
 * CoreState s = policy.initialState(n);
 * PolicyStep out = policy.step(steps, prevActions, s);   // logits [N, A], next state
 * policy.loadWeights(npz);                                // when the learner's version moves
 * }</pre>
 */
public interface Policy extends AutoCloseable {

  /** The number of discrete actions A. */
  int numActions();

  /** The core's initial state for {@code n} environments. */
  CoreState initialState(int n);

  /**
   * Runs one step. The core state of environment i is reset to the initial state before the step when
   * {@code steps[i]} is FIRST.
   *
   * @param steps the N current time steps (observation, reward received on arriving, step type)
   * @param prevActions [N] the action that led to each step, -1 on FIRST
   * @param state the core state before this step
   */
  PolicyStep step(TimeStep[] steps, int[] prevActions, CoreState state);

  /** Copies new weights (a numpy .npz archive) into the live model. */
  void loadWeights(byte[] npz);

  @Override
  void close();
}
