package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import mnemo.agent.Autograd;

/**
 * A {@link GatedCore}'s unroll and step computed by {@link JavaCell} (spec option {@code impl=java}, or
 * {@code impl=auto} at small sizes): the input projection of all steps is one libtorch op, the recurrence runs
 * on float arrays, and the results come back as NDArrays in the caller's manager.
 *
 * <p>Training: the outputs and final state enter the graph as leaves (as with {@code backward=manual}); after
 * the loss's backward, {@link Autograd#backward} runs this unroll's completion: {@link JavaCell#backward}
 * through time from the leaves' gradients, then ∂L/∂W_ih', ∂L/∂W_hh', ∂L/∂X as one libtorch GEMM each, handed
 * to autograd by {@link HandBackCompletion}, so the torso, the parameters and the initial state get their
 * gradients.
 */
final class JavaUnroll {

  private JavaUnroll() {}

  /**
   * {@code impl=auto}'s limits, from docs/benchmarks/cores.md (2-core machines, CPU time side by side with the
   * libtorch cell). With the scalar loops, unrolls: Java took less CPU at H = 32 (B = 4, 5–10x less) and at
   * H = 64, B = 32 (about 0.75x), more at H = 256; so Java up to H = 64 and a step's recurrent product B·G·H² up
   * to that of B = 32, G = 4, H = 64. With the Vector API ({@link RowGemm.Kernel#VECTOR}) the Java cell was
   * faster than the libtorch cell at every shape measured, H = 32 to 256 (at H = 256, B = 32: 0.6–0.8x its CPU
   * time and wall time), so up to H = 256 and B = 32, G = 4, H = 256; larger cores were not measured and stay
   * with libtorch. Single steps copy the weights on every call (they may change in place between calls): Java
   * was faster with G·H·(H + I) = 5k weights (H = 32, I = 8), even at 33k (H = 64, I = 64).
   */
  static final int AUTO_MAX_HIDDEN = 64;
  static final long AUTO_MAX_STEP_MACS = 32L * 4 * 64 * 64;
  static final int AUTO_MAX_HIDDEN_VECTOR = 256;
  static final long AUTO_MAX_STEP_MACS_VECTOR = 32L * 4 * 256 * 256;
  static final long AUTO_MAX_STEP_WEIGHTS = 16_384;
  /** Unrolls shorter than this count as single steps for {@code impl=auto}. */
  static final int AUTO_MIN_UNROLL = 4;

  /**
   * Whether {@code core} runs in Java for {@code t} steps of a batch of {@code b}: its spec's impl, the
   * weights' device and type, and for {@code auto} the sizes (above; never on a GPU nor with {@code backward=manual}).
   */
  static boolean runs(GatedCore core, long t, long b) {
    CoreSpec spec = core.spec;
    CoreSpec.Impl impl = spec.impl();
    if (impl == CoreSpec.Impl.TORCH || !core.supportsManualBackward()) {
      return false;
    }
    boolean cpuFloat = !core.weightIh.getDevice().isGpu() && core.weightIh.getDataType() == DataType.FLOAT32;
    if (impl == CoreSpec.Impl.JAVA) {
      if (!cpuFloat) {
        throw new IllegalArgumentException(spec.name() + ": impl=java needs float32 weights on the CPU, got "
            + core.weightIh.getDataType() + " on " + core.weightIh.getDevice());
      }
      return true;
    }
    if (spec.backward() == CoreSpec.Backward.MANUAL) {
      return false; // names libtorch's hand-derived backward
    }
    long h = spec.hidden();
    long g = spec.numBlocks();
    boolean vector = RowGemm.vectorKernel();
    boolean small = h <= (vector ? AUTO_MAX_HIDDEN_VECTOR : AUTO_MAX_HIDDEN)
        && b * g * h * h <= (vector ? AUTO_MAX_STEP_MACS_VECTOR : AUTO_MAX_STEP_MACS);
    boolean fewWeights = g * h * (h + core.inputSize) <= AUTO_MAX_STEP_WEIGHTS;
    return cpuFloat && small && (t >= AUTO_MIN_UNROLL || fewWeights);
  }

  /** The prepared weights as float arrays, and the input projection of all steps. */
  private record Prepared(JavaCell.Weights weights, float[] xp) {

