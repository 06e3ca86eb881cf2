package mnemo.envs;

/**
 * Implemented by tasks that have a scripted oracle: a policy with full knowledge of the hidden state
 * (the cue, the maze, the target) that reaches the task's best score. Used for the oracle column of
 * docs/envs.md, for GIFs, and by tests that the optimum is reachable.
 */
public interface Oracle {

  /** The action the oracle takes in the current state (after reset or the last step). */
  int oracleAction();
}
