package mnemo.envs;

import java.util.List;

/**
 * What an environment looks like from outside: its canonical task id (with parameters), the
 * observation spec, the number of discrete actions (with optional names), the time limit (0 = none)
 * and the per-step info keys it reports.
 */
public record EnvSpec(
    String taskId, TensorSpec observation, int numActions, List<String> actionNames, int maxEpisodeSteps,
    List<String> infoKeys) {

  public EnvSpec {
    if (numActions <= 0) {
      throw new IllegalArgumentException("numActions must be positive, got " + numActions);
    }
    if (!actionNames.isEmpty() && actionNames.size() != numActions) {
      throw new IllegalArgumentException(actionNames.size() + " action names for " + numActions + " actions");
    }
    actionNames = List.copyOf(actionNames);
    infoKeys = List.copyOf(infoKeys);
  }

  /** Throws IllegalArgumentException when {@code action} is outside [0, numActions). */
  public void checkAction(int action) {
    if (action < 0 || action >= numActions) {
      throw new IllegalArgumentException("action " + action + " outside [0, " + numActions + ") for " + taskId);
    }
  }

  /**
   * The {@link Environment#step} contract in one place: throws IllegalStateException unless the
   * environment was {@code reset} and its episode is not {@code over}, and IllegalArgumentException for
   * an action outside [0, numActions).
   */
  public void checkStep(boolean reset, boolean over, int action) {
    if (!reset || over) {
      throw new IllegalStateException("reset " + taskId + " before stepping it" + (reset ? " (the episode ended)" : ""));
    }
    checkAction(action);
  }

  /** Whether a policy made for {@code other} can play this: the same observation spec and number of actions. */
  public boolean sameInterface(EnvSpec other) {
    return observation.equals(other.observation) && numActions == other.numActions;
  }

  /** The interface {@link #sameInterface} compares, for messages: e.g. "UINT8[5, 5, 3] with 4 actions". */
  public String describeInterface() {
    return observation.dtype() + java.util.Arrays.toString(observation.shape()) + " with " + numActions + " actions";
  }

  public String actionName(int action) {
    return actionNames.isEmpty() ? Integer.toString(action) : actionNames.get(action);
  }
}
