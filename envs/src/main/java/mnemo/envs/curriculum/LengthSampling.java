package mnemo.envs.curriculum;

import java.util.Locale;

/**
 * How training episodes choose a task's memory length ℓ (the parameter its family names, such as the
 * T-maze's corridor {@code length} L). Evaluation always plays the task as given, at L.
 */
public enum LengthSampling {
  /** Every episode at the task's L. */
  FIXED,
  /** Each episode draws ℓ uniformly from 1..L. */
  UNIFORM,
  /** Each episode at the length the learner's curriculum publishes (2, 4, 8, ... up to L). */
  CURRICULUM;

  /** The name used in configs and on the command line. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code fixed}, {@code uniform} or {@code curriculum}; IllegalArgumentException otherwise. */
  public static LengthSampling parse(String s) {
    for (LengthSampling v : values()) {
      if (v.id().equals(s)) {
        return v;
      }
    }
    throw new IllegalArgumentException("length sampling must be fixed, uniform or curriculum, got '" + s + "'");
  }
}
