package mnemo.agent;

import java.util.Arrays;
import mnemo.proto.config.v1.ExperimentConfig;

/**
 * What the agent network is built for: the observation shape (a vector {@code [D]}, or an image
 * {@code [H, W, C]} of uint8 values fed as floats 0..255), the number of discrete actions, the
 * recurrent core spec (e.g. {@code ur-lstm:hidden=128}), the torso width, the initialization seed, and
 * the image scale s: images enter the torso as x / s (255 for pixels; a task's declared maximum for
 * coded images such as MiniGrid's object codes 0..10, see {@link #imageScaleFor}).
 */
public record AgentSpec(int[] observationShape, boolean image, int numActions, String coreSpec, int torsoHidden, long seed,
    float imageScale) {

  /** The scale of pixel images, and of every image in runs made before the scale was recorded. */
  public static final float PIXEL_SCALE = 255f;

  /** The torso width when the experiment config leaves {@code torso_hidden} unset (0). */
  public static final int DEFAULT_TORSO_HIDDEN = 64;

  /**
   * The network an experiment trains on a task: the one place the learner and the actors derive it, so
   * both build identical weights. uint8 observations of rank 3 are images {@code [H, W, C]}.
   */
  public static AgentSpec forExperiment(int[] observationShape, boolean uint8, int numActions, ExperimentConfig config) {
    int torso = config.getTorsoHidden() > 0 ? config.getTorsoHidden() : DEFAULT_TORSO_HIDDEN;
    float scale = config.getImageScale() > 0 ? (float) config.getImageScale() : PIXEL_SCALE;
    return new AgentSpec(observationShape, uint8 && observationShape.length == 3, numActions, config.getCoreSpec(),
        torso, config.getSeed(), scale);
  }

  /** A network for pixel images (scale 255) or vectors. */
  public AgentSpec(int[] observationShape, boolean image, int numActions, String coreSpec, int torsoHidden, long seed) {
    this(observationShape, image, numActions, coreSpec, torsoHidden, seed, PIXEL_SCALE);
  }

  /**
   * The image scale a new run records for a task's observation: its declared maximum when it is a uint8
   * image coded below 255 (MiniGrid's object, colour and state codes: 10), else 255; 0 for vectors.
   */
  public static double imageScaleFor(int[] observationShape, boolean uint8, double declaredMaximum) {
    if (!uint8 || observationShape.length != 3) {
      return 0;
    }
    return declaredMaximum > 0 && declaredMaximum < PIXEL_SCALE ? declaredMaximum : PIXEL_SCALE;
  }

  public AgentSpec {
    if (!(imageScale > 0) || !Float.isFinite(imageScale)) {
      throw new IllegalArgumentException("the image scale must be positive and finite, got " + imageScale);
    }
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
