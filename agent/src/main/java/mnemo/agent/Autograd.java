package mnemo.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayDeque;
import java.util.Deque;

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
 *
 * <p><b>Backward goes through {@link #backward}.</b> A recurrent core may run its forward without autograd
 * nodes and compute its own backward through time ({@code GatedCore}): its outputs enter the graph as leaves,
 * and the work that turns their gradients into the weights' and inputs' gradients is a {@link Completion}
 * registered on this thread. {@link #backward} runs the loss's backward and then every pending completion.
 * A pending completion cannot be forgotten silently: the next such forward, and {@code ClippedUpdate}'s
 * reading of the gradients, fail with an {@link IllegalStateException} while one is pending;
 * {@link #zeroGradients} drops pending completions with the gradients (a skipped step).
 *
 * <pre>{@code
 * try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
 *   NDArray loss = ...;
 *   Autograd.backward(gc, loss);               // not gc.backward(loss)
 * }
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

  /** Turns grad mode on for the calling thread until the returned handle is closed. */
  public static Paused resume() {
    boolean before = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
    return new Paused(before);
  }

  /** The gradient a backward left in {@code leaf}, or null if no backward reached it (a new handle: close it). */
  public static NDArray gradientOrNull(NDArray leaf) {
    return JniUtils.getGradient((PtNDArray) leaf);
  }

  /**
   * Whether {@code a} is a leaf that requires a gradient (a parameter). DJL answers false for the
   * result of an op, even one that autograd tracks.
   */
  public static boolean requiresGradient(NDArray a) {
    return JniUtils.requiresGrad((PtNDArray) a);
  }

  /** Backward from a scalar that does not belong to a loss: a completion's own pass (frees its graph). */
  public static void backwardFrom(NDArray scalar) {
    try (NDArray ones = scalar.onesLike()) {
      JniUtils.backward((PtNDArray) scalar, (PtNDArray) ones, false, false);
    }
  }

  /** Whether the calling thread records autograd graphs now. */
  public static boolean isEnabled() {
    return JniUtils.isGradMode();
  }

  /** Work that finishes a backward pass after the loss's own backward (see the class comment). */
  public interface Completion {
    /** Reads the gradients the loss's backward left and runs the rest of the backward. */
    void complete();

    /** Releases what the completion holds without running it. */
    void discard();
  }

  private static final ThreadLocal<Deque<Completion>> PENDING = ThreadLocal.withInitial(ArrayDeque::new);

  /**
   * The loss's backward, then every completion pending on this thread, in registration order. With none
   * pending it is {@code collector.backward(loss)}. With some, the loss's graph is kept until the
   * completions have run, because a completion's own backward may pass through parts of it again (a torso
   * whose output also reaches the loss by another path).
   */
  public static void backward(GradientCollector collector, NDArray loss) {
    Deque<Completion> pending = PENDING.get();
    if (pending.isEmpty()) {
      collector.backward(loss);
      return;
    }
    try (NDArray ones = loss.onesLike()) {
      JniUtils.backward((PtNDArray) loss, (PtNDArray) ones, true, false);
    }
    while (!pending.isEmpty()) {
      Completion c = pending.pollFirst();
      try {
        c.complete();
      } catch (RuntimeException e) {
        discardPending();
        throw e;
      }
    }
  }

  /** Registers a completion that the next {@link #backward} on this thread runs. */
  public static void addCompletion(Completion completion) {
    PENDING.get().addLast(completion);
  }

  /** Whether a completion is pending on this thread. */
  public static boolean hasPendingCompletion() {
    return !PENDING.get().isEmpty();
  }

  /**
   * Throws if a completion is pending on this thread: a backward ran as {@code collector.backward(loss)}
   * instead of {@link #backward}, or a forward ran twice before one backward.
   *
   * @param what what was about to happen, for the message
   */
  public static void requireNoPendingCompletion(String what) {
    if (hasPendingCompletion()) {
      throw new IllegalStateException(what + ": a recurrent core's backward completion is still pending on this thread."
          + " Run the backward as Autograd.backward(collector, loss), not collector.backward(loss), once per forward"
          + " (or Autograd.zeroGradients to drop the step)");
    }
  }

  private static void discardPending() {
    Deque<Completion> pending = PENDING.get();
    while (!pending.isEmpty()) {
      pending.pollFirst().discard();
    }
  }

  /**
   * Zeroes the stored gradient of each parameter in place (gradients accumulate across backward calls),
   * and drops any completion pending on this thread with the rest of the step's gradient.
   */
  public static void zeroGradients(Iterable<NDArray> parameters) {
    discardPending();
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
