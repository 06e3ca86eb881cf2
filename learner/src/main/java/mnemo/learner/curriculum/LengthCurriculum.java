package mnemo.learner.curriculum;

import java.util.ArrayDeque;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.EpisodeStats;

/**
 * The length curriculum of a memory task ({@code length_sampling: "curriculum"}): training episodes are
 * played at memory length ℓ, which starts at ℓ₀ = min(2, L) and doubles, ℓ ← min(2ℓ, L), once at least
 * {@link #THRESHOLD} of the last {@link #WINDOW} episodes played at ℓ succeeded; at L it stays. The
 * learner publishes ℓ with its weights; actors play it from their next episode on, and each episode
 * reports the ℓ it was played at, so episodes still running at the old length do not count.
 *
 * <p>Why doubling works here: a core that keeps the cue over ℓ steps of an unchanging corridor mostly
 * keeps it over 2ℓ too (docs/results-rl.md: on the T-maze each doubling was passed almost at once).
 * Thread-safe.
 */
public final class LengthCurriculum {
  /** ℓ₀, the first length (or L when shorter). */
  public static final int START = 2;
  /** Episodes at ℓ that decide a step. */
  public static final int WINDOW = 100;
  /** Success rate over the window that moves ℓ on. */
  public static final double THRESHOLD = 0.9;

  private final int max;
  private final ArrayDeque<Float> recent = new ArrayDeque<>();
  private int length;

  /** A curriculum up to {@code maxLength} = L, starting at ℓ₀. */
  public LengthCurriculum(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("a length curriculum needs L >= 1, got " + maxLength);
    }
    this.max = maxLength;
    this.length = Math.min(START, maxLength);
  }

  /** The experiment's curriculum, or null when it has none (length_sampling other than "curriculum"). */
  public static LengthCurriculum of(ExperimentConfig config) {
    return "curriculum".equals(config.getLengthSampling()) ? new LengthCurriculum(config.getMemoryLength()) : null;
  }

  /** ℓ, the length training episodes are played at now. */
  public synchronized int length() {
    return length;
  }

  /** L. */
  public int maxLength() {
    return max;
  }

  /**
   * Counts a finished training episode (only those played at ℓ that report success count); returns
   * true when it moved ℓ on.
   */
  public synchronized boolean observe(EpisodeStats e) {
    if (length >= max || e.getMemoryLength() != length || Float.isNaN(e.getSuccess())) {
      return false;
    }
    recent.addLast(e.getSuccess());
    if (recent.size() > WINDOW) {
      recent.removeFirst();
    }
    if (recent.size() < WINDOW) {
      return false;
    }
    double successes = 0;
    for (float s : recent) {
      successes += s;
    }
    if (successes / WINDOW < THRESHOLD) {
      return false;
    }
    length = Math.min(2 * length, max);
    recent.clear();
    return true;
  }

  /** Continues at {@code l} (a checkpoint's ℓ), clamped to 1..L; the window starts empty. */
  public synchronized void restore(int l) {
    length = Math.max(1, Math.min(l, max));
    recent.clear();
  }
}
