package mnemo.actor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mnemo.envs.DType;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.remote.ProtoCodec;
import mnemo.proto.TensorCodec;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.Unroll;

/**
 * Collects T+1 time steps of N environments into one {@link Unroll} (the index conventions are those
 * of {@code learner.proto}): at index t, the observation, the reward received on arriving, the
 * discount and step type of step t, the action that led to it (−1 on FIRST), the action sampled after
 * observing it and the behaviour logits it was sampled from. After {@link #build}, {@link #restart}
 * keeps the last step as step 0 of the next unroll, so consecutive unrolls overlap by one step. An
 * unroll may also be built before it is full ({@link #build} of the {@code size() − 1} transitions
 * recorded): the actor ends one early where every environment starts a new episode, when the experiment
 * asks for one episode per unroll ({@code episode_unrolls}).
 *
 * <pre>{@code
 * asm.begin(state);                  // the core state before step 0
 * while (!asm.full()) asm.record(steps, prevActions, actions, logits);
 * Unroll u = asm.build(id, seq, version);
 * asm.restart(stateBeforeLastStep);
 * }</pre>
 */
public final class UnrollAssembler {
  private final int unrollLength;
  private final int numEnvs;
  private final TensorSpec obsSpec;
  private final int obsSize;
  private final int numActions;

  private final float[] obsFloats;
  private final byte[] obsBytes;
  private final float[] rewards;
  private final float[] discounts;
  private final int[] stepTypes;
  private final int[] prevActions;
  private final int[] actions;
  private final float[] logits;
  private final List<EpisodeStats> episodes = new ArrayList<>();
  private CoreState startState;
  private int size;

  /**
   * @param unrollLength T (each unroll holds T+1 steps)
   * @param numEnvs N
   * @param obsSpec the observation spec (FLOAT32 or UINT8)
   * @param numActions A
   */
  public UnrollAssembler(int unrollLength, int numEnvs, TensorSpec obsSpec, int numActions) {
    if (unrollLength < 1 || numEnvs < 1 || numActions < 1) {
      throw new IllegalArgumentException(
          "need T >= 1, N >= 1, A >= 1; got T=" + unrollLength + ", N=" + numEnvs + ", A=" + numActions);
    }
    this.unrollLength = unrollLength;
    this.numEnvs = numEnvs;
    this.obsSpec = obsSpec;
    this.obsSize = obsSpec.size();
    this.numActions = numActions;
    int steps = (unrollLength + 1) * numEnvs;
    boolean floats = obsSpec.dtype() == DType.FLOAT32;
    obsFloats = floats ? new float[steps * obsSize] : null;
    obsBytes = floats ? null : new byte[steps * obsSize];
    rewards = new float[steps];
    discounts = new float[steps];
    stepTypes = new int[steps];
    prevActions = new int[steps];
    actions = new int[steps];
    logits = new float[steps * numActions];
  }

  /** Starts an empty unroll whose core state before step 0 is {@code state}. */
  public void begin(CoreState state) {
    startState = state;
    size = 0;
    episodes.clear();
  }

  /** Steps recorded so far in this unroll. */
  public int size() {
    return size;
  }

  /** True when T+1 steps are recorded. */
  public boolean full() {
    return size == unrollLength + 1;
  }

  /**
   * Appends step {@link #size()} for all N environments.
   *
   * @param steps [N] the time steps observed
   * @param prev [N] the action that led to each step, −1 on FIRST
   * @param chosen [N] the actions sampled after observing the steps
   * @param behaviourLogits [N, A] the logits they were sampled from
   */
  public void record(TimeStep[] steps, int[] prev, int[] chosen, float[] behaviourLogits) {
    if (startState == null) {
      throw new IllegalStateException("begin() the unroll before recording steps");
    }
    if (full()) {
      throw new IllegalStateException("the unroll already holds T+1 = " + (unrollLength + 1) + " steps");
    }
    if (steps.length != numEnvs || prev.length != numEnvs || chosen.length != numEnvs
        || behaviourLogits.length != numEnvs * numActions) {
      throw new IllegalArgumentException("expected " + numEnvs + " steps, actions and " + numEnvs + "x"
          + numActions + " logits; got " + steps.length + ", " + prev.length + "/" + chosen.length + ", "
          + behaviourLogits.length);
    }
    int base = size * numEnvs;
    for (int i = 0; i < numEnvs; i++) {
      TimeStep ts = steps[i];
      if (ts.observation().dtype() != obsSpec.dtype() || ts.observation().size() != obsSize) {
        throw new IllegalArgumentException("observation of environment " + i + " is " + ts.observation()
            + ", the spec says " + obsSpec);
      }
      int k = base + i;
      if (obsFloats != null) {
        System.arraycopy(ts.observation().floats(), 0, obsFloats, k * obsSize, obsSize);
      } else {
        System.arraycopy(ts.observation().bytes(), 0, obsBytes, k * obsSize, obsSize);
      }
      rewards[k] = ts.reward();
      discounts[k] = ts.discount();
      stepTypes[k] = ProtoCodec.toProto(ts.type()).getNumber();
      prevActions[k] = prev[i];
      actions[k] = chosen[i];
    }
    System.arraycopy(behaviourLogits, 0, logits, base * numActions, numEnvs * numActions);
    size++;
  }

