package mnemo.learner.curriculum;

import java.util.ArrayDeque;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.EpisodeStats;

/**
 * The length curriculum of a memory task ({@code length_sampling: "curriculum"}): training episodes are
 * played at memory length ℓ, which starts at ℓ₀ = min(2, L) and doubles, ℓ ← min(2ℓ, L), once at least
 * {@link #THRESHOLD} of the last {@link #WINDOW} episodes played at ℓ succeeded; at L it stays. A length
 * so learned is <em>mastered</em>; if the success at a mastered length later falls below {@link
 * #FORGOTTEN} (the memory was lost, as a policy-gradient agent sometimes loses it long after learning),
 * ℓ steps back, ℓ ← max(ℓ₀, ⌊ℓ/2⌋), one window at a time, until a length is found where the memory still
 * works or is quickly learned again, and climbs from there.
 *
 * <p>Only episodes that put the memory to the test count ({@code EpisodeStats.untested} false): a
 * T-maze episode whose sampled policy slipped in the corridor and never reached the junction says
 * nothing about the memory, and at ℓ = 512 such slips alone held the success below 90 % while every
 * episode that reached the junction turned to the cue's side (docs/results-rl.md).
 *
 * <p>The learner publishes ℓ with its weights; actors play it from their next episode on, and each
 * episode reports the ℓ it was played at, so episodes still running at the old length do not count.
 * Why doubling works: a core that keeps the cue over ℓ steps of an unchanging corridor mostly keeps it
 * over 2ℓ too (docs/results-rl.md: on the T-maze each doubling was passed almost at once). Thread-safe.
 */
public final class LengthCurriculum {
  /** ℓ₀, the first length (or L when shorter). */
  public static final int START = 2;
  /** Episodes at ℓ that decide a step. */
  public static final int WINDOW = 100;
  /** Success rate over the window that masters ℓ (and moves it on). */
  public static final double THRESHOLD = 0.9;
  /** Success rate over the window, at a mastered length, that steps ℓ back. */
  public static final double FORGOTTEN = 0.7;

  private final int max;
  private final int start;
  private final ArrayDeque<Float> recent = new ArrayDeque<>();
  private int length;
  private int mastered;

  /** A curriculum up to {@code maxLength} = L, starting at ℓ₀. */
  public LengthCurriculum(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("a length curriculum needs L >= 1, got " + maxLength);
    }
    this.max = maxLength;
    this.start = Math.min(START, maxLength);
    this.length = start;
  }

  /** The experiment's curriculum, or null when it has none (length_sampling other than "curriculum"). */
  public static LengthCurriculum of(ExperimentConfig config) {
    return "curriculum".equals(config.getLengthSampling()) ? new LengthCurriculum(config.getMemoryLength()) : null;
  }

  /** ℓ, the length training episodes are played at now. */
  public synchronized int length() {
    return length;
  }

  /** The longest length mastered so far (0: none). */
  public synchronized int mastered() {
    return mastered;
  }

  /** L. */
  public int maxLength() {
    return max;
  }

  /**
   * Counts a finished training episode (only those played at ℓ that report success and tested the
   * memory count); returns true when it moved ℓ (on, or back).
   */
  public synchronized boolean observe(EpisodeStats e) {
    if (e.getMemoryLength() != length || Float.isNaN(e.getSuccess()) || e.getUntested()) {
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
    double rate = successes / WINDOW;
    if (rate >= THRESHOLD) {
      mastered = Math.max(mastered, length);
      if (length >= max) {
        return false; // at L: mastered, and it stays
      }
      length = Math.min(2 * length, max);
    } else if (rate < FORGOTTEN && length <= mastered && length > start) {
      length = Math.max(start, length / 2); // learned once, lost since: back to where it still works
    } else {
      return false;
    }
    recent.clear();
    return true;
  }

  /** Continues at {@code l} with {@code masteredLength} mastered (a checkpoint's), clamped to 1..L; the window starts empty. */
  public synchronized void restore(int l, int masteredLength) {
    length = Math.max(1, Math.min(l, max));
    mastered = Math.max(0, Math.min(masteredLength, max));
    recent.clear();
  }
}
