package mnemo.envs.rollout;

import java.util.ArrayList;
import java.util.List;
import mnemo.envs.Environment;
import mnemo.proto.Seeds;
import mnemo.envs.TimeStep;

/**
 * Steps one environment with a policy, episode after episode, telling a listener about every step.
 *
 * <pre>{@code
 * List<EpisodeOutcome> eps = Rollout.steps(env, SingleEnvPolicy.random(env.spec(), 1), 1, 200, step -> frames.add(env.render()));
 * }</pre>
 *
 * <p>Episode e (0-based) of a rollout with seed s is reset with {@code Seeds.derive(s, e)}, so the
 * same seed replays the same episodes.
 */
public final class Rollout {
  /** Episodes without a time limit are cut here (they are reported as not finished). */
  public static final int MAX_EPISODE_STEPS = 1_000_000;

  /** Called after the reset and after every step; the environment shows the state of that step. */
  @FunctionalInterface
  public interface Listener {
    void onStep(RolloutStep step) throws Exception;
  }

  private Rollout() {}

  /** Runs one episode (at most {@code maxSteps} actions, 0 = {@link #MAX_EPISODE_STEPS}). */
  public static EpisodeOutcome episode(Environment env, SingleEnvPolicy policy, long seed, int episodeNumber, int maxSteps,
      Listener listener) throws Exception {
    int cap = maxSteps > 0 ? maxSteps : MAX_EPISODE_STEPS;
    TimeStep ts = env.reset(seed);
    double ret = 0;
    int step = 0;
    listener.onStep(new RolloutStep(episodeNumber, 0, -1, ts, 0));
    while (!ts.isLast() && step < cap) {
      int action = policy.act(ts);
      ts = env.step(action);
      ret += ts.reward();
      step++;
      listener.onStep(new RolloutStep(episodeNumber, step, action, ts, ret));
    }
    return new EpisodeOutcome(ret, ts.isLast() ? ts.info(TimeStep.SUCCESS) : Double.NaN, step, ts.isLast());
  }

  /**
   * Runs episodes until {@code totalSteps} actions were taken in all (the last episode may be cut), or,
   * with {@code totalSteps} = 0, exactly one episode. Returns every episode's statistics.
   */
  public static List<EpisodeOutcome> steps(Environment env, SingleEnvPolicy policy, long seed, int totalSteps, Listener listener)
      throws Exception {
    List<EpisodeOutcome> out = new ArrayList<>();
    int left = totalSteps;
    int e = 0;
    do {
      EpisodeOutcome s = episode(env, policy, Seeds.derive(seed, e), e + 1, totalSteps > 0 ? left : 0, listener);
      out.add(s);
      left -= s.length();
      e++;
    } while (totalSteps > 0 && left > 0);
    return out;
  }
}
