package mnemo.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The shape assertion at the entrance of Mnemo's tensor functions (the network's inputs, V-trace, the
 * IMPALA loss), so that a wrong tensor fails at the boundary with a message naming it.
 */
public final class ShapeCheck {
  private ShapeCheck() {}

  /** Throws IllegalArgumentException "{name} must be {expected}, got {shape}" unless {@code a} has {@code expected}. */
  public static void require(String name, NDArray a, Shape expected) {
    require(name, null, a, expected);
  }

  /**
   * As {@link #require(String, NDArray, Shape)}, the expected shape also written in the docstring's
   * notation: "rewards must be [T, B] = (20, 8), got (20, 4)". A null {@code a} fails too.
   */
  public static void require(String name, String notation, NDArray a, Shape expected) {
    if (a == null || !a.getShape().equals(expected)) {
      throw new IllegalArgumentException(name + " must be " + (notation == null ? "" : notation + " = ") + expected
          + ", got " + (a == null ? "null" : a.getShape()));
    }
  }
}
