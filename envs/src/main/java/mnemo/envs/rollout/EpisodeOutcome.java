package mnemo.envs.rollout;

/**
 * The outcome of one episode.
 *
 * @param episodeReturn sum of rewards
 * @param success the {@code success} info of the last step, NaN when the task reports none
 * @param length number of actions taken
 * @param finished false when the rollout stopped before the environment's LAST step
 */
public record EpisodeOutcome(double episodeReturn, double success, int length, boolean finished) {}
