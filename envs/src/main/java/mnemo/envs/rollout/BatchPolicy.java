package mnemo.envs.rollout;

import mnemo.envs.TimeStep;

/**
 * Chooses actions for N environments at once from their latest time steps: the seam a batched agent
 * (one inference for N observations, {@code mnemo.actor.SampledPolicy}) plugs into {@link Evaluation}.
 */
@FunctionalInterface
public interface BatchPolicy {

  /**
   * @param steps [N] each environment's latest time step; FIRST where an episode starts (a recurrent
   *     policy starts that environment's memory over)
   * @return [N] actions; those for environments that have played their last episode are ignored
   */
  int[] act(TimeStep[] steps);

  /** A one-environment policy as a batch of N = 1. */
  static BatchPolicy of(SingleEnvPolicy policy) {
    return steps -> {
      if (steps.length != 1) {
        throw new IllegalArgumentException("a single-environment policy got " + steps.length + " time steps");
      }
      return new int[] {policy.act(steps[0])};
    };
  }
}
