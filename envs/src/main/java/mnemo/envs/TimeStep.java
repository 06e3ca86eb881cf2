package mnemo.envs;

import java.util.Map;

/**
 * What an environment returns from {@code reset} and {@code step}.
 *
 * <p>{@code reward} is the reward for the action that led here (0 on FIRST). {@code discount} is 1
 * except on a terminal LAST step, where it is 0; a LAST step with discount 1 is a truncation (time
 * limit), so a value function still bootstraps from it. {@code info} holds per-step values such as
 * {@code success} (1 or 0, on LAST steps of tasks that have a notion of success).
 */
public record TimeStep(StepType type, float reward, float discount, Tensor observation, Map<String, Float> info) {

  public static final String SUCCESS = "success";
  /**
   * 1 on the LAST step of a training episode that a training aid made easier (the active T-maze's {@code
   * hint}; see {@code TaskFamily#trainingAids}); absent otherwise.
   */
  public static final String AIDED = "aided";
  /**
   * On the LAST step of a task whose episodes can end before its memory is put to the test: 1 when it
   * was (the T-maze's agent reached the junction, so its turn answered the cue), 0 when it was not (it
   * lagged in the corridor and never got there); absent when every episode tests it. A memory-length
   * curriculum counts only tested episodes, so the sampled policy's slips in a long corridor do not hold
   * back a length whose memory works (docs/results-rl.md).
   */
  public static final String TESTED = "tested";

  public static TimeStep first(Tensor observation) {
    return new TimeStep(StepType.FIRST, 0f, 1f, observation, Map.of());
  }

  public static TimeStep mid(float reward, Tensor observation) {
    return new TimeStep(StepType.MID, reward, 1f, observation, Map.of());
  }

  /** A terminal step: discount 0. */
  public static TimeStep terminal(float reward, Tensor observation, Map<String, Float> info) {
    return new TimeStep(StepType.LAST, reward, 0f, observation, info);
  }

  /** A time-limit step: the episode ends but the value bootstraps (discount 1). */
  public static TimeStep truncated(float reward, Tensor observation, Map<String, Float> info) {
    return new TimeStep(StepType.LAST, reward, 1f, observation, info);
  }

  public boolean isFirst() {
    return type == StepType.FIRST;
  }

  public boolean isLast() {
    return type == StepType.LAST;
  }

  public boolean isTerminated() {
    return type == StepType.LAST && discount == 0f;
  }

  public boolean isTruncated() {
    return type == StepType.LAST && discount != 0f;
  }

  /** The info value for {@code key}, or NaN. */
  public float info(String key) {
    Float v = info.get(key);
    return v == null ? Float.NaN : v;
  }
}
