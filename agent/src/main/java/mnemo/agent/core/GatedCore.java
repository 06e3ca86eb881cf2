package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import mnemo.agent.Autograd;

/**
 * The unroll shared by every cell: one matmul projects the inputs of all T steps at once, the
 * projection is split along time once (indexing a step with {@code get(t)} would make backward
 * allocate a whole-input zero tensor per step), and each step adds {@code h · W_hhᵀ} and applies the
 * cell's gates. Resets multiply the state by 0 (the initial state is zero) only on steps that have
 * one. Intermediates live in an {@link NDScope} closed before returning.
 *
 * <p>With the spec's {@code backward=manual} option, training unrolls of the LSTM and GRU families
 * (every gate variant) run their forward without autograd and backpropagate through time by hand
 * ({@link GatedBackward}): the outputs enter the graph as leaves, and {@link Autograd#backward}
 * completes the backward. By default autograd records every op.
 *
 * <p>With {@code impl=java} (or {@code impl=auto} at small sizes on the CPU) the LSTM and GRU families run
 * forward and backward as Java loops on float arrays instead ({@link JavaUnroll}, {@link JavaCell}).
 */
abstract class GatedCore implements RecurrentCore {

  protected final CoreSpec spec;
  protected final int inputSize;
  protected final int hidden;
  /** [G·H, I], [G·H, H], [G·H], [G·H]. */
  protected final NDArray weightIh;
  protected final NDArray weightHh;
  protected final NDArray biasIh;
  protected final NDArray biasHh;

  GatedCore(CoreSpec spec, NDArray weightIh, NDArray weightHh, NDArray biasIh, NDArray biasHh) {
    this.spec = spec;
    this.hidden = spec.hidden();
    int gh = spec.numBlocks() * hidden;
    if (weightIh.getShape().dimension() != 2 || weightIh.getShape().get(0) != gh) {
      throw new IllegalArgumentException(spec.name() + ": weight_ih must be [" + gh + ", I] (G=" + spec.numBlocks()
          + " blocks " + spec.blockNames() + " of H=" + hidden + "), got " + weightIh.getShape());
    }
    this.inputSize = (int) weightIh.getShape().get(1);
    expect("weight_hh", weightHh, new Shape(gh, hidden));
    expect("bias_ih", biasIh, new Shape(gh));
    expect("bias_hh", biasHh, new Shape(gh));
    this.weightIh = weightIh;
    this.weightHh = weightHh;
    this.biasIh = biasIh;
    this.biasHh = biasHh;
  }

  /** Whether the cell implements {@link #coefficients}. */
  protected boolean supportsManualBackward() {
    return false;
  }

  /**
   * The whole-sequence coefficients of the hand-derived backward (see {@link GatedBackward}), computed
   * without autograd from what the forward kept, with {@code w} the weights as the forward used them.
   */
  protected GatedBackward.Coefficients coefficients(GatedBackward.Sequence seq, Prepared w) {
    throw new UnsupportedOperationException(spec.name() + " has no hand-derived backward");
  }

