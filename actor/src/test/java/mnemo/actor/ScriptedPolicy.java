package mnemo.actor;

import java.util.ArrayList;
import java.util.List;
import mnemo.envs.TimeStep;

/**
 * A test policy without a network: in environment i at observation [k] it puts all the mass on action
 * (k + i) mod 2 (logits 0 and −1000), and its one-number core state counts the steps since the episode
 * began (reset to 0 before a FIRST step, then +1 per step).
 */
class ScriptedPolicy implements Policy {
  final List<byte[]> loaded = new ArrayList<>();

  static int action(int env, float obs) {
    return ((int) obs + env) % 2;
  }

  @Override
  public int numActions() {
    return 2;
  }

  @Override
  public CoreState initialState(int n) {
    return new CoreState(List.of(new float[n]), List.of(new int[] {n, 1}));
  }

  @Override
  public PolicyStep step(TimeStep[] steps, int[] prevActions, CoreState state) {
    int n = steps.length;
    float[] logits = new float[2 * n];
    float[] next = new float[n];
    for (int i = 0; i < n; i++) {
      int a = action(i, steps[i].observation().floats()[0]);
      logits[2 * i + (1 - a)] = -1000f;
      next[i] = (steps[i].isFirst() ? 0 : state.arrays().get(0)[i]) + 1;
    }
    return new PolicyStep(logits, new CoreState(List.of(next), List.of(new int[] {n, 1})));
  }

  @Override
  public void loadWeights(byte[] npz) {
    loaded.add(npz);
  }

  @Override
  public void close() {}
}
