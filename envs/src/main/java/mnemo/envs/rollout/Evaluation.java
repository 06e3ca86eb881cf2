package mnemo.envs.rollout;

import java.util.List;
import java.util.function.IntConsumer;
import mnemo.envs.Environment;
import mnemo.proto.Seeds;
import mnemo.envs.TimeStep;

/**
 * Mean return and success of a policy over seeded episodes: the numbers of the task table
 * ({@code mnemo envs table}, random and oracle policies) and of {@code mnemo eval} (a trained agent).
 *
 * @param episodes number of episodes
 * @param meanReturn mean of the episode returns
 * @param stdReturn their standard deviation (population)
 * @param successRate mean of the {@code success} flags, NaN when the task reports none
 * @param meanLength mean episode length in actions
 */
public record Evaluation(int episodes, double meanReturn, double stdReturn, double successRate, double meanLength,
    double testedShare, double successWhenTested) {

  /** Without the {@code tested} statistics (a task that does not report whether an episode tested the memory). */
  public Evaluation(int episodes, double meanReturn, double stdReturn, double successRate, double meanLength) {
    this(episodes, meanReturn, stdReturn, successRate, meanLength, Double.NaN, Double.NaN);
  }

  /**
   * Runs {@code episodes} episodes on {@code env} with the policy {@code policyName} ("random", seeded
   * from {@code seed}, or "oracle"); see {@link #run(List, BatchPolicy, int, long, IntConsumer,
   * Rollout.Listener)} for the seeding.
   */
  public static Evaluation run(Environment env, String policyName, int episodes, long seed, IntConsumer progress)
      throws Exception {
    return run(List.of(env), BatchPolicy.of(SingleEnvPolicy.named(policyName, env, seed)), episodes, seed, progress, null);
  }

  /**
   * Plays episodes 0 … {@code episodes}−1 on the environments side by side, one policy call for all of
   * them per step. Episode e is reset with {@code Seeds.derive(seed, e)}: environment i plays episode i
   * first, then each environment whose episode ended starts the next episode not yet begun, so every
   * episode counts whatever the number of environments (an episode without a LAST step is cut after
   * {@link Rollout#MAX_EPISODE_STEPS} actions, success NaN).
   *
   * @param envs N environments of one task, at most {@code episodes}
   * @param progress called after each finished episode with the number finished
   * @param firstEpisode told every step of episode 0 (played on {@code envs.get(0)}), e.g. a {@code
   *     FrameRecorder} for a GIF; null for none
   */
  public static Evaluation run(List<? extends Environment> envs, BatchPolicy policy, int episodes, long seed,
      IntConsumer progress, Rollout.Listener firstEpisode) throws Exception {
    if (episodes < 1) {
      throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
    }
    int n = envs.size();
    if (n < 1 || n > episodes) {
      throw new IllegalArgumentException("need 1 to " + episodes + " environments for " + episodes + " episodes, got "
          + n);
    }
    Rollout.Listener listener = firstEpisode != null ? firstEpisode : step -> {};
    TimeStep[] steps = new TimeStep[n];
    int[] episodeOf = new int[n]; // the episode environment i plays, -1 once it has no more to play
    double[] running = new double[n];
    int[] length = new int[n];
    EpisodeOutcome[] stats = new EpisodeOutcome[episodes];
    double[] tested = new double[episodes]; // the LAST step's tested info, NaN where the task reports none
    for (int i = 0; i < n; i++) {
      steps[i] = envs.get(i).reset(Seeds.derive(seed, i));
      episodeOf[i] = i;
    }
    listener.onStep(new RolloutStep(1, 0, -1, steps[0], 0));
    int started = n;
    int finished = 0;
    while (finished < episodes) {
      int[] actions = policy.act(steps.clone());
      if (actions.length != n) {
        throw new IllegalStateException("the policy returned " + actions.length + " actions for " + n + " environments");
      }
      for (int i = 0; i < n; i++) {
        if (episodeOf[i] < 0) {
          continue;
        }
        TimeStep ts = envs.get(i).step(actions[i]);
        steps[i] = ts;
        running[i] += ts.reward();
        length[i]++;
        if (episodeOf[i] == 0) {
          listener.onStep(new RolloutStep(1, length[i], actions[i], ts, running[i]));
        }
        if (!ts.isLast() && length[i] < Rollout.MAX_EPISODE_STEPS) {
          continue;
        }
        stats[episodeOf[i]] = new EpisodeOutcome(running[i], ts.isLast() ? ts.info(TimeStep.SUCCESS) : Double.NaN,
            length[i], ts.isLast());
        tested[episodeOf[i]] = ts.isLast() ? ts.info(TimeStep.TESTED) : Double.NaN;
        progress.accept(++finished);
        running[i] = 0;
        length[i] = 0;
        if (started < episodes) {
          steps[i] = envs.get(i).reset(Seeds.derive(seed, started));
          episodeOf[i] = started++;
        } else {
          episodeOf[i] = -1;
        }
      }
    }
    return of(stats, tested);
  }

  /**
   * The statistics of finished episodes, summed in their order; with {@code tested} (TimeStep.TESTED of each
   * episode's last step) the share of episodes that put the memory to the test and the success among them.
   */
  private static Evaluation of(EpisodeOutcome[] stats, double[] tested) {
    double sum = 0;
    double sumSq = 0;
    double successSum = 0;
    int successCount = 0;
    double lengthSum = 0;
    int reported = 0; // episodes whose last step says whether the memory was tested
    int testedCount = 0;
    double successTested = 0;
    for (int e = 0; e < stats.length; e++) {
      EpisodeOutcome s = stats[e];
      sum += s.episodeReturn();
      sumSq += s.episodeReturn() * s.episodeReturn();
      if (!Double.isNaN(s.success())) {
        successSum += s.success();
        successCount++;
      }
      lengthSum += s.length();
      if (!Double.isNaN(tested[e])) {
        reported++;
        if (tested[e] == 1) {
          testedCount++;
          successTested += Double.isNaN(s.success()) ? 0 : s.success();
        }
      }
    }
    int episodes = stats.length;
    double mean = sum / episodes;
    double var = Math.max(0, sumSq / episodes - mean * mean);
    return new Evaluation(episodes, mean, Math.sqrt(var), successCount == 0 ? Double.NaN : successSum / successCount,
        lengthSum / episodes, reported == 0 ? Double.NaN : testedCount / (double) reported,
        testedCount == 0 ? Double.NaN : successTested / testedCount);
  }

  @Override
  public String toString() {
    String s = String.format("%d episodes: mean return %.3f, success rate %s, mean length %.1f", episodes, meanReturn,
        Double.isNaN(successRate) ? "n/a" : String.format("%.1f%%", 100 * successRate), meanLength);
    if (Double.isNaN(testedShare)) {
      return s;
    }
    return s + String.format("; %.1f%% tested the memory, success among them %s", 100 * testedShare,
        Double.isNaN(successWhenTested) ? "n/a" : String.format("%.1f%%", 100 * successWhenTested));
  }
}
