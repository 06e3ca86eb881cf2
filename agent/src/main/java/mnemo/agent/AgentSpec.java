package mnemo.agent;

import java.util.Arrays;

/**
 * What the agent network is built for: the observation shape (a vector {@code [D]}, or an image
 * {@code [H, W, C]} of uint8 values fed as floats 0..255), the number of discrete actions, the
 * recurrent core spec (e.g. {@code ur-lstm:hidden=128}), the torso width and the initialization seed.
 */
public record AgentSpec(int[] observationShape, boolean image, int numActions, String coreSpec, int torsoHidden, long seed) {

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
