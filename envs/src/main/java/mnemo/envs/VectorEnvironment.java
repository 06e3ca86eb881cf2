package mnemo.envs;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import mnemo.proto.Seeds;

/** N in-process environments stepped one after another: the local {@link BatchedEnvironment}. */
public final class VectorEnvironment implements BatchedEnvironment {
  private final Environment[] envs;
  private final long[] streamSeeds;
  private final long[] episodes;
  private final boolean[] needsReset;
  private boolean started;

  public VectorEnvironment(List<? extends Environment> envs) {
    if (envs.isEmpty()) {
      throw new IllegalArgumentException("a vector needs at least one environment");
    }
    this.envs = envs.toArray(new Environment[0]);
    this.streamSeeds = new long[envs.size()];
    this.episodes = new long[envs.size()];
    this.needsReset = new boolean[envs.size()];
  }

  public static VectorEnvironment of(int n, Supplier<? extends Environment> factory) {
    List<Environment> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(factory.get());
    }
    return new VectorEnvironment(list);
  }

  @Override
  public EnvSpec spec() {
    return envs[0].spec();
  }

  @Override
  public int size() {
    return envs.length;
  }

  /** Instance {@code i} itself, for rendering. */
  public Environment get(int i) {
    return envs[i];
  }

  @Override
  public TimeStep[] reset(long seed) {
    TimeStep[] out = new TimeStep[envs.length];
    for (int i = 0; i < envs.length; i++) {
      streamSeeds[i] = Seeds.derive(seed, i);
      episodes[i] = 0;
      out[i] = envs[i].reset(streamSeeds[i]);
      needsReset[i] = false;
    }
    started = true;
    return out;
  }

  @Override
  public TimeStep[] step(int[] actions) {
    if (!started) {
      throw new IllegalStateException("reset the vector before stepping it");
    }
    if (actions.length != envs.length) {
      throw new IllegalArgumentException("expected " + envs.length + " actions, got " + actions.length);
    }
    EnvSpec spec = spec();
    for (int a : actions) {
      spec.checkAction(a);
    }
    TimeStep[] out = new TimeStep[envs.length];
    for (int i = 0; i < envs.length; i++) {
      if (needsReset[i]) {
        out[i] = envs[i].reset(Seeds.derive(streamSeeds[i], ++episodes[i]));
      } else {
        out[i] = envs[i].step(actions[i]);
      }
      needsReset[i] = out[i].isLast();
    }
    return out;
  }

  @Override
  public void close() {
    for (Environment e : envs) {
      e.close();
    }
  }
}
