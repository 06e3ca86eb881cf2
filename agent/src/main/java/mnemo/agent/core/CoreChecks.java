package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/** The shape checks at the entrance of every core's step and unroll, with messages that name the core. */
final class CoreChecks {

  private CoreChecks() {}

  /** A step's input is {@code [B, I]}. */
  static void stepInput(CoreSpec spec, NDArray input, int inputSize) {
    if (input.getShape().dimension() != 2 || input.getShape().get(1) != inputSize) {
      throw new IllegalArgumentException(spec.name() + ": step input must be [B, " + inputSize + "], got " + input.getShape());
    }
  }

  /** An unroll's inputs are {@code [T, B, I]} with T ≥ 1, its resets {@code [T, B]} or null. */
  static void unrollInputs(CoreSpec spec, NDArray inputs, NDArray resets, int inputSize) {
    Shape s = inputs.getShape();
    if (s.dimension() != 3 || s.get(2) != inputSize) {
      throw new IllegalArgumentException(spec.name() + ": inputs must be [T, B, " + inputSize + "], got " + s);
    }
    if (s.get(0) == 0) {
      throw new IllegalArgumentException(spec.name() + ": an unroll needs T >= 1");
    }
    Shape tb = new Shape(s.get(0), s.get(1));
    if (resets != null && !resets.getShape().equals(tb)) {
      throw new IllegalArgumentException(spec.name() + ": resets must be [T, B] = " + tb + ", got " + resets.getShape());
    }
  }

  /** A state holds the spec's arrays, each {@code [B, H]}. */
  static void state(CoreSpec spec, NDList state, long b) {
    if (state == null || state.size() != spec.numStates()) {
      throw new IllegalArgumentException(spec.name() + ": the state must hold " + spec.numStates() + " arrays "
          + spec.stateNames() + ", got " + (state == null ? "null" : state.size()));
    }
    Shape bh = new Shape(b, spec.hidden());
    for (NDArray a : state) {
      if (!a.getShape().equals(bh)) {
        throw new IllegalArgumentException(spec.name() + ": each state array must be [B, H] = " + bh + ", got " + a.getShape());
      }
    }
  }
}
