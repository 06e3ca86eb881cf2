package mnemo.actor;

import mnemo.envs.TimeStep;

/**
 * Adapts a batched {@link Policy} to one environment stepped by {@link mnemo.envs.rollout.Rollout} (for
 * recordings): keeps the core state and the previous action between calls, and starts over on FIRST.
 */
public final class SingleEnvPolicy implements mnemo.envs.rollout.Policy {
  private final Policy policy;
  private final ActionSampler sampler;
  private CoreState state;
  private int prev = -1;

  public SingleEnvPolicy(Policy policy, long seed, boolean greedy) {
    this.policy = policy;
    this.sampler = new ActionSampler(seed, greedy);
    this.state = policy.initialState(1);
  }

  @Override
  public int act(TimeStep ts) {
    if (ts.isFirst()) {
      prev = -1;
    }
    PolicyStep out = policy.step(new TimeStep[] {ts}, new int[] {prev}, state);
    state = out.next();
    prev = sampler.sample(out.logits(), policy.numActions())[0];
    return prev;
  }
}
