package mnemo.envs.rollout;

import java.util.function.IntConsumer;
import mnemo.envs.Environment;
import mnemo.envs.Seeds;

/**
 * Mean return and success of a policy over seeded episodes: the numbers of the task table.
 *
 * @param episodes number of episodes
 * @param meanReturn mean of the episode returns
 * @param stdReturn their standard deviation (population)
 * @param successRate mean of the {@code success} flags, NaN when the task reports none
 * @param meanLength mean episode length in actions
 */
public record Evaluation(int episodes, double meanReturn, double stdReturn, double successRate, double meanLength) {

  /**
   * Runs {@code episodes} episodes (episode e seeded {@code Seeds.derive(seed, e)}) with the policy
   * {@code policyName} ("random", seeded from {@code seed}, or "oracle"), calling {@code progress}
   * after each with the number done.
   */
  public static Evaluation run(Environment env, String policyName, int episodes, long seed, IntConsumer progress)
      throws Exception {
    if (episodes < 1) {
      throw new IllegalArgumentException("episodes must be >= 1, got " + episodes);
    }
    Policy policy = Policy.named(policyName, env, seed);
    double sum = 0;
    double sumSq = 0;
    double successSum = 0;
    int successCount = 0;
    double lengthSum = 0;
    for (int e = 0; e < episodes; e++) {
      EpisodeStats s = Rollout.episode(env, policy, Seeds.derive(seed, e), e + 1, 0, step -> {});
      sum += s.episodeReturn();
      sumSq += s.episodeReturn() * s.episodeReturn();
      if (!Double.isNaN(s.success())) {
        successSum += s.success();
        successCount++;
      }
      lengthSum += s.length();
      progress.accept(e + 1);
    }
    double mean = sum / episodes;
    double var = Math.max(0, sumSq / episodes - mean * mean);
    return new Evaluation(episodes, mean, Math.sqrt(var), successCount == 0 ? Double.NaN : successSum / successCount,
        lengthSum / episodes);
  }
}
