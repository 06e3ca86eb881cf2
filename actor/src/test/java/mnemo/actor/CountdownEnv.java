package mnemo.actor;

import java.util.List;
import java.util.Map;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;

/**
 * A deterministic test task: the observation is [k], the number of actions taken in the episode; every
 * action a earns a + 1; the episode terminates (success 1) after {@code length} actions.
 */
final class CountdownEnv implements Environment {
  private final int length;
  private final EnvSpec spec;
  private int k;

  CountdownEnv(int length) {
    this.length = length;
    this.spec = new EnvSpec("test/countdown", new TensorSpec("obs", new int[] {1}, DType.FLOAT32, 0, 100), 2,
        List.of(), 0, List.of(TimeStep.SUCCESS));
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  @Override
  public TimeStep reset(long seed) {
    k = 0;
    return TimeStep.first(obs());
  }

  @Override
  public TimeStep step(int action) {
    k++;
    if (k == length) {
      return TimeStep.terminal(action + 1, obs(), Map.of(TimeStep.SUCCESS, 1f));
    }
    return TimeStep.mid(action + 1, obs());
  }

  /** A 1-pixel-high strip k + 1 pixels wide. */
  @Override
  public mnemo.envs.Frame render() {
    return mnemo.envs.Frame.blank(k + 1, 1);
  }

  private Tensor obs() {
    return Tensor.ofFloats(new float[] {k}, 1);
  }
}