    /** For training: {@link GatedCore.Prepared}'s arrays, the projection one libtorch op (x [N, I]). */
    static Prepared of(GatedCore core, JavaCell cell, NDArray x, int t) {
      GatedCore.Prepared w = core.new Prepared(t);
      float[] xp = GatedCore.linear(x, w.wih, w.biasX).toFloatArray();
      float[] bhh = cell.lstm() ? null : core.biasHh.toFloatArray();
      return new Prepared(JavaCell.Weights.of(w.whh.toFloatArray(), cell.gh, cell.h, bhh, w.scaled), xp);
    }

    /**
     * For inference, with no libtorch op but copies: the same preparation as {@link GatedCore.Prepared} (rows
     * scaled by {@link GatedCore#blockScales()} from {@link GatedCore#MIN_STEPS_TO_SCALE} steps, the bias
     * {@link GatedCore#inputBias()}) done on float arrays, and xp = x W_ih'ᵀ + b in Java (x [N, I]).
     */
    static Prepared read(GatedCore core, JavaCell cell, NDArray x, int t) {
      JavaCell.Folded w = JavaCell.Folded.of(core, cell, t >= GatedCore.MIN_STEPS_TO_SCALE ? core.blockScales() : null);
      float[] xs = x.toFloatArray();
      return new Prepared(w.recurrent(), w.project(xs, xs.length / core.inputSize));
    }
  }

