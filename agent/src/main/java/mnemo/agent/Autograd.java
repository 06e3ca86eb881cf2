package mnemo.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * libtorch's autograd switches, the only place Mnemo calls them. Grad mode is <b>per thread</b>: only the
 * thread that loaded the engine starts with it off, so every other thread builds autograd graphs during
 * inference unless it turns them off (docs: notes/djl.md). A {@code GradientCollector} turns recording on
 * for its own duration, so a training thread runs with grad mode off outside it and the optimizer's
 * in-place updates are not recorded.
 *
 * <pre>{@code
 * Autograd.disableOnThisThread();              // an actor or learner thread, once
 * try (Autograd.Paused p = Autograd.pause()) { // off for a block, then back to what it was
 *   ...
 * }
 * Autograd.zeroGradients(params);              // after an update, or instead of a skipped one
 * }</pre>
 */
public final class Autograd {
  private Autograd() {}

  /** Turns grad mode off on the calling thread for as long as it runs (nothing turns it back on). */
  public static void disableOnThisThread() {
    JniUtils.setGradMode(false);
  }

  /** Turns grad mode off on the calling thread until the returned handle is closed. */
  public static Paused pause() {
    boolean before = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    return new Paused(before);
  }

  /** Whether the calling thread records autograd graphs now. */
  public static boolean isEnabled() {
    return JniUtils.isGradMode();
  }

  /** Zeroes the stored gradient of each parameter in place (gradients accumulate across backward calls). */
  public static void zeroGradients(Iterable<NDArray> parameters) {
    for (NDArray p : parameters) {
      zeroGradient(p);
    }
  }

  /** Zeroes the stored gradient of {@code parameter} in place. */
  public static void zeroGradient(NDArray parameter) {
    JniUtils.zeroGrad((PtNDArray) parameter);
  }

  /** Grad mode off since {@link #pause()}; closing restores the mode the thread had before. */
  public record Paused(boolean before) implements AutoCloseable {
    @Override
    public void close() {
      JniUtils.setGradMode(before);
    }
  }
}
