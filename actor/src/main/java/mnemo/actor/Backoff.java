package mnemo.actor;

import java.time.Duration;

/** Exponential backoff: {@code initial · 2^k}, capped at {@code max}; {@link #reset} after a success. */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private int attempt;

  public Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + ", " + max);
    }
    this.initialMillis = initial.toMillis();
    this.maxMillis = max.toMillis();
  }

  public static Backoff standard() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
  }

  /** The next delay: initial, 2·initial, 4·initial, … up to max. */
  public long nextMillis() {
    long d = initialMillis << Math.min(attempt, 30);
    attempt++;
    return Math.min(maxMillis, d);
  }

  public void reset() {
    attempt = 0;
  }
}