  /** One step, grad mode off: {@code input [B, I]}, the state; the next state in the input's manager. */
  static NDList step(GatedCore core, NDArray input, NDList state) {
    int b = (int) input.getShape().get(0);
    JavaCell cell = new JavaCell(core.spec);
    JavaCell.Forward f;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Prepared p = Prepared.read(core, cell, input, 1);
      f = cell.forward(p.xp, p.weights, state.get(0).toFloatArray(), cell.lstm() ? state.get(1).toFloatArray() : null,
          null, 1, b, false);
    }
    return finalState(input.getManager(), f, b, cell.h);
  }

  /** An unroll with grad mode off (inference). */
  static CoreOutput infer(GatedCore core, NDArray inputs, NDArray resets, NDList state, int t, int b) {
    JavaCell cell = new JavaCell(core.spec);
    JavaCell.Forward f;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Prepared p = Prepared.read(core, cell, inputs, t);
      f = cell.forward(p.xp, p.weights, state.get(0).toFloatArray(), cell.lstm() ? state.get(1).toFloatArray() : null,
          keeps(resets), t, b, false);
    }
    NDManager out = inputs.getManager();
    return new CoreOutput(out.create(f.outputs(), new Shape(t, b, cell.h)), finalState(out, f, b, cell.h));
  }

  private static NDList finalState(NDManager out, JavaCell.Forward f, int b, int h) {
    NDList s = new NDList(out.create(f.h(), new Shape(b, h)));
    if (f.c() != null) {
      s.add(out.create(f.c(), new Shape(b, h)));
    }
    return s;
  }

  /** keep = 1 − reset [T·B], or null when no entry resets. */
  private static float[] keeps(NDArray resets) {
    if (resets == null) {
      return null;
    }
    float[] r = resets.toType(DataType.FLOAT32, false).toFloatArray();
    boolean any = false;
    for (int i = 0; i < r.length; i++) {
      any |= r[i] != 0f;
      r[i] = 1 - r[i];
    }
    return any ? r : null;
  }

  /** A training unroll: the forward in Java, keeping its tape; the backward runs as a completion. */
  static CoreOutput train(GatedCore core, NDArray inputs, NDArray resets, NDList state, int t, int b) {
    Autograd.requireNoPendingCompletion(core.spec.name() + " training unroll");
    JavaCell cell = new JavaCell(core.spec);
    int h = cell.h;
    long n = (long) t * b;
    NDManager out = inputs.getManager();
    NDManager tape = out.newSubManager();
    boolean registered = false;
    try {
      // handles that carry the callers' graphs into the completion's backward (views made with autograd on)
      NDArray inputsRef = inputs.reshape(n, core.inputSize);
      NDArray[] stateRefs = new NDArray[state.size()];
      for (int k = 0; k < state.size(); k++) {
        stateRefs[k] = state.get(k).reshape(-1);
      }
      GatedCore.own(tape, inputsRef);
      GatedCore.own(tape, stateRefs);
      JavaCell.Forward f;
      Prepared p;
      NDArray x;
      NDArray outputsLeaf;
      NDList finalLeaves = new NDList();
      try (Autograd.Paused noGraph = Autograd.pause()) {
        try (NDScope scope = new NDScope()) {
          scope.suppressNotUsedWarning();
          x = inputs.reshape(n, core.inputSize);
          GatedCore.own(tape, x);
          p = Prepared.of(core, cell, x, t);
          f = cell.forward(p.xp, p.weights, state.get(0).toFloatArray(), cell.lstm() ? state.get(1).toFloatArray() : null,
              keeps(resets), t, b, true);
        }
        outputsLeaf = tape.create(f.outputs(), new Shape(n * h));
        finalLeaves.add(tape.create(f.h(), new Shape((long) b * h)));
        if (f.c() != null) {
          finalLeaves.add(tape.create(f.c(), new Shape((long) b * h)));
        }
        GatedCore.own(tape, outputsLeaf);
        GatedCore.own(tape, finalLeaves.toArray(new NDArray[0]));
      }
      CoreOutput result = HandBackCompletion.outputsOf(outputsLeaf, finalLeaves, t, b, h, out);
      Autograd.addCompletion(new Completion(core, cell, tape, t, b, f.tape(), p.weights, x, outputsLeaf, finalLeaves,
          inputsRef, stateRefs));
      registered = true;
      return result;
    } finally {
      if (!registered) {
        tape.close();
      }
    }
  }


  /** The backward of one training unroll (see the class comment); {@code manager} owns what it keeps. */
  private static final class Completion extends HandBackCompletion {
    private final JavaCell cell;
    private final int b;
    private final JavaCell.Tape tape;
    private final JavaCell.Weights weights;
    /** The inputs [N, I] without a graph. */
    private final NDArray x;
    /** Leaves: outputs [T·B·H] and each final state array [B·H]. */
    private final NDArray outputsLeaf;
    private final NDList finalLeaves;

    Completion(GatedCore core, JavaCell cell, NDManager manager, int t, int b, JavaCell.Tape tape,
        JavaCell.Weights weights, NDArray x, NDArray outputsLeaf, NDList finalLeaves, NDArray inputsRef,
        NDArray[] stateRefs) {
      super(core, manager, t, inputsRef, stateRefs);
      this.cell = cell;
      this.b = b;
      this.tape = tape;
      this.weights = weights;
      this.x = x;
      this.outputsLeaf = outputsLeaf;
      this.finalLeaves = finalLeaves;
    }

    /** The Java backward through time, then the GEMMs; null when no backward reached the leaves. */
    @Override
    GatedBackward.Gradients pass() {
      float[] dOut = gradient(outputsLeaf);
      float[] dh = gradient(finalLeaves.get(0));
      float[] dc = finalLeaves.size() > 1 ? gradient(finalLeaves.get(1)) : null;
      if (dOut == null && dh == null && dc == null) {
        return null;
      }
      JavaCell.Backward g = cell.backward(tape, weights, dOut, dh, dc, t, b);
      int h = cell.h;
      long n = (long) t * b;
      NDArray px = manager.create(g.dPx(), new Shape(n, cell.gh));
      NDArray ph = cell.lstm() ? px : manager.create(g.dPh(), new Shape(n, cell.gh));
      NDArray hPrev = manager.create(tape.hPrev(), new Shape(n, h));
      NDArray[] state = cell.lstm()
          ? new NDArray[] {manager.create(g.dh0(), new Shape(b, h)), manager.create(g.dc0(), new Shape(b, h))}
          : new NDArray[] {manager.create(g.dh0(), new Shape(b, h))};
      return GatedBackward.gemms(core, px, ph, cell.lstm(), x, hPrev, core.new Prepared(t), state);
    }

    /** A copy of the gradient a backward left in {@code leaf}, or null. */
    private static float[] gradient(NDArray leaf) {
      NDArray g = Autograd.gradientOrNull(leaf);
      if (g == null) {
        return null;
      }
      try (g) {
        return g.toFloatArray();
      }
    }
  }
}
