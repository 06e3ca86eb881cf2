package mnemo.learner.batch;

import java.util.List;
import mnemo.proto.learner.v1.EpisodeStats;

/**
 * One validated unroll, decoded onto the Java heap: T+1 steps of N environments, time-major, in the
 * {@code mnemo.learner.v1.Unroll} layout (see learner.proto for what index t holds).
 *
 * @param observations {@code [T+1, N, ...observationShape]} as floats (uint8 images as 0..255)
 * @param rewards {@code [T+1, N]}
 * @param discounts {@code [T+1, N]}
 * @param firstSteps {@code [T+1, N]} 1 where step t is FIRST
 * @param lastSteps {@code [T+1, N]} 1 where step t is LAST
 * @param actions {@code [T+1, N]} in [0, A)
 * @param prevActions {@code [T+1, N]} in [−1, A)
 * @param behaviourLogits {@code [T+1, N, A]}
 * @param coreState the core state before step 0, each {@code [N, ...]} flattened
 * @param coreStateShapes the shape of each core state array for one environment (without N)
 * @param bytes the size of the unroll message on the wire
 */
public record DecodedUnroll(
    String actorId, long sequence, long weightVersion, int unrollLength, int numEnvs, int[] observationShape,
    int numActions, float[] observations, float[] rewards, float[] discounts, float[] firstSteps,
    float[] lastSteps, long[] actions, long[] prevActions, float[] behaviourLogits, List<float[]> coreState, List<int[]> coreStateShapes,
    List<EpisodeStats> episodes, int bytes) {

  /** New environment frames this unroll brings: T·N (step 0 repeats the previous unroll's last step). */
  public long frames() {
    return (long) unrollLength * numEnvs;
  }
}
