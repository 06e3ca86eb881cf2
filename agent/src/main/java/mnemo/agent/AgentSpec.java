package mnemo.agent;

import java.util.Arrays;
import mnemo.proto.config.v1.ExperimentConfig;

/**
 * What the agent network is built for: the observation shape (a vector {@code [D]}, or an image
 * {@code [H, W, C]} of uint8 values fed as floats 0..255), the number of discrete actions, the
 * recurrent core spec (e.g. {@code ur-lstm:hidden=128}), the torso width and the initialization seed.
 */
public record AgentSpec(int[] observationShape, boolean image, int numActions, String coreSpec, int torsoHidden, long seed) {

  /** The torso width when the experiment config leaves {@code torso_hidden} unset (0). */
  public static final int DEFAULT_TORSO_HIDDEN = 64;

  /**
   * The network an experiment trains on a task: the one place the learner and the actors derive it, so
   * both build identical weights. uint8 observations of rank 3 are images {@code [H, W, C]}.
   */
  public static AgentSpec forExperiment(int[] observationShape, boolean uint8, int numActions, ExperimentConfig config) {
    int torso = config.getTorsoHidden() > 0 ? config.getTorsoHidden() : DEFAULT_TORSO_HIDDEN;
    return new AgentSpec(observationShape, uint8 && observationShape.length == 3, numActions, config.getCoreSpec(),
        torso, config.getSeed());
  }

  public AgentSpec {
    observationShape = observationShape.clone();
    if (image && observationShape.length != 3) {
      throw new IllegalArgumentException("an image observation is [H, W, C], got " + Arrays.toString(observationShape));
    }
    if (numActions <= 0 || torsoHidden <= 0) {
      throw new IllegalArgumentException("numActions and torsoHidden must be positive");
    }
  }

  @Override
  public int[] observationShape() {
    return observationShape.clone();
  }
}
