package mnemo.envs.rollout;

import java.util.SplittableRandom;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Oracle;
import mnemo.envs.TimeStep;

/** Chooses an action from the latest time step: the scripted policies used for renders and the task table. */
@FunctionalInterface
public interface SingleEnvPolicy {

  int act(TimeStep timeStep);

  /** Uniform over the spec's actions, reproducible from {@code seed}. */
  static SingleEnvPolicy random(EnvSpec spec, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = spec.numActions();
    return ts -> rng.nextInt(n);
  }

  /** The environment's {@link Oracle}; IllegalArgumentException when it has none. */
  static SingleEnvPolicy oracle(Environment env) {
    if (!(env instanceof Oracle oracle)) {
      throw new IllegalArgumentException(env.spec().taskId() + " has no oracle policy");
    }
    return ts -> oracle.oracleAction();
  }

  /** {@code random} or {@code oracle} by name. */
  static SingleEnvPolicy named(String name, Environment env, long seed) {
    return switch (name) {
      case "random" -> random(env.spec(), seed);
      case "oracle" -> oracle(env);
      default -> throw new IllegalArgumentException("unknown policy '" + name + "': random or oracle");
    };
  }
}
