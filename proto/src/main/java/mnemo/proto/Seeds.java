package mnemo.proto;

/**
 * Derives independent seeds from one (SplitMix64), so runs are reproducible: the learner gives each actor
 * {@code derive(experiment seed, actor index)} (RegisterResponse.actor_seed), and batched environments seed
 * instance i with {@code derive(seed, i)}. Here, below every module, because both sides use it.
 */
public final class Seeds {
  private Seeds() {}

  /** The seed of stream {@code index} under {@code seed}: well mixed, different for every index. */
  public static long derive(long seed, long index) {
    return mix(seed + 0x9E3779B97F4A7C15L * (index + 1));
  }

  /** SplitMix64's finalizer. */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
