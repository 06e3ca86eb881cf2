package mnemo.actor;

import java.util.ArrayList;
import java.util.List;
import mnemo.envs.TimeStep;
import mnemo.envs.curriculum.VariableLength;
import mnemo.proto.learner.v1.EpisodeStats;

/**
 * Running return and length of each of N environments' current episodes; emits an {@link
 * EpisodeStats} when a step is LAST. Length counts actions taken (steps after FIRST); the memory length
 * is the one a {@link VariableLength} task played (0 for the task as given).
 */
final class EpisodeTracker {
  private final double[] returns;
  private final int[] lengths;
  private final boolean[] exploring;

  EpisodeTracker(int n) {
    returns = new double[n];
    lengths = new int[n];
    exploring = new boolean[n];
  }

  /**
   * Marks environment {@code i}'s current episode as begun with an exploring start: like an aided one, it
   * reports no memory length, so the curriculum does not count it.
   */
  void exploringStart(int i) {
    exploring[i] = true;
  }

  /** Feeds the steps just returned by the environments; returns the episodes that ended with them. */
  List<EpisodeStats> observe(TimeStep[] steps) {
    List<EpisodeStats> ended = new ArrayList<>(0);
    for (int i = 0; i < steps.length; i++) {
      TimeStep ts = steps[i];
      if (ts.isFirst()) {
        returns[i] = 0;
        lengths[i] = 0;
        exploring[i] = false;
        continue;
      }
      returns[i] += ts.reward();
      lengths[i]++;
      if (ts.isLast()) {
        ended.add(EpisodeStats.newBuilder()
            .setEpisodeReturn((float) returns[i])
            .setLength(lengths[i])
            .setSuccess(ts.info(TimeStep.SUCCESS))
            .setTruncated(ts.isTruncated())
            .setMemoryLength(exploring[i] ? 0 : memoryLength(ts))
            .setUntested(ts.info(TimeStep.TESTED) == 0f) // absent (NaN): the task tests every episode
            .build());
      }
    }
    return ended;
  }

  private static int memoryLength(TimeStep last) {
    float l = last.info(VariableLength.MEMORY_LENGTH);
    return Float.isNaN(l) ? 0 : (int) l;
  }
}
