package mnemo.actor;

import java.util.SplittableRandom;

/**
 * Draws actions from logits: a sample from softmax(logits) with a seeded generator, or the arg-max
 * (greedy). Deterministic for a given seed and sequence of logits.
 */
public final class ActionSampler {
  private final SplittableRandom rng;
  private final boolean greedy;

  public ActionSampler(long seed, boolean greedy) {
    this.rng = new SplittableRandom(seed);
    this.greedy = greedy;
  }

  /**
   * One action per row of {@code logits} ({@code [N, A]} row-major).
   *
   * @throws IllegalArgumentException when the length is not a multiple of {@code numActions}, or a
   *     logit is not finite
   */
  public int[] sample(float[] logits, int numActions) {
    if (numActions <= 0 || logits.length % numActions != 0) {
      throw new IllegalArgumentException(logits.length + " logits are not rows of " + numActions + " actions");
    }
    int n = logits.length / numActions;
    int[] actions = new int[n];
    double[] p = new double[numActions];
    for (int i = 0; i < n; i++) {
      int off = i * numActions;
      double max = Double.NEGATIVE_INFINITY;
      int arg = 0;
      for (int a = 0; a < numActions; a++) {
        float l = logits[off + a];
        if (!Float.isFinite(l)) {
          throw new IllegalArgumentException("logit " + l + " for environment " + i + ", action " + a);
        }
        if (l > max) {
          max = l;
          arg = a;
        }
      }
      if (greedy) {
        actions[i] = arg;
        continue;
      }
      // π(a) = exp(l_a − max) / Σ_b exp(l_b − max); inverse-CDF draw.
      double z = 0;
      for (int a = 0; a < numActions; a++) {
        p[a] = Math.exp(logits[off + a] - max);
        z += p[a];
      }
      double u = rng.nextDouble() * z;
      int chosen = numActions - 1;
      for (int a = 0; a < numActions; a++) {
        u -= p[a];
        if (u < 0) {
          chosen = a;
          break;
        }
      }
      actions[i] = chosen;
    }
    return actions;
  }
}