  /** Adds statistics of an episode that ended inside this unroll. */
  public void addEpisodes(List<EpisodeStats> ended) {
    episodes.addAll(ended);
  }

  /**
   * The unroll of the {@code size() − 1} transitions recorded as a protocol message: T when {@link
   * #full()}, fewer when the actor ends it early. Requires at least 2 steps.
   */
  public Unroll build(String actorId, long sequence, long weightVersion) {
    if (size < 2) {
      throw new IllegalStateException("an unroll needs at least 2 steps, this one holds " + size);
    }
    int tp1 = size;
    int n = tp1 * numEnvs;
    int[] obsShape = new int[2 + obsSpec.shape().length];
    obsShape[0] = tp1;
    obsShape[1] = numEnvs;
    System.arraycopy(obsSpec.shape(), 0, obsShape, 2, obsSpec.shape().length);
    Unroll.Builder u = Unroll.newBuilder()
        .setActorId(actorId)
        .setSequence(sequence)
        .setWeightVersion(weightVersion)
        .setUnrollLength(tp1 - 1)
        .setNumEnvs(numEnvs)
        .setObservations(obsFloats != null
            ? TensorCodec.floats(head(obsFloats, n * obsSize), obsShape)
            : TensorCodec.bytes(head(obsBytes, n * obsSize), obsShape))
        .setRewards(TensorCodec.floats(head(rewards, n), tp1, numEnvs))
        .setDiscounts(TensorCodec.floats(head(discounts, n), tp1, numEnvs))
        .setStepTypes(TensorCodec.ints(head(stepTypes, n), tp1, numEnvs))
        .setActions(TensorCodec.ints(head(actions, n), tp1, numEnvs))
        .setPrevActions(TensorCodec.ints(head(prevActions, n), tp1, numEnvs))
        .setBehaviourLogits(TensorCodec.floats(head(logits, n * numActions), tp1, numEnvs, numActions))
        .addAllEpisodes(episodes);
    for (int k = 0; k < startState.arrays().size(); k++) {
      u.addCoreState(TensorCodec.floats(startState.arrays().get(k), startState.shapes().get(k)));
    }
    return u.build();
  }

  /** The first {@code n} elements (the array itself when it holds exactly those). */
  private static float[] head(float[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  private static int[] head(int[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  private static byte[] head(byte[] a, int n) {
    return a.length == n ? a : Arrays.copyOf(a, n);
  }

  /**
   * Starts the next unroll with the last recorded step as its step 0; {@code stateBeforeLast} is the
   * core state before that step (so the learner can re-run the network from it).
   */
  public void restart(CoreState stateBeforeLast) {
    if (size < 2) {
      throw new IllegalStateException("restart() follows a built unroll of at least 2 steps");
    }
    int last = (size - 1) * numEnvs;
    if (obsFloats != null) {
      System.arraycopy(obsFloats, last * obsSize, obsFloats, 0, numEnvs * obsSize);
    } else {
      System.arraycopy(obsBytes, last * obsSize, obsBytes, 0, numEnvs * obsSize);
    }
    System.arraycopy(rewards, last, rewards, 0, numEnvs);
    System.arraycopy(discounts, last, discounts, 0, numEnvs);
    System.arraycopy(stepTypes, last, stepTypes, 0, numEnvs);
    System.arraycopy(prevActions, last, prevActions, 0, numEnvs);
    System.arraycopy(actions, last, actions, 0, numEnvs);
    System.arraycopy(logits, last * numActions, logits, 0, numEnvs * numActions);
    startState = stateBeforeLast;
    episodes.clear();
    size = 1;
  }

  @Override
  public String toString() {
    return "UnrollAssembler[T=" + unrollLength + ", N=" + numEnvs + ", " + size + " steps, episodes="
        + episodes.size() + ", obs " + Arrays.toString(obsSpec.shape()) + "]";
  }
}