  private void expect(String name, NDArray a, Shape shape) {
    if (!a.getShape().equals(shape)) {
      throw new IllegalArgumentException(spec.name() + ": " + name + " must be " + shape + ", got " + a.getShape());
    }
  }

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
    return List.of(weightIh, weightHh, biasIh, biasHh);
  }

  @Override
  public List<String> parameterNames() {
    return spec.parameterNames();
  }

  @Override
  public NDList initialState(NDManager manager, int batchSize) {
    NDList s = new NDList();
    for (int i = 0; i < spec.numStates(); i++) {
      s.add(manager.zeros(new Shape(batchSize, hidden), weightIh.getDataType()));
    }
    return s;
  }

  /** Per-unroll views of the weights: row-scaled copies, folded biases, constants. */
  protected final class Prepared {
    /** [G·H, I], rows scaled by {@link #blockScales()}. */
    final NDArray wih;
    /** [G·H, H], rows scaled by {@link #blockScales()}. */
    final NDArray whh;
    /** Bias added to the input projection, [G·H], scaled likewise. */
    final NDArray biasX;
    /** The scalar 1 in the weights' type. */
    final NDArray one;
    /** Whether the rows were scaled by {@link #blockScales()}. */
    final boolean scaled;
    /** Every {@link #recurrent} result of the unroll, in order, when the unroll keeps them (else null). */
    List<NDArray> projections;

    /**
     * @param steps T: row scaling copies the weights, which pays off over several steps but not for
     *     a single inference step
     */
    Prepared(int steps) {
      NDArray b = inputBias();
      double[] scales = steps >= MIN_STEPS_TO_SCALE ? blockScales() : null;
      scaled = scales != null;
      if (scales == null) {
        wih = weightIh;
        whh = weightHh;
        biasX = b;
      } else {
        double[] col = new double[spec.numBlocks() * hidden];
        for (int i = 0; i < col.length; i++) {
          col[i] = scales[i / hidden];
        }
        NDArray s = weightIh.getManager().create(col).toType(weightIh.getDataType(), false);
        NDArray sc = s.reshape(col.length, 1);
        wih = weightIh.mul(sc);
        whh = weightHh.mul(sc);
        biasX = b.mul(s);
      }
      one = weightIh.getManager().create(1f).toType(weightIh.getDataType(), false);
    }

    /** h W_hhᵀ + bias in one addmm (bias [G·H] or [B, G·H]): each cell's recurrent projection. */
    NDArray recurrent(NDArray h, NDArray bias) {
      NDArray p = linear(h, whh, bias);
      if (projections != null) {
        projections.add(p);
      }
      return p;
    }
  }

  /** Unrolls shorter than this skip {@link #blockScales()}. */
  static final int MIN_STEPS_TO_SCALE = 4;

  /**
   * Per-block factors applied to the pre-activations before the cell sees them (null: none). A
   * cell uses them to get 2σ(z) − 1 = tanh(z/2) from one tanh instead of three ops per step.
   */
  protected double[] blockScales() {
    return null;
  }

  /** The bias folded into the input projection (all of it for LSTMs; the GRU keeps b_hn apart). */
  protected abstract NDArray inputBias();

  /**
   * One step of the cell.
   *
   * @param xp {@code [B, G·H]} the input projection of this step including {@link #inputBias()}
   * @param state the state before the step
   * @return the state after the step, h first
   */
  protected abstract NDList cell(NDArray xp, NDList state, Prepared w);

  @Override
  public NDList step(NDArray input, NDList state) {
    CoreChecks.stepInput(spec, input, inputSize);
    CoreChecks.state(spec, state, input.getShape().get(0));
    if (!Autograd.isEnabled() && JavaUnroll.runs(this, 1, input.getShape().get(0))) {
      return JavaUnroll.step(this, input, state);
    }
    NDManager out = input.getManager();
    NDList next;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Prepared w = new Prepared(1);
      NDArray xp = linear(input, w.wih, w.biasX);
      next = cell(xp, state, w);
      keep(next, out);
    }
    registerInCallerScope(next);
    return next;
  }

  /** Moves results out of the current scope into {@code out}. */
  static void keep(NDList results, NDManager out) {
    for (NDArray a : results) {
      a.attach(out);
      NDScope.unregister(a);
    }
  }

  /** Results join the caller's NDScope, if it has one, like any array it creates. */
  static void registerInCallerScope(NDList results) {
    for (NDArray a : results) {
      NDScope.register(a);
    }
  }

  @Override
  public CoreOutput unroll(NDArray inputs, NDArray resets, NDList state) {
    CoreChecks.unrollInputs(spec, inputs, resets, inputSize);
    int t = (int) inputs.getShape().get(0);
    long b = inputs.getShape().get(1);
    CoreChecks.state(spec, state, b);
    if (JavaUnroll.runs(this, t, b)) {
      if (!Autograd.isEnabled()) {
        return JavaUnroll.infer(this, inputs, resets, state, t, (int) b);
      }
      if (needsGradient(inputs, state)) {
        return JavaUnroll.train(this, inputs, resets, state, t, (int) b);
      }
      // grad mode on, but only an op's result (a torso's output) could want a gradient: autograd records below
    }
    if (spec.backward() == CoreSpec.Backward.MANUAL && supportsManualBackward() && Autograd.isEnabled() && needsGradient(inputs, state)) {
      return unrollForManualBackward(inputs, resets, state, t, b);
    }
    NDManager out = inputs.getManager();
    CoreOutput result;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      Prepared w = new Prepared(t);
      // x_t W_ihᵀ + b for all steps in one matmul, split along time once.
      NDList xs = linear(inputs.reshape(t * b, inputSize), w.wih, w.biasX).split(t, 0);
      boolean[] anyReset = new boolean[t];
      NDList keeps = keeps(resets, t, b, w, anyReset);
      NDList st = state;
      NDArray[] hs = new NDArray[t];
      for (int i = 0; i < t; i++) {
        if (anyReset[i]) {
          st = masked(st, keeps.get(i));
        }
        st = cell(xs.get(i), st, w);
        hs[i] = st.get(0);
      }
      NDArray outputs = t == 1 ? hs[0].expandDims(0) : NDArrays.stack(new NDList(hs), 0);
      NDList fin = new NDList(st.size());
      fin.addAll(st);
      keep(new NDList(outputs), out);
      keep(fin, out);
      result = new CoreOutput(outputs, fin);
    }
    registerInCallerScope(new NDList(result.outputs()));
    registerInCallerScope(result.finalState());
    return result;
  }

  /** keep = 1 − reset, [B, 1] per step, or null without resets; marks the steps that have one. */
  private NDList keeps(NDArray resets, int t, long b, Prepared w, boolean[] anyReset) {
    if (resets == null) {
      return null;
    }
    float[] r = resets.toType(DataType.FLOAT32, false).toFloatArray();
    boolean any = false;
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < b; j++) {
        if (r[(int) (i * b + j)] != 0f) {
          anyReset[i] = true;
          any = true;
        }
      }
    }
    return any ? w.one.sub(resets.toType(weightIh.getDataType(), false)).reshape(t * b, 1).split(t, 0) : null;
  }

  /**
   * Whether a backward could want this unroll: a parameter, or inputs or state that are leaves, require
   * a gradient (DJL cannot tell whether an op's result is in a graph; with frozen weights and inputs from
   * a torso the unroll records autograd's graph instead).
   */
  private boolean needsGradient(NDArray inputs, NDList state) {
    boolean any = Autograd.requiresGradient(inputs);
    for (NDArray p : parameters()) {
      any |= Autograd.requiresGradient(p);
    }
    for (NDArray s : state) {
      any |= Autograd.requiresGradient(s);
    }
    return any;
  }

  /**
   * The same forward as {@link #unroll} (the same ops, so the same outputs) without autograd nodes,
   * keeping what {@link GatedBackward} needs; outputs and final state are returned as views of leaves.
   */
  private CoreOutput unrollForManualBackward(NDArray inputs, NDArray resets, NDList state, int t, long b) {
    Autograd.requireNoPendingCompletion(spec.name() + " training unroll");
    NDManager out = inputs.getManager();
    NDManager tape = out.newSubManager();
    boolean registered = false;
    try {
      // handles that carry the callers' graphs into the completion's backward (views made with autograd on)
      NDArray inputsRef = inputs.reshape(t * b, inputSize);
      NDArray[] stateRefs = new NDArray[state.size()];
      for (int k = 0; k < state.size(); k++) {
        stateRefs[k] = state.get(k).reshape(-1);
      }
      own(tape, inputsRef);
      own(tape, stateRefs);
      boolean lstmFamily = spec.numStates() == 2;
      GatedBackward.Sequence seq;
      NDArray outputsLeaf;
      NDList finalLeaves = new NDList();
      boolean[] anyReset = new boolean[t];
      NDList keeps;
      try (Autograd.Paused noGraph = Autograd.pause(); NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        Prepared w = new Prepared(t);
        NDArray x = inputs.reshape(t * b, inputSize);
        NDArray xp = linear(x, w.wih, w.biasX);
        NDList xs = xp.split(t, 0);
        keeps = keeps(resets, t, b, w, anyReset);
        w.projections = new java.util.ArrayList<>(t);
        NDList st = state;
        NDArray[] hs = new NDArray[t];
        NDArray[] hPrev = new NDArray[t];
        NDArray[] cs = lstmFamily ? new NDArray[t] : null;
        NDArray[] cPrev = lstmFamily ? new NDArray[t] : null;
        for (int i = 0; i < t; i++) {
          if (anyReset[i]) {
            st = masked(st, keeps.get(i));
          }
          hPrev[i] = st.get(0);
          if (lstmFamily) {
            cPrev[i] = st.get(1);
          }
          st = cell(xs.get(i), st, w);
          hs[i] = st.get(0);
          if (lstmFamily) {
            cs[i] = st.get(1);
          }
        }
        long n = t * b;
        seq = new GatedBackward.Sequence(x, xp, NDArrays.concat(new NDList(w.projections), 0),
            NDArrays.concat(new NDList(hPrev), 0),
            lstmFamily ? NDArrays.concat(new NDList(cPrev), 0) : null, lstmFamily ? NDArrays.concat(new NDList(cs), 0) : null);
        outputsLeaf = NDArrays.stack(new NDList(hs), 0).reshape(n * hidden);
        for (NDArray a : st) {
          finalLeaves.add(a.reshape(b * hidden));
        }
        own(tape, seq.x(), seq.xp(), seq.projection(), seq.hPrev(), seq.cPrev(), seq.c(), outputsLeaf);
        own(tape, finalLeaves.toArray(new NDArray[0]));
        if (keeps != null) {
          own(tape, keeps.toArray(new NDArray[0]));
        }
      }
      CoreOutput result = HandBackCompletion.outputsOf(outputsLeaf, finalLeaves, t, b, hidden, out);
      Autograd.addCompletion(new GatedBackward(this, tape, t, b, seq, keeps, anyReset, outputsLeaf, finalLeaves,
          inputsRef, stateRefs));
      registered = true;
      return result;
    } finally {
      if (!registered) {
        tape.close();
      }
    }
  }

  /** Moves arrays (nulls skipped) out of the current scope into {@code m} (also for {@link JavaUnroll}). */
  static void own(NDManager m, NDArray... arrays) {
    for (NDArray a : arrays) {
      if (a != null) {
        a.attach(m);
        NDScope.unregister(a);
      }
    }
  }

  /** σ'(z) from s = σ(z): s − s². */
  static NDArray dSigmoid(NDArray s) {
    return s.sub(s.square());
  }

  /** tanh'(z) from y = tanh(z): 1 − y². */
  static NDArray dTanh(NDArray y, NDArray one) {
    return one.sub(y.square());
  }

  /**
   * The LSTMs' coefficients given the gated blocks' k [N, G', H] and a: h' = o ⊙ tanh c' adds
   * q = o ⊙ tanh'(c') and k^o = tanh c' ⊙ σ'_o.
   */
  static GatedBackward.Coefficients outputGate(NDArray k, NDArray a, NDArray o, NDArray c, NDArray one, int[] cumaxBlocks,
      NDArray[] softmax) {
    NDArray tc = c.tanh();
    return new GatedBackward.Coefficients(k, tc.mul(dSigmoid(o)), o.mul(dTanh(tc, one)), a, null, cumaxBlocks, softmax);
  }

  /**
   * The master gates' share of the hand-derived backward, the same for both cell types: a cell
   * s' = â ⊙ s + b̂ ⊙ v (the GRU's h and candidate n, the LSTM's c and u) with main gate m and master gates F,
   * I = 1 − σ_I (or cumax) at blocks {@code blockF}, {@code blockF + 1}, pre-activations pF, pI:
   * <pre>
   * ω = F I;  â = m ω + (F − ω);  b̂ = (1 − m) ω + (I − ω);  kω = (m − 1) s − m v
   * K_m = ω (s − v) (before the main gate's act');  K_F = (s + kω I) act'_F;  K_I = −(v + kω F) act'_I
   * </pre>
   * A cumax master gate keeps ∂/∂cumax: its block and softmax are added to {@code cumaxBlocks} and
   * {@code softmax} for GatedBackward to apply.
   */
  static MasterGates masterGates(NDArray m, NDArray s, NDArray v, NDArray pF, NDArray pI, boolean cumaxMaster,
      int blockF, NDArray one, List<Integer> cumaxBlocks, List<NDArray> softmax) {
    NDArray bigF = cumaxMaster ? cumax(pF) : sigmoid(pF);
    NDArray sI = cumaxMaster ? cumax(pI) : sigmoid(pI);
    NDArray bigI = one.sub(sI);
    NDArray omega = bigF.mul(bigI);
    NDArray aHat = m.mul(omega).add(bigF.sub(omega));
    NDArray bHat = one.sub(m).mul(omega).add(bigI.sub(omega));
    NDArray kOmega = m.sub(one).mul(s).sub(m.mul(v));
    NDArray kMain = omega.mul(s.sub(v));
    NDArray kF = s.add(kOmega.mul(bigI));
    NDArray kI = v.add(kOmega.mul(bigF)).neg();
    if (cumaxMaster) {
      cumaxBlocks.add(blockF);
      softmax.add(pF.softmax(-1));
      cumaxBlocks.add(blockF + 1);
      softmax.add(pI.softmax(-1));
    }
    return new MasterGates(kMain, cumaxMaster ? kF : kF.mul(dSigmoid(bigF)), cumaxMaster ? kI : kI.mul(dSigmoid(sI)),
        aHat, bHat);
  }

  /** {@link #masterGates}' result: K_m before act'_m, K_F and K_I with their act', â and b̂. */
  record MasterGates(NDArray kMain, NDArray kF, NDArray kI, NDArray aHat, NDArray bHat) {}

  /** cumax(z) = cumsum(softmax(z)) over the hidden units: rises monotonically to 1 (ON-LSTM). */
  static NDArray cumax(NDArray z) {
    return z.softmax(-1).cumSum(-1);
  }

  /** x Wᵀ + b in one fused op (addmm); b may be [G·H] or [B, G·H]. */
  static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
  }

  static NDArray sigmoid(NDArray z) {
    return ai.djl.nn.Activation.sigmoid(z);
  }

  /** Refine: g = f + (2r − 1) f (1 − f), between f² and 1 − (1 − f)². */
  static NDArray refine(NDArray f, NDArray r, NDArray one) {
    NDArray spread = f.mul(one.sub(f));
    return f.add(r.add(r).sub(one).mul(spread));
  }

  @Override
  public String toString() {
    return spec + " [I=" + inputSize + "] " + Arrays.toString(new long[] {weightIh.size(), weightHh.size()});
  }

  /** The state with the episodes that reset before this step zeroed: each state tensor times keep ([B, 1]). */
  private static NDList masked(NDList state, NDArray keep) {
    NDList out = new NDList(state.size());
    for (NDArray a : state) {
      out.add(a.mul(keep));
    }
    return out;
  }
}
