package mnemo.actor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import mnemo.envs.Frame;
import mnemo.envs.TimeStep;
import mnemo.envs.VectorEnvironment;
import mnemo.proto.learner.v1.EpisodeStats;

/**
 * Runs a policy for a number of whole episodes on a vector of environments (greedy or sampled), and
 * reports mean return and success rate. Optionally hands every frame of the first episode of
 * environment 0 to a recorder (for a GIF).
 */
public final class Evaluation {

  /** What an evaluation measured. {@code successRate} is NaN when the task reports no success. */
  public record Result(int episodes, double meanReturn, double successRate, double meanLength, long frames) {
    @Override
    public String toString() {
      return String.format("%d episodes: mean return %.3f, success rate %s, mean length %.1f", episodes, meanReturn,
          Double.isNaN(successRate) ? "n/a" : String.format("%.1f%%", 100 * successRate), meanLength);
    }
  }

  private Evaluation() {}

  /**
   * Plays until {@code episodes} episodes have finished (the first ones to finish count), with actions
   * sampled from the policy's logits ({@code greedy}: arg-max) under {@code seed}.
   *
   * @param recorder receives environment 0's frames during its first episode; null for none
   */
  public static Result run(Policy policy, VectorEnvironment env, int episodes, long seed, boolean greedy,
      Consumer<Frame> recorder) {
    if (episodes < 1) {
      throw new IllegalArgumentException("need at least one episode, got " + episodes);
    }
    int n = env.size();
    ActionSampler sampler = new ActionSampler(mnemo.envs.Seeds.derive(seed, -1), greedy);
    EpisodeTracker tracker = new EpisodeTracker(n);
    List<EpisodeStats> done = new ArrayList<>();
    TimeStep[] steps = env.reset(seed);
    int[] prev = new int[n];
    Arrays.fill(prev, -1);
    CoreState state = policy.initialState(n);
    boolean recording = recorder != null;
    if (recording) {
      recorder.accept(env.get(0).render());
    }
    long frames = 0;
    while (done.size() < episodes) {
      PolicyStep out = policy.step(steps, prev, state);
      int[] actions = sampler.sample(out.logits(), policy.numActions());
      state = out.next();
      steps = env.step(actions);
      frames += n;
      for (int i = 0; i < n; i++) {
        prev[i] = steps[i].isFirst() ? -1 : actions[i];
      }
      if (recording) {
        recorder.accept(env.get(0).render());
        recording = !steps[0].isLast();
      }
      done.addAll(tracker.observe(steps));
    }
    List<EpisodeStats> counted = done.subList(0, episodes);
    double ret = 0;
    double len = 0;
    double succ = 0;
    int withSuccess = 0;
    for (EpisodeStats e : counted) {
      ret += e.getEpisodeReturn();
      len += e.getLength();
      if (!Float.isNaN(e.getSuccess())) {
        succ += e.getSuccess();
        withSuccess++;
      }
    }
    return new Result(episodes, ret / episodes, withSuccess == 0 ? Double.NaN : succ / withSuccess, len / episodes,
        frames);
  }
}
