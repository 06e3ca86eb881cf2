package mnemo.actor;

import java.util.Arrays;
import mnemo.envs.TimeStep;
import mnemo.envs.rollout.BatchPolicy;

/**
 * An agent's {@link Policy} acting on N environments (for {@link mnemo.envs.rollout.Evaluation}): one
 * batched inference per call, actions sampled from the logits or their arg-max ({@link ActionSampler}),
 * the core state and the previous actions kept between calls and started over where a step is FIRST.
 */
public final class SampledPolicy implements BatchPolicy {
  private final Policy policy;
  private final ActionSampler sampler;
  private final int[] prev;
  private CoreState state;

  /** @param seed seeds the action sampler */
  public SampledPolicy(Policy policy, int n, long seed, boolean greedy) {
    this.policy = policy;
    this.sampler = new ActionSampler(seed, greedy);
    this.prev = new int[n];
    this.state = policy.initialState(n);
  }

  @Override
  public int[] act(TimeStep[] steps) {
    if (steps.length != prev.length) {
      throw new IllegalArgumentException("expected " + prev.length + " time steps, got " + steps.length);
    }
    for (int i = 0; i < steps.length; i++) {
      if (steps[i].isFirst()) {
        prev[i] = -1;
      }
    }
    PolicyStep out = policy.step(steps, prev.clone(), state);
    state = out.next();
    int[] actions = sampler.sample(out.logits(), policy.numActions());
    System.arraycopy(actions, 0, prev, 0, prev.length);
    return Arrays.copyOf(actions, actions.length);
  }
}
