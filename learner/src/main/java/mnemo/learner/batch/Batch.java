package mnemo.learner.batch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.AgentInput;

/**
 * B unrolls stacked along the batch axis, as NDArrays on the learner's device: T+1 steps of W columns
 * (W = Σ N over the unrolls), time-major.
 *
 * @param observations {@code [T+1, W, ...obs]} float32
 * @param prevActions {@code [T+1, W]} int64 (−1 on FIRST)
 * @param rewards {@code [T+1, W]} float32, unclipped (the network sees these)
 * @param discounts {@code [T+1, W]} float32
 * @param firstSteps {@code [T+1, W]} float32, 1 where step t is FIRST (the core resets before it)
 * @param lastSteps {@code [T+1, W]} float32, 1 where step t is LAST
 * @param actions {@code [T+1, W]} int64
 * @param behaviourLogits {@code [T+1, W, A]} float32
 * @param coreState the core state before step 0, each {@code [W, ...]}
 * @param unrolls the unrolls this batch was stacked from
 */
public record Batch(
    NDArray observations, NDArray prevActions, NDArray rewards, NDArray discounts, NDArray firstSteps,
    NDArray lastSteps, NDArray actions, NDArray behaviourLogits, NDList coreState, List<DecodedUnroll> unrolls) {

  /** The network's input for the T+1 steps. */
  public AgentInput agentInput() {
    return new AgentInput(observations, prevActions, rewards, firstSteps);
  }

  /** New frames in this batch: Σ T·N. */
  public long frames() {
    return unrolls.stream().mapToLong(DecodedUnroll::frames).sum();
  }

  /**
   * Stacks {@code unrolls} (all with the same T, observation shape and action count) along the batch
   * axis into arrays owned by {@code manager}.
   */
  public static Batch stack(List<DecodedUnroll> unrolls, NDManager manager) {
    if (unrolls.isEmpty()) {
      throw new IllegalArgumentException("cannot stack zero unrolls");
    }
    DecodedUnroll u0 = unrolls.get(0);
    int steps = u0.unrollLength() + 1;
    int width = 0;
    for (DecodedUnroll u : unrolls) {
      if (u.unrollLength() != u0.unrollLength() || u.numActions() != u0.numActions()
          || !java.util.Arrays.equals(u.observationShape(), u0.observationShape())
          || u.coreState().size() != u0.coreState().size()) {
        throw new IllegalArgumentException("unrolls in one batch must share T, observation shape, actions and state");
      }
      width += u.numEnvs();
    }
    int obsSize = 1;
    for (int d : u0.observationShape()) {
      obsSize *= d;
    }
    int A = u0.numActions();
    long[] obsShape = new long[2 + u0.observationShape().length];
    obsShape[0] = steps;
    obsShape[1] = width;
    for (int i = 0; i < u0.observationShape().length; i++) {
      obsShape[2 + i] = u0.observationShape()[i];
    }
    Shape tw = new Shape(steps, width);
    NDArray observations = manager.create(interleave(unrolls, DecodedUnroll::observations, steps, obsSize, width),
        new Shape(obsShape));
    NDArray rewards = manager.create(interleave(unrolls, DecodedUnroll::rewards, steps, 1, width), tw);
    NDArray discounts = manager.create(interleave(unrolls, DecodedUnroll::discounts, steps, 1, width), tw);
    NDArray first = manager.create(interleave(unrolls, DecodedUnroll::firstSteps, steps, 1, width), tw);
    NDArray last = manager.create(interleave(unrolls, DecodedUnroll::lastSteps, steps, 1, width), tw);
    NDArray logits = manager.create(interleave(unrolls, DecodedUnroll::behaviourLogits, steps, A, width),
        new Shape(steps, width, A));
    NDArray actions = manager.create(interleaveLongs(unrolls, DecodedUnroll::actions, steps, width), tw);
    NDArray prevActions = manager.create(interleaveLongs(unrolls, DecodedUnroll::prevActions, steps, width), tw);

    NDList state = new NDList();
    for (int s = 0; s < u0.coreState().size(); s++) {
      int per = u0.coreState().get(s).length / u0.numEnvs();
      float[] flat = new float[width * per];
      int offset = 0;
      for (DecodedUnroll u : unrolls) {
        float[] src = u.coreState().get(s);
        if (src.length != per * u.numEnvs()) {
          throw new IllegalArgumentException("core state " + s + " sizes differ between unrolls");
        }
        System.arraycopy(src, 0, flat, offset, src.length);
        offset += src.length;
      }
      int[] perShape = u0.coreStateShapes().get(s);
      long[] shape = new long[perShape.length + 1];
      shape[0] = width;
      for (int i = 0; i < perShape.length; i++) {
        shape[i + 1] = perShape[i];
      }
      state.add(manager.create(flat, new Shape(shape)));
    }
    return new Batch(observations, prevActions, rewards, discounts, first, last, actions, logits, state,
        List.copyOf(unrolls));
  }

  /** Copies row t (N·inner values) of each unroll side by side: [T+1, N_u, inner] → [T+1, W, inner]. */
  private static float[] interleave(List<DecodedUnroll> unrolls, java.util.function.Function<DecodedUnroll, float[]> field,
      int steps, int inner, int width) {
    float[] out = new float[steps * width * inner];
    int col = 0;
    for (DecodedUnroll u : unrolls) {
      float[] src = field.apply(u);
      int row = u.numEnvs() * inner;
      for (int t = 0; t < steps; t++) {
        System.arraycopy(src, t * row, out, (t * width + col) * inner, row);
      }
      col += u.numEnvs();
    }
    return out;
  }

  private static long[] interleaveLongs(List<DecodedUnroll> unrolls,
      java.util.function.Function<DecodedUnroll, long[]> field, int steps, int width) {
    long[] out = new long[steps * width];
    int col = 0;
    for (DecodedUnroll u : unrolls) {
      long[] src = field.apply(u);
      for (int t = 0; t < steps; t++) {
        System.arraycopy(src, t * u.numEnvs(), out, t * width + col, u.numEnvs());
      }
      col += u.numEnvs();
    }
    return out;
  }

  /** The per-environment state shapes ({@code [N, ...]} without N) of a model's initial state. */
  public static List<int[]> stateShapes(NDList initialStateForOneEnv) {
    List<int[]> out = new ArrayList<>();
    for (NDArray a : initialStateForOneEnv) {
      long[] s = a.getShape().getShape();
      int[] per = new int[s.length - 1];
      for (int i = 1; i < s.length; i++) {
        per[i - 1] = Math.toIntExact(s[i]);
      }
      out.add(per);
    }
    return out;
  }
}
