package mnemo.learner.optim;

import ai.djl.training.tracker.ParameterTracker;
import java.util.function.LongSupplier;

/**
 * The learning rate, decayed linearly to 0 over the training frames: lr = lr₀ · max(0, 1 − frames /
 * totalFrames). {@code frames} is read at every update (the learner's frame counter), so a resumed run
 * continues the schedule where it stopped. With {@code decay} false the rate stays lr₀.
 */
public final class LinearDecay implements ParameterTracker {
  private final double initial;
  private final long totalFrames;
  private final LongSupplier frames;
  private final boolean decay;

  public LinearDecay(double initial, long totalFrames, boolean decay, LongSupplier frames) {
    if (!(initial > 0) || !Double.isFinite(initial)) {
      throw new IllegalArgumentException("learning rate must be positive, got " + initial);
    }
    if (decay && totalFrames <= 0) {
      throw new IllegalArgumentException("linear decay needs total frames > 0, got " + totalFrames);
    }
    this.initial = initial;
    this.totalFrames = totalFrames;
    this.frames = frames;
    this.decay = decay;
  }

  /** The current learning rate. */
  public double value() {
    if (!decay) {
      return initial;
    }
    return initial * Math.max(0, 1 - (double) frames.getAsLong() / totalFrames);
  }

  @Override
  public float getNewValue(String parameterId, int numUpdate) {
    return (float) value();
  }
}
