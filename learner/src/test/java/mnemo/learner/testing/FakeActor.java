package mnemo.learner.testing;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.TimeStep;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.registry.TaskRegistry;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.StepType;
import mnemo.proto.env.v1.Tensor;
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
    TaskRegistry registry = TaskRegistry.builtin();
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
    ByteBuffer obs = le(steps * n * obsSize * 4);
    ByteBuffer rewards = le(steps * n * 4);
    ByteBuffer discounts = le(steps * n * 4);
    ByteBuffer types = le(steps * n * 4);
    ByteBuffer actions = le(steps * n * 4);
    ByteBuffer prev = le(steps * n * 4);
    ByteBuffer logits = le(steps * n * a * 4);
    List<EpisodeStats> episodes = new ArrayList<>();
    for (int s = 0; s < steps; s++) {
      for (int i = 0; i < n; i++) {
        TimeStep ts = current[i];
        for (int k = 0; k < obsSize; k++) {
          obs.putFloat(ts.observation().get(k));
        }
        rewards.putFloat(ts.reward());
        discounts.putFloat(ts.discount());
        types.putInt(switch (ts.type()) {
          case FIRST -> StepType.FIRST_VALUE;
          case MID -> StepType.MID_VALUE;
          case LAST -> StepType.LAST_VALUE;
        });
        actions.putInt(currentAction[i]);
        prev.putInt(prevAction[i]);
        for (int k = 0; k < a; k++) {
          logits.putFloat(currentLogits[i][k]);
        }
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
        .setObservations(tensor(DType.FLOAT32, obs, steps, n, obsSize))
        .setRewards(tensor(DType.FLOAT32, rewards, steps, n))
        .setDiscounts(tensor(DType.FLOAT32, discounts, steps, n))
        .setStepTypes(tensor(DType.INT32, types, steps, n))
        .setActions(tensor(DType.INT32, actions, steps, n))
        .setPrevActions(tensor(DType.INT32, prev, steps, n))
        .setBehaviourLogits(tensor(DType.FLOAT32, logits, steps, n, a))
        .addAllEpisodes(episodes);
    for (int[] shape : stateShapes) {
      int size = n;
      int[] full = new int[shape.length + 1];
      full[0] = n;
      for (int i = 0; i < shape.length; i++) {
        size *= shape[i];
        full[i + 1] = shape[i];
      }
      u.addCoreState(tensor(DType.FLOAT32, le(size * 4), full));
    }
    return u.build();
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  public static Tensor tensor(DType dtype, ByteBuffer data, int... shape) {
    Tensor.Builder b = Tensor.newBuilder().setDtype(dtype).setData(ByteString.copyFrom(data.array()));
    for (int d : shape) {
      b.addShape(d);
    }
    return b.build();
  }

  @Override
  public void close() {
    envs.close();
  }
}
