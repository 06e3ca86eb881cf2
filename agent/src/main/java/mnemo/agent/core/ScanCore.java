package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * A cell whose gates read the input only (the min cells of Feng et al. 2024), so that its state
 * follows the linear recurrence {@code h_t = a_t ⊙ h_{t−1} + b_t} with a_t, b_t known for all steps
 * at once. The unroll projects all T inputs with one matmul and runs a {@link ChunkedScan} over
 * time; {@link #step} (what actors run) applies the cell's equations directly. Weights: weight_ih
 * {@code [G·H, I]}, bias_ih {@code [G·H]}; no recurrent weights. State: (h).
 */
abstract class ScanCore implements RecurrentCore {

  protected final CoreSpec spec;
  protected final int inputSize;
  protected final int hidden;
  /** [G·H, I], [G·H]. */
  protected final NDArray weightIh;
  protected final NDArray biasIh;

  /** The recurrence's coefficients for some steps, each {@code [N, H]}: log a and b. */
  record Coefficients(NDArray logA, NDArray b) {}

  ScanCore(CoreSpec spec, NDArray weightIh, NDArray biasIh) {
    this.spec = spec;
    this.hidden = spec.hidden();
    long gh = (long) spec.numBlocks() * hidden;
    if (weightIh.getShape().dimension() != 2 || weightIh.getShape().get(0) != gh) {
      throw new IllegalArgumentException(spec.name() + ": weight_ih must be [" + gh + ", I] (G=" + spec.numBlocks()
          + " blocks " + spec.blockNames() + " of H=" + hidden + "), got " + weightIh.getShape());
    }
    if (!biasIh.getShape().equals(new Shape(gh))) {
      throw new IllegalArgumentException(spec.name() + ": bias_ih must be " + new Shape(gh) + ", got " + biasIh.getShape());
    }
    this.inputSize = (int) weightIh.getShape().get(1);
    this.weightIh = weightIh;
    this.biasIh = biasIh;
  }

  /** log a and b from the input projection {@code xp [N, G·H]} (stable in the pre-activations). */
  protected abstract Coefficients coefficients(NDArray xp);

  /** One step in the cell's own equations: h' from the input projection {@code xp [B, G·H]} and h. */
  protected abstract NDArray next(NDArray xp, NDArray h);

  @Override
  public CoreSpec spec() {
    return spec;
  }

  @Override
  public int inputSize() {
    return inputSize;
  }

  @Override
  public List<NDArray> parameters() {
    return List.of(weightIh, biasIh);
  }

  @Override
  public List<String> parameterNames() {
    return spec.parameterNames();
  }

  @Override
  public NDList initialState(NDManager manager, int batchSize) {
    return new NDList(manager.zeros(new Shape(batchSize, hidden), weightIh.getDataType()));
  }

  @Override
  public NDList step(NDArray input, NDList state) {
    CoreChecks.stepInput(spec, input, inputSize);
    CoreChecks.state(spec, state, input.getShape().get(0));
    NDList next;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      next = new NDList(next(GatedCore.linear(input, weightIh, biasIh), state.get(0)));
      GatedCore.keep(next, input.getManager());
    }
    GatedCore.registerInCallerScope(next);
    return next;
  }

  @Override
  public CoreOutput unroll(NDArray inputs, NDArray resets, NDList state) {
    CoreChecks.unrollInputs(spec, inputs, resets, inputSize);
    int t = (int) inputs.getShape().get(0);
    long b = inputs.getShape().get(1);
    CoreChecks.state(spec, state, b);
    CoreOutput result;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      // x_t W_ihᵀ + b for all steps in one matmul, then a_t and b_t for all steps
      Coefficients k = coefficients(GatedCore.linear(inputs.reshape(t * b, inputSize), weightIh, biasIh));
      NDArray outputs = ChunkedScan.scan(k.logA().reshape(t, b, hidden), k.b().reshape(t, b, hidden), resets,
          state.get(0), spec.chunk());
      NDList fin = new NDList(outputs.get(t - 1));
      GatedCore.keep(new NDList(outputs), inputs.getManager());
      GatedCore.keep(fin, inputs.getManager());
      result = new CoreOutput(outputs, fin);
    }
    GatedCore.registerInCallerScope(new NDList(result.outputs()));
    GatedCore.registerInCallerScope(result.finalState());
    return result;
  }

  /** −softplus(−z) = log σ(z), without overflow or log 0. */
  static NDArray logSigmoid(NDArray z) {
    return ai.djl.nn.Activation.softPlus(z.neg()).neg();
  }

  @Override
  public String toString() {
    return spec + " [I=" + inputSize + "] " + Arrays.toString(new long[] {weightIh.size()});
  }
}
