package mnemo.learner.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mnemo.proto.TensorCodec;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.EnvSpec;
import mnemo.proto.env.v1.StepType;
import mnemo.proto.env.v1.Tensor;
import mnemo.proto.env.v1.TensorSpec;
import mnemo.proto.learner.v1.Unroll;

/**
 * Valid unrolls with random contents for a task's spec (as the wire carries it), for measuring the learner alone (no environments,
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
    int a = spec.getAction().getNumActions();
    TensorSpec observation = spec.getObservations(0);
    int[] obsShape = TensorCodec.shape(observation);
    int obsSize = TensorCodec.elements(obsShape);
    boolean bytes = observation.getDtype() == DType.UINT8;
    double lo = observation.getMinimum();
    double hi = observation.getMaximum();
    byte[] obsBytes = bytes ? new byte[steps * n * obsSize] : null;
    float[] obsFloats = bytes ? null : new float[steps * n * obsSize];
    float[] rewards = new float[steps * n];
    float[] discounts = new float[steps * n];
    int[] types = new int[steps * n];
    int[] actions = new int[steps * n];
    int[] prev = new int[steps * n];
    float[] logits = new float[steps * n * a];
    for (int t = 0; t < steps; t++) {
      for (int i = 0; i < n; i++) {
        int ti = t * n + i;
        int phase = (t + i) % episodeLength; // 0: FIRST, episodeLength−1: LAST
        boolean first = phase == 0;
        boolean last = phase == episodeLength - 1;
        for (int k = 0; k < obsSize; k++) {
          double v = lo + rng.nextDouble() * (hi - lo);
          if (bytes) {
            obsBytes[ti * obsSize + k] = (byte) Math.round(v);
          } else {
            obsFloats[ti * obsSize + k] = (float) v;
          }
        }
        rewards[ti] = first ? 0f : (float) rng.nextGaussian();
        discounts[ti] = last && rng.nextBoolean() ? 0f : 1f;
        types[ti] = first ? StepType.FIRST_VALUE : last ? StepType.LAST_VALUE : StepType.MID_VALUE;
        actions[ti] = rng.nextInt(a);
        prev[ti] = first ? -1 : rng.nextInt(a);
        for (int k = 0; k < a; k++) {
          logits[ti * a + k] = (float) rng.nextGaussian();
        }
      }
    }
    int[] fullObs = new int[obsShape.length + 2];
    fullObs[0] = steps;
    fullObs[1] = n;
    System.arraycopy(obsShape, 0, fullObs, 2, obsShape.length);
    Unroll.Builder u = Unroll.newBuilder().setActorId("synthetic").setUnrollLength(unrollLength).setNumEnvs(n)
        .setObservations(bytes ? TensorCodec.bytes(obsBytes, fullObs) : TensorCodec.floats(obsFloats, fullObs))
        .setRewards(TensorCodec.floats(rewards, steps, n))
        .setDiscounts(TensorCodec.floats(discounts, steps, n))
        .setStepTypes(TensorCodec.ints(types, steps, n))
        .setActions(TensorCodec.ints(actions, steps, n))
        .setPrevActions(TensorCodec.ints(prev, steps, n))
        .setBehaviourLogits(TensorCodec.floats(logits, steps, n, a));
    u.addAllCoreState(zeroState(stateShapes, n));
    return u.build();
  }

  /** A zero core state for {@code n} environments: one tensor [n, ...shape] per state shape. */
  public static List<Tensor> zeroState(List<int[]> stateShapes, int n) {
    List<Tensor> out = new ArrayList<>(stateShapes.size());
    for (int[] shape : stateShapes) {
      int size = n;
      int[] full = new int[shape.length + 1];
      full[0] = n;
      for (int i = 0; i < shape.length; i++) {
        size *= shape[i];
        full[i + 1] = shape[i];
      }
      out.add(TensorCodec.floats(new float[size], full));
    }
    return out;
  }
}
