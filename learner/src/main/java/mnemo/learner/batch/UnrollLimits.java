package mnemo.learner.batch;

import java.util.List;
import mnemo.proto.TensorCodec;
import mnemo.proto.env.v1.EnvSpec;
import mnemo.proto.env.v1.TensorSpec;

/**
 * The largest unroll an experiment can produce, in bytes: what the learner's message cap is derived
 * from, and what each unroll's serialized size is checked against (so padding, unknown fields or
 * surplus episode records cannot make an unroll larger than its shapes imply).
 *
 * <p>Per environment, an unroll holds T+1 steps of: the observation, five 4-byte scalars (reward,
 * discount, step type, action, previous action), A logits; the core state once; and at most one
 * finished episode per step. Framing (tags, lengths, shapes, ids) is covered by a fixed allowance.
 *
 * @param bytesPerEnv the bytes one environment adds to an unroll
 * @param maxEnvs the most environments one actor may step (Register refuses more)
 */
public record UnrollLimits(long bytesPerEnv, int maxEnvs) {
  /** Framing, ids and scalar fields of one unroll: more than they can take when the shapes are right. */
  public static final long FRAMING_BYTES = 4096;
  /** An encoded {@code EpisodeStats} with its tag and length: at most 2 + 5 + 11 + 5 + 2 bytes, rounded up. */
  public static final long EPISODE_BYTES = 32;
  /** The cap never goes below this: registration and weight requests must always fit. */
  public static final int MIN_MESSAGE_BYTES = 1 << 20;

  public UnrollLimits {
    if (bytesPerEnv < 1 || maxEnvs < 1) {
      throw new IllegalArgumentException("bytesPerEnv and maxEnvs must be positive");
    }
  }

  /**
   * The limits for T, the task's spec (its one observation tensor), the core's state shapes (one
   * environment) and the actors' N bound.
   */
  public static UnrollLimits of(int unrollLength, EnvSpec spec, List<int[]> stateShapes, int maxEnvs) {
    long steps = unrollLength + 1L;
    TensorSpec o = spec.getObservations(0);
    long obs = (long) TensorCodec.elements(TensorCodec.shape(o)) * TensorCodec.bytesPerElement(o.getDtype());
    long state = 0;
    for (int[] s : stateShapes) {
      long n = 4;
      for (int d : s) {
        n *= d;
      }
      state += n;
    }
    long perStep = obs + 5 * 4 + 4L * spec.getAction().getNumActions() + EPISODE_BYTES;
    return new UnrollLimits(steps * perStep + state, maxEnvs);
  }

  /** The most bytes a well-formed unroll of {@code numEnvs} environments serializes to. */
  public long unrollBytes(int numEnvs) {
    return FRAMING_BYTES + numEnvs * bytesPerEnv;
  }

  /**
   * The learner's inbound message cap: the largest unroll of {@link #maxEnvs} environments, at least
   * {@link #MIN_MESSAGE_BYTES}; a larger message is refused from its length prefix, before it is buffered.
   */
  public int maxMessageBytes() {
    return (int) Math.min(Integer.MAX_VALUE - 16, Math.max(MIN_MESSAGE_BYTES, unrollBytes(maxEnvs)));
  }
}
