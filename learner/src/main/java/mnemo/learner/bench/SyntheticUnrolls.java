package mnemo.learner.bench;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.proto.env.v1.StepType;
import mnemo.proto.env.v1.Tensor;
import mnemo.proto.learner.v1.Unroll;

/**
 * Valid unrolls with random contents for a task's spec, for measuring the learner alone (no environments,
 * no actors): observations uniform in the spec's bounds, random logits and actions, an episode boundary
 * every {@code episodeLength} steps (LAST then FIRST), core state zero.
 */
public final class SyntheticUnrolls {
  private SyntheticUnrolls() {}

  public static Unroll random(EnvSpec spec, List<int[]> stateShapes, int unrollLength, int numEnvs,
      int episodeLength, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int steps = unrollLength + 1;
    int n = numEnvs;
    int a = spec.numActions();
    int obsSize = spec.observation().size();
    boolean bytes = spec.observation().dtype() == DType.UINT8;
    double lo = spec.observation().minimum();
    double hi = spec.observation().maximum();
    ByteBuffer obs = le(steps * n * obsSize * (bytes ? 1 : 4));
    ByteBuffer rewards = le(steps * n * 4);
    ByteBuffer discounts = le(steps * n * 4);
    ByteBuffer types = le(steps * n * 4);
    ByteBuffer actions = le(steps * n * 4);
    ByteBuffer prev = le(steps * n * 4);
    ByteBuffer logits = le(steps * n * a * 4);
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n; i++) {
        int phase = (t + i) % episodeLength; // 0: FIRST, episodeLength−1: LAST
        boolean first = phase == 0;
        boolean last = phase == episodeLength - 1;
        for (int k = 0; k < obsSize; k++) {
          double v = lo + rng.nextDouble() * (hi - lo);
          if (bytes) {
            obs.put((byte) Math.round(v));
          } else {
            obs.putFloat((float) v);
          }
        }
        rewards.putFloat(first ? 0f : (float) rng.nextGaussian());
        discounts.putFloat(last && rng.nextBoolean() ? 0f : 1f);
        types.putInt(first ? StepType.FIRST_VALUE : last ? StepType.LAST_VALUE : StepType.MID_VALUE);
        actions.putInt(rng.nextInt(a));
        prev.putInt(first ? -1 : rng.nextInt(a));
        for (int k = 0; k < a; k++) {
          logits.putFloat((float) rng.nextGaussian());
        }
      }
    }
    int[] obsShape = spec.observation().shape();
    int[] fullObs = new int[obsShape.length + 2];
    fullObs[0] = steps;
    fullObs[1] = n;
    System.arraycopy(obsShape, 0, fullObs, 2, obsShape.length);
    Unroll.Builder u = Unroll.newBuilder().setActorId("synthetic").setUnrollLength(unrollLength).setNumEnvs(n)
        .setObservations(tensor(bytes ? mnemo.proto.env.v1.DType.UINT8 : mnemo.proto.env.v1.DType.FLOAT32, obs, fullObs))
        .setRewards(tensor(mnemo.proto.env.v1.DType.FLOAT32, rewards, steps, n))
        .setDiscounts(tensor(mnemo.proto.env.v1.DType.FLOAT32, discounts, steps, n))
        .setStepTypes(tensor(mnemo.proto.env.v1.DType.INT32, types, steps, n))
        .setActions(tensor(mnemo.proto.env.v1.DType.INT32, actions, steps, n))
        .setPrevActions(tensor(mnemo.proto.env.v1.DType.INT32, prev, steps, n))
        .setBehaviourLogits(tensor(mnemo.proto.env.v1.DType.FLOAT32, logits, steps, n, a));
    for (int[] shape : stateShapes) {
      int size = n;
      int[] full = new int[shape.length + 1];
      full[0] = n;
      for (int i = 0; i < shape.length; i++) {
        size *= shape[i];
        full[i + 1] = shape[i];
      }
      u.addCoreState(tensor(mnemo.proto.env.v1.DType.FLOAT32, le(size * 4), full));
    }
    return u.build();
  }

  private static ByteBuffer le(int bytes) {
    return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static Tensor tensor(mnemo.proto.env.v1.DType dtype, ByteBuffer data, int... shape) {
    Tensor.Builder b = Tensor.newBuilder().setDtype(dtype).setData(ByteString.copyFrom(data.array()));
    for (int d : shape) {
      b.addShape(d);
    }
    return b.build();
  }
}
