package mnemo.actor;

import java.util.SplittableRandom;

/**
 * Draws actions from logits: a sample from softmax(logits) with a seeded generator, or the arg-max
 * (greedy). With an exploration rate ε, a sample from (1 − ε) softmax(logits) + ε / A instead: with
 * probability ε the action is uniform. Deterministic for a given seed and sequence of logits and ε.
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
    return sample(logits, numActions, 0);
  }

  /** As {@link #sample(float[], int)}, uniform with probability {@code epsilon} (ignored when greedy). */
  public int[] sample(float[] logits, int numActions, double epsilon) {
    if (!(epsilon >= 0 && epsilon <= 1)) {
      throw new IllegalArgumentException("exploration epsilon must be in [0, 1], got " + epsilon);
    }
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
      if (epsilon > 0 && rng.nextDouble() < epsilon) {
        actions[i] = rng.nextInt(numActions);
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
