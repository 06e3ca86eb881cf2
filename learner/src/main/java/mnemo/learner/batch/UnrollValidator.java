package mnemo.learner.batch;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;
import mnemo.proto.TensorCodec;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.EnvSpec;
import mnemo.proto.env.v1.StepType;
import mnemo.proto.env.v1.Tensor;
import mnemo.proto.env.v1.TensorSpec;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.Unroll;

/**
 * Checks an incoming {@link Unroll} against the experiment (T, the task's observation spec and action
 * count as the environment protocol's {@link EnvSpec} carries them, the core's state shapes) and decodes
 * it with {@link TensorCodec}. Every field is checked: dtypes, shapes, payload
 * sizes, finite numbers, observations within the spec's bounds (give or take {@link #boundsTolerance}),
 * step types, actions in range, discounts in [0, 1], a weight version the learner has published, at most
 * one episode record per step, and a serialized size no larger than the shapes imply ({@link
 * UnrollLimits}). Anything wrong throws {@link InvalidUnrollException} naming the field; the validator
 * never throws anything else on any input. Which actor sent it, and in what order, is {@code
 * mnemo.learner.actors.ActorRegistry}'s business.
 */
public final class UnrollValidator {
  /** No actor steps more environments than this (the environment server's own bound). */
  public static final int MAX_ENVS = 4096;

  private final int unrollLength;
  private final TensorSpec observation;
  private final int[] obsShape;
  private final int numActions;
  private final List<int[]> stateShapes;
  private final LongSupplier currentVersion;
  private final UnrollLimits limits;
  private final double low;
  private final double high;
  private boolean shorterAccepted;

  /**
   * @param unrollLength T
   * @param envSpec the task's spec as the wire carries it (one observation tensor, FLOAT32 or UINT8; the
   *     number of actions)
   * @param stateShapes the core state's shapes for one environment (without the leading N)
   * @param currentVersion the learner's weight version: unrolls claiming a newer one are rejected
   */
  public UnrollValidator(int unrollLength, EnvSpec envSpec, List<int[]> stateShapes, LongSupplier currentVersion) {
    this(unrollLength, envSpec, stateShapes, currentVersion, MAX_ENVS);
  }

  /** As above, with unrolls of at most {@code maxEnvs} environments. */
  public UnrollValidator(int unrollLength, EnvSpec envSpec, List<int[]> stateShapes, LongSupplier currentVersion,
      int maxEnvs) {
    if (envSpec.getObservationsCount() != 1) {
      throw new IllegalArgumentException("task " + envSpec.getTaskId() + " has " + envSpec.getObservationsCount()
          + " observation tensors; Mnemo's unrolls carry exactly one");
    }
    if (unrollLength < 1) {
      throw new IllegalArgumentException("unroll length must be >= 1, got " + unrollLength);
    }
    if (maxEnvs < 1 || maxEnvs > MAX_ENVS) {
      throw new IllegalArgumentException("maxEnvs must be in [1, " + MAX_ENVS + "], got " + maxEnvs);
    }
    this.unrollLength = unrollLength;
    this.observation = envSpec.getObservations(0);
    this.obsShape = TensorCodec.shape(observation);
    this.numActions = envSpec.getAction().getNumActions();
    if (observation.getDtype() != DType.FLOAT32 && observation.getDtype() != DType.UINT8) {
      throw new IllegalArgumentException("observation dtype " + observation.getDtype() + " is not FLOAT32 or UINT8");
    }
    this.stateShapes = List.copyOf(stateShapes);
    this.currentVersion = currentVersion;
    this.limits = UnrollLimits.of(unrollLength, envSpec, this.stateShapes, maxEnvs);
    double min = observation.getMinimum();
    double max = observation.getMaximum();
    double tol = boundsTolerance(min, max);
    this.low = min - tol;
    this.high = max + tol;
  }

  /**
   * How far an observation may stray outside its spec's bounds [min, max] and still be accepted: 1e-3 of
   * the range (at least 1e-3), so rounding at the edges passes and values far outside (±3e38 for a [−1, 1]
   * task) do not. Infinite bounds make the tolerance irrelevant on that side.
   */
  public static double boundsTolerance(double min, double max) {
    double range = max - min;
    return Double.isFinite(range) ? 1e-3 * Math.max(1, range) : 0;
  }

  /**
   * Also accepts unrolls shorter than T (1 ≤ unroll_length &lt; T): the experiment's actors end an unroll
   * early at an episode boundary ({@code episode_unrolls}). Returns this validator.
   */
  public UnrollValidator acceptingShorter(boolean accepted) {
    this.shorterAccepted = accepted;
    return this;
  }

  /** The byte sizes this experiment's unrolls may have. */
  public UnrollLimits limits() {
    return limits;
  }

  public DecodedUnroll validate(Unroll u) throws InvalidUnrollException {
    try {
      return decode(u);
    } catch (InvalidUnrollException e) {
      throw e;
    } catch (RuntimeException e) { // arithmetic overflow on absurd shapes and the like
      throw new InvalidUnrollException("malformed unroll: " + e);
    }
  }

