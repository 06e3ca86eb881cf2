package mnemo.envs.tasks;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import mnemo.envs.Environment;
import mnemo.envs.Oracle;
import mnemo.envs.TimeStep;

/** Test helper: plays whole episodes and summarises them. */
public final class GridEpisodes {
  private GridEpisodes() {}

  /** Plays one episode from {@code seed} with {@code policy}; returns every time step, FIRST to LAST. */
  public static List<TimeStep> play(Environment env, long seed, ToIntFunction<TimeStep> policy) {
    List<TimeStep> steps = new ArrayList<>();
    TimeStep ts = env.reset(seed);
    steps.add(ts);
    while (!ts.isLast()) {
      ts = env.step(policy.applyAsInt(ts));
      steps.add(ts);
    }
    return steps;
  }

  /**
   * A random episode as data, for determinism tests: the first observation, then each step's observation
   * and reward, then the text picture of the end.
   */
  public static List<Object> trace(Environment env, long seed, long policySeed) {
    List<TimeStep> steps = play(env, seed, random(env, policySeed));
    List<Object> out = new ArrayList<>();
    out.add(steps.get(0).observation());
    for (TimeStep ts : steps.subList(1, steps.size())) {
      out.add(ts.observation());
      out.add(ts.reward());
    }
    out.add(env.renderText());
    return out;
  }

  public static ToIntFunction<TimeStep> oracle(Environment env) {
    return ts -> ((Oracle) env).oracleAction();
  }

  public static ToIntFunction<TimeStep> random(Environment env, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    return ts -> rng.nextInt(env.spec().numActions());
  }

  public static double episodeReturn(List<TimeStep> steps) {
    double r = 0;
    for (TimeStep ts : steps) {
      r += ts.reward();
    }
    return r;
  }
}
