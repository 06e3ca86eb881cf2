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

  EpisodeTracker(int n) {
    returns = new double[n];
    lengths = new int[n];
  }

  /** Feeds the steps just returned by the environments; returns the episodes that ended with them. */
  List<EpisodeStats> observe(TimeStep[] steps) {
    List<EpisodeStats> ended = new ArrayList<>(0);
    for (int i = 0; i < steps.length; i++) {
      TimeStep ts = steps[i];
      if (ts.isFirst()) {
        returns[i] = 0;
        lengths[i] = 0;
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
            .setMemoryLength(memoryLength(ts))
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