  private DecodedUnroll decode(Unroll u) throws InvalidUnrollException {
    int T = u.getUnrollLength();
    if (T != unrollLength && !(shorterAccepted && T >= 1 && T < unrollLength)) {
      throw new InvalidUnrollException("unroll_length is " + T + ", the experiment's T is " + unrollLength
          + (shorterAccepted ? " (or shorter, down to 1)" : ""));
    }
    int N = u.getNumEnvs();
    if (N < 1 || N > limits.maxEnvs()) {
      throw new InvalidUnrollException("num_envs must be in [1, " + limits.maxEnvs() + "], got " + N);
    }
    long size = u.getSerializedSize();
    if (size > limits.unrollBytes(N)) {
      throw new InvalidUnrollException("the unroll is " + size + " bytes; its shapes allow at most "
          + limits.unrollBytes(N) + " for " + N + " environments");
    }
    long version = u.getWeightVersion();
    if (version < 0 || version > currentVersion.getAsLong()) {
      throw new InvalidUnrollException(
          "weight_version " + version + " is not one the learner published (current " + currentVersion.getAsLong() + ")");
    }
    int A = numActions;
    int steps = T + 1;

    float[] obs = floats("observations", u.getObservations(), observation.getDtype(),
        concat(new int[] {steps, N}, obsShape));
    for (int i = 0; i < obs.length; i++) {
      if (!(obs[i] >= low && obs[i] <= high)) {
        throw new InvalidUnrollException("observations[" + i + "] = " + obs[i] + " outside the task's bounds ["
            + observation.getMinimum() + ", " + observation.getMaximum() + "]");
      }
    }
    float[] rewards = floats("rewards", u.getRewards(), DType.FLOAT32, steps, N);
    float[] discounts = floats("discounts", u.getDiscounts(), DType.FLOAT32, steps, N);
    for (int i = 0; i < discounts.length; i++) {
      if (!(discounts[i] >= 0 && discounts[i] <= 1)) {
        throw new InvalidUnrollException("discounts[" + i + "] = " + discounts[i] + " outside [0, 1]");
      }
    }
    int[] types = ints("step_types", u.getStepTypes(), steps, N);
    float[] first = new float[types.length];
    float[] last = new float[types.length];
    for (int i = 0; i < types.length; i++) {
      if (types[i] == StepType.FIRST_VALUE) {
        first[i] = 1;
      } else if (types[i] == StepType.LAST_VALUE) {
        last[i] = 1;
      } else if (types[i] != StepType.MID_VALUE) {
        throw new InvalidUnrollException("step_types[" + i + "] = " + types[i] + " is not FIRST, MID or LAST");
      }
    }
    long[] actions = actions("actions", u.getActions(), 0, A, steps, N);
    long[] prevActions = actions("prev_actions", u.getPrevActions(), -1, A, steps, N);
    float[] logits = floats("behaviour_logits", u.getBehaviourLogits(), DType.FLOAT32, steps, N, A);

    if (u.getCoreStateCount() != stateShapes.size()) {
      throw new InvalidUnrollException(
          "core_state has " + u.getCoreStateCount() + " tensors, the core has " + stateShapes.size());
    }
    List<float[]> state = new ArrayList<>(stateShapes.size());
    for (int i = 0; i < stateShapes.size(); i++) {
      state.add(floats("core_state[" + i + "]", u.getCoreState(i), DType.FLOAT32,
          concat(new int[] {N}, stateShapes.get(i))));
    }
    if (u.getEpisodesCount() > (long) steps * N) {
      throw new InvalidUnrollException("episodes has " + u.getEpisodesCount() + " records; at most one per step ("
          + (long) steps * N + ")");
    }
    for (int i = 0; i < u.getEpisodesCount(); i++) {
      EpisodeStats e = u.getEpisodes(i);
      if (!Float.isFinite(e.getEpisodeReturn()) || e.getLength() < 0 || Float.isInfinite(e.getSuccess())
          || e.getMemoryLength() < 0) {
        throw new InvalidUnrollException("episodes[" + i + "] has a non-finite return or a negative length");
      }
    }
    return new DecodedUnroll(u.getActorId(), u.getSequence(), version, T, N, obsShape.clone(), A, obs, rewards, discounts,
        first, last, actions, prevActions, logits, state, stateShapes, u.getEpisodesList(), u.getSerializedSize());
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** The tensor's elements after {@link TensorCodec#check}, as floats (UINT8 widened); FLOAT32 ones finite. */
  private static float[] floats(String name, Tensor t, DType dtype, int... shape) throws InvalidUnrollException {
    check(name, t, dtype, shape);
    float[] out = TensorCodec.widenToFloats(t);
    if (dtype == DType.FLOAT32) {
      for (int i = 0; i < out.length; i++) {
        if (!Float.isFinite(out[i])) {
          throw new InvalidUnrollException(name + "[" + i + "] is " + out[i] + " (not finite)");
        }
      }
    }
    return out;
  }

  private static int[] ints(String name, Tensor t, int... shape) throws InvalidUnrollException {
    check(name, t, DType.INT32, shape);
    return TensorCodec.toInts(t);
  }

  private static void check(String name, Tensor t, DType dtype, int... shape) throws InvalidUnrollException {
    try {
      TensorCodec.check(t, dtype, shape);
    } catch (IllegalArgumentException e) {
      throw new InvalidUnrollException(name + " " + e.getMessage());
    }
  }

  private static long[] actions(String name, Tensor t, int min, int numActions, int... shape)
      throws InvalidUnrollException {
    int[] a = ints(name, t, shape);
    long[] out = new long[a.length];
    for (int i = 0; i < a.length; i++) {
      if (a[i] < min || a[i] >= numActions) {
        throw new InvalidUnrollException(name + "[" + i + "] = " + a[i] + " outside [" + min + ", " + numActions + ")");
      }
      out[i] = a[i];
    }
    return out;
  }
}
