package mnemo.envs.render;

import java.util.List;
import java.util.Locale;
import mnemo.envs.EnvSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.rollout.RolloutStep;

/**
 * What a caption says about one step of an episode: the step number within the episode (0 = the
 * reset), the action that led here (null at the reset), its reward, the return so far, and the
 * outcome on the last step.
 *
 * @param episode 1-based episode number within the rollout
 * @param step steps taken in this episode
 * @param action the action's name, or null on the first step
 */
public record StepCaption(int episode, int step, String action, float reward, double episodeReturn, TimeStep timeStep) {

  /** The caption of a rollout step, naming the action from {@code spec}. */
  public static StepCaption of(RolloutStep s, EnvSpec spec) {
    return new StepCaption(s.episode(), s.step(), s.action() < 0 ? null : spec.actionName(s.action()),
        s.timeStep().reward(), s.episodeReturn(), s.timeStep());
  }

  /** Two short lines for a picture: "EP 1 STEP 12 UP" and "R -0.10 RET 0.90 [SUCCESS]". */
  public List<String> lines() {
    String first = String.format(Locale.ROOT, "EP %d STEP %d%s", episode, step, action == null ? "" : " " + action);
    String second = String.format(Locale.ROOT, "R %s RET %s%s", fmt(reward), fmt(episodeReturn), outcome());
    return List.of(first, second);
  }

  /** One line for a terminal. */
  public String line() {
    return String.format(Locale.ROOT, "episode %d  step %d  action %s  reward %s  return %s%s", episode, step,
        action == null ? "-" : action, fmt(reward), fmt(episodeReturn), outcome().toLowerCase(Locale.ROOT));
  }

  private String outcome() {
    if (timeStep == null || !timeStep.isLast()) {
      return "";
    }
    float success = timeStep.info(TimeStep.SUCCESS);
    String end = timeStep.isTruncated() ? " TIME" : " END";
    return Float.isNaN(success) ? end : success > 0 ? " SUCCESS" : " FAIL";
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.2f", v);
  }
}
