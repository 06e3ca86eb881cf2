package mnemo.learner.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.TimeStep;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.bench.SyntheticUnrolls;
import mnemo.proto.TensorCodec;
import mnemo.proto.env.v1.StepType;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.Unroll;

/**
 * Builds real unrolls the way an actor does, from a {@link VectorEnvironment} and random behaviour
 * logits, with the exact layout of learner.proto: step 0 repeats the previous unroll's last step
 * (same action and logits), rewards[t] is received on arriving at t, prev_actions[t] led to t (−1 on
 * FIRST), finished episodes are reported in the unroll where their LAST step is new.
 */
public final class FakeActor implements AutoCloseable {
  private final VectorEnvironment envs;
  private final int n;
  private final int t;
  private final int a;
  private final int obsSize;
  private final List<int[]> stateShapes;
  private final SplittableRandom rng;
  private TimeStep[] current;
  private int[] prevAction;
  private float[][] currentLogits;
  private int[] currentAction;
  private final float[] episodeReturn;
  private final int[] episodeLength;
  private long sequence;

  public FakeActor(String taskId, int numEnvs, int unrollLength, long seed, List<int[]> stateShapes) {
    TaskRegistry registry = BuiltinTasks.registry();
    this.envs = VectorEnvironment.of(numEnvs, () -> registry.make(taskId));
    this.n = numEnvs;
    this.t = unrollLength;
    this.a = envs.spec().numActions();
    this.obsSize = envs.spec().observation().size();
    this.stateShapes = stateShapes;
    this.rng = new SplittableRandom(seed);
    this.current = envs.reset(seed);
    this.prevAction = new int[n];
    java.util.Arrays.fill(prevAction, -1);
    this.episodeReturn = new float[n];
    this.episodeLength = new int[n];
    sample();
  }

  private void sample() {
    currentLogits = new float[n][a];
    currentAction = new int[n];
    for (int i = 0; i < n; i++) {
      double[] p = new double[a];
      double sum = 0;
      for (int k = 0; k < a; k++) {
        currentLogits[i][k] = (float) rng.nextGaussian();
        p[k] = Math.exp(currentLogits[i][k]);
        sum += p[k];
      }
      double u = rng.nextDouble() * sum;
      int k = 0;
      while (k < a - 1 && (u -= p[k]) > 0) {
        k++;
      }
      currentAction[i] = k;
    }
  }

  /** The next unroll of T+1 steps. */
  public Unroll next(String actorId, long weightVersion) {
    int steps = t + 1;
    float[] obs = new float[steps * n * obsSize];
    float[] rewards = new float[steps * n];
    float[] discounts = new float[steps * n];
    int[] types = new int[steps * n];
    int[] actions = new int[steps * n];
    int[] prev = new int[steps * n];
    float[] logits = new float[steps * n * a];
    List<EpisodeStats> episodes = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      for (int i = 0; i < n; i++) {
        int si = s * n + i;
        TimeStep ts = current[i];
        for (int k = 0; k < obsSize; k++) {
          obs[si * obsSize + k] = ts.observation().get(k);
        }
        rewards[si] = ts.reward();
        discounts[si] = ts.discount();
        types[si] = switch (ts.type()) {
          case FIRST -> StepType.FIRST_VALUE;
          case MID -> StepType.MID_VALUE;
          case LAST -> StepType.LAST_VALUE;
        };
        actions[si] = currentAction[i];
        prev[si] = prevAction[i];
        System.arraycopy(currentLogits[i], 0, logits, si * a, a);
      }
      if (s < t) {
        TimeStep[] next = envs.step(currentAction);
        for (int i = 0; i < n; i++) {
          prevAction[i] = next[i].isFirst() ? -1 : currentAction[i];
          if (!next[i].isFirst()) {
            episodeReturn[i] += next[i].reward();
            episodeLength[i]++;
          }
          if (next[i].isLast()) {
            episodes.add(EpisodeStats.newBuilder().setEpisodeReturn(episodeReturn[i]).setLength(episodeLength[i])
                .setSuccess(next[i].info(TimeStep.SUCCESS)).setTruncated(next[i].isTruncated()).build());
            episodeReturn[i] = 0;
            episodeLength[i] = 0;
          }
        }
        current = next;
        sample();
      }
    }
    Unroll.Builder u = Unroll.newBuilder().setActorId(actorId).setSequence(sequence++).setWeightVersion(weightVersion)
        .setUnrollLength(t).setNumEnvs(n)
        .setObservations(TensorCodec.floats(obs, steps, n, obsSize))
        .setRewards(TensorCodec.floats(rewards, steps, n))
        .setDiscounts(TensorCodec.floats(discounts, steps, n))
        .setStepTypes(TensorCodec.ints(types, steps, n))
        .setActions(TensorCodec.ints(actions, steps, n))
        .setPrevActions(TensorCodec.ints(prev, steps, n))
        .setBehaviourLogits(TensorCodec.floats(logits, steps, n, a))
        .addAllEpisodes(episodes);
    u.addAllCoreState(SyntheticUnrolls.zeroState(stateShapes, n));
    return u.build();
  }

  @Override
  public void close() {
    envs.close();
  }
}
