package mnemo.agent.core;

import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.util.Optional;
import mnemo.agent.Autograd;

/**
 * A gated core's inference step on weights copied to float arrays once per {@link #refresh()} (an actor
 * calls it after each weight refresh) instead of on every call, as {@link JavaUnroll#step} must: no
 * libtorch op and no NDArray per step. The arithmetic is {@link JavaCell}'s forward with the weights
 * prepared as {@link GatedCore.Prepared} prepares them for an unroll (refine rows halved, biases folded):
 * <pre>
 * xp = x W_ih'ᵀ + b'      [B, G·H]
 * s' = cell(xp, s)        the state after one step, reset rows (keep = 0) zeroed first
 * </pre>
 */
public final class JavaCoreStep {

  private final GatedCore core;
  private final JavaCell cell;
  private JavaCell.Folded weights;

  private JavaCoreStep(GatedCore core) {
    this.core = core;
    this.cell = new JavaCell(core.spec);
    refresh();
  }

  /**
   * The Java step of {@code core} when its spec's impl resolves to Java for inference on the CPU ({@code java},
   * or {@code auto}: every LSTM/GRU-family core with float32 weights on the CPU, since the weights are no
   * longer copied per call); empty for {@code impl=torch}, the other cells, a GPU or float64.
   */
  public static Optional<JavaCoreStep> of(RecurrentCore core) {
    if (!(core instanceof GatedCore g) || !g.supportsManualBackward() || g.spec.impl() == CoreSpec.Impl.TORCH) {
      return Optional.empty();
    }
    boolean cpuFloat = !g.weightIh.getDevice().isGpu() && g.weightIh.getDataType() == DataType.FLOAT32;
    return cpuFloat ? Optional.of(new JavaCoreStep(g)) : Optional.empty();
  }

  /** Copies the core's current weights (W'ᵀ as rows [I][G·H] and [H][G·H], the folded bias). */
  public void refresh() {
    try (Autograd.Paused noGraph = Autograd.pause(); NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      weights = JavaCell.Folded.of(core, cell, core.blockScales());
    }
  }

  /** I. */
  public int inputSize() {
    return core.inputSize;
  }

  /** H. */
  public int hidden() {
    return cell.h;
  }

  /** G, the number of gate blocks. */
  public int numBlocks() {
    return core.spec.numBlocks();
  }

  /** The number of state arrays: 2 (h, c) for LSTMs, 1 (h) for GRUs. */
  public int numStates() {
    return cell.lstm() ? 2 : 1;
  }

  /**
   * One step of {@code b} rows.
   *
   * @param x {@code [B·I]} the inputs
   * @param state h (then c) {@code [B·H]} each, not modified
   * @param keep {@code [B]} 1 − reset, or null for no reset
   * @return the next state, h (then c), {@code [B·H]} each
   */
  public float[][] step(float[] x, float[][] state, float[] keep, int b) {
    float[] xp = weights.project(x, b);
    JavaCell.Forward f = cell.forward(xp, weights.recurrent(), state[0], cell.lstm() ? state[1] : null, keep, 1, b, false);
    return cell.lstm() ? new float[][] {f.h(), f.c()} : new float[][] {f.h()};
  }
}
