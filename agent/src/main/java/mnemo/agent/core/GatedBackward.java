package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.Autograd;

/**
 * The hand-derived backward through time of a {@link GatedCore} unroll: what the forward kept (the
 * tape) and the per-step loop; {@link HandBackCompletion} hands the gradients to autograd.
 *
 * <p>Why: at small H an unroll's cost is libtorch's per-operation overhead, and autograd pays it twice
 * per forward op (a node, then its backward, often several ops). Here the forward runs without autograd
 * and keeps the states; after the loss's backward, the gradients of the outputs (leaves of the graph)
 * drive this loop. Everything that does not depend on the backward's recurrence is computed once over
 * all T·B rows: the gate activations (recomputed from the kept pre-activations) and the coefficients
 * below. The loop then runs a few batched ops per step, and ∂L/∂W_hh and ∂L/∂W_ih are one
 * GEMM each over all steps.
 *
 * <p>Notation: N = T·B rows (row t·B + b), G blocks of H units, G' = G − 1 for the LSTMs (all blocks but
 * the output gate o, which is last). The carried gradient is δc (LSTMs: into c_t) or δh (GRUs). Every
 * gated block's pre-activation gradient is linear in it: dP_k = δ ⊙ K_k, with K_k a product of
 * activations and their derivatives ({@link Coefficients}). A cumax block's K_k gives the gradient of
 * cumax's output; {@link #cumaxBackward} turns it into the pre-activation's, per step.
 *
 * <pre>
 * LSTMs, step t (from T − 1 down):   δc~ = δc + δh ⊙ q_t           q = o ⊙ (1 − tanh²c)
 *   dP_t = [δc~ ⊗ K_t | δh ⊙ k^o_t]   k^o = tanh c ⊙ o(1 − o)
 *   δc ← (δc~ ⊙ a_t) ⊙ keep_t         a = ∂c_t/∂c_{t−1} (f, g or f̂)
 *   δh ← (dP_t W_hh) ⊙ keep_t + ∂L/∂h_{t−1}
 * GRUs:   dPx_t = δh ⊗ K_t,  dPh_t = dPx_t ⊙ m_t   (m = r on the candidate block, 1 elsewhere)
 *   δh ← (δh ⊙ a_t + dPh_t W_hh) ⊙ keep_t + ∂L/∂h_{t−1}
 * then ∂L/∂W_ih = dPxᵀ X, ∂L/∂W_hh = dPhᵀ H_prev, ∂L/∂b = Σ_rows, ∂L/∂X = dPx W_ih
 * </pre>
 *
 * These gradients are with respect to the weights as the unroll used them ({@link GatedCore.Prepared}:
 * scaled rows, folded biases); one more backward of Σ W'⊙∂L/∂W' + Σ X⊙∂L/∂X (+ the initial state's)
 * with W' rebuilt under autograd takes them to the parameters and into whatever produced X.
 */
final class GatedBackward extends HandBackCompletion {

  /**
   * What the backward needs from a cell family, over all N rows (see the class comment).
   *
   * @param k {@code [N, G', H]} (LSTMs) or {@code [N, G, H]} (GRUs): each gated block's gradient per
   *     unit of the carried gradient
   * @param ko {@code [N, H]} the output gate's per unit of δh (LSTMs; null for GRUs)
   * @param q {@code [N, H]} ∂c-path of δh: δc~ = δc + δh ⊙ q (LSTMs; null for GRUs)
   * @param a {@code [N, H]} ∂state_t/∂state_{t−1} along the direct path
   * @param hiddenMask {@code [N, G·H]}: dPh = dPx ⊙ mask (GRUs; null for LSTMs, where dPh = dPx)
   * @param cumaxBlocks the blocks (indices into k's second axis) whose activation is cumax
   * @param cumaxSoftmax {@code [N, H]} softmax of each cumax block's pre-activation
   */
  record Coefficients(NDArray k, NDArray ko, NDArray q, NDArray a, NDArray hiddenMask, int[] cumaxBlocks,
      NDArray[] cumaxSoftmax) {}

  /**
   * The forward's kept arrays, all owned by {@code manager}.
   *
   * @param x {@code [N, I]} the inputs (no graph)
   * @param xp {@code [N, G·H]} the input projection with {@link GatedCore#inputBias()}
   * @param projection {@code [N, G·H]} each step's {@code Prepared.recurrent} result: the pre-activations
   *     P (LSTMs) or h W_hhᵀ + b_hh (GRUs)
   * @param hPrev {@code [N, H]} h_{t−1} as step t saw it (after its reset)
   * @param cPrev {@code [N, H]} c_{t−1} likewise (LSTMs; else null)
   * @param c {@code [N, H]} c_t (LSTMs; else null)
   */
  record Sequence(NDArray x, NDArray xp, NDArray projection, NDArray hPrev, NDArray cPrev, NDArray c) {}

  private final long b;
  private final Sequence seq;
  /** [B, 1] per step, or null: 1 − reset. */
  private final NDList keeps;
  private final boolean[] reset;
  /** Leaves: outputs [T·B·H] and each final state array [B·H]. */
  private final NDArray outputsLeaf;
  private final NDList finalLeaves;

  GatedBackward(GatedCore core, NDManager manager, int t, long b, Sequence seq, NDList keeps, boolean[] reset,
      NDArray outputsLeaf, NDList finalLeaves, NDArray inputsRef, NDArray[] stateRefs) {
    super(core, manager, t, inputsRef, stateRefs);
    this.b = b;
    this.seq = seq;
    this.keeps = keeps;
    this.reset = reset;
    this.outputsLeaf = outputsLeaf;
    this.finalLeaves = finalLeaves;
  }

  /**
   * ∂L/∂ of the weights as used (Prepared): W_ih' [G·H, I], W_hh' [G·H, H], the folded bias and b_hh (GRUs; else
   * null) [G·H]; of the inputs [N, I] and of the initial state arrays [B, H]. A weight's entry is null when its
   * parameter needs no gradient.
   */
  record Gradients(NDArray wih, NDArray whh, NDArray biasX, NDArray biasHh, NDArray inputs, NDArray[] state) {

    /** Σ W' ⊙ ∂L/∂W' + ..., with W' rebuilt under autograd; null if nothing needs a gradient. */
    NDArray injection(GatedCore core, int t, NDArray inputsRef, NDArray[] stateRefs) {
      GatedCore.Prepared w = core.new Prepared(t);
      List<NDArray> terms = new ArrayList<>();
      // DJL tells whether a leaf requires a gradient, not whether an op's result is in a graph: the
      // weights' terms are added when their parameters require one; the inputs' and the initial state's
      // always (a product with a constant when they are not in a graph)
      add(terms, w.wih, Autograd.requiresGradient(core.weightIh) ? wih : null);
      add(terms, w.whh, Autograd.requiresGradient(core.weightHh) ? whh : null);
      boolean biases = Autograd.requiresGradient(core.biasIh) || Autograd.requiresGradient(core.biasHh);
      add(terms, w.biasX, biases ? biasX : null);
      add(terms, core.biasHh, Autograd.requiresGradient(core.biasHh) ? biasHh : null);
      add(terms, inputsRef, inputs);
      for (int i = 0; i < stateRefs.length; i++) {
        add(terms, stateRefs[i], state[i].reshape(-1));
      }
      if (terms.isEmpty()) {
        return null;
      }
      NDArray sum = terms.get(0);
      for (int i = 1; i < terms.size(); i++) {
        sum = sum.add(terms.get(i));
      }
      return sum;
    }

    private static void add(List<NDArray> terms, NDArray weight, NDArray grad) {
      if (grad != null) {
        terms.add(weight.mul(grad).sum());
      }
    }
  }

  /** The loop and the GEMMs; null when no backward reached the outputs. */
  @Override
  Gradients pass() {
    NDArray dOut = Autograd.gradientOrNull(outputsLeaf);
    NDArray[] dFinal = new NDArray[finalLeaves.size()];
    boolean any = dOut != null;
    for (int i = 0; i < dFinal.length; i++) {
      dFinal[i] = Autograd.gradientOrNull(finalLeaves.get(i));
      any |= dFinal[i] != null;
    }
    if (!any) {
      return null;
    }
    int h = core.hidden;
    for (int i = 0; i < dFinal.length; i++) {
      dFinal[i] = dFinal[i] == null ? null : dFinal[i].reshape(b, h);
    }
    int gh = core.spec.numBlocks() * h;
    NDArray zerosBh = seq.hPrev().getManager().zeros(new Shape(b, h), seq.hPrev().getDataType());
    NDList dOuts = dOut == null ? null : dOut.reshape(t * b, h).split(t, 0);
    GatedCore.Prepared w = core.new Prepared(t);
    Coefficients co = core.coefficients(seq, w);
    boolean lstm = co.q() != null;
    NDArray whhT = w.whh.transpose();
    int blocks = (int) co.k().getShape().get(1);
    NDList ks = co.k().split(t, 0);
    NDList as = co.a().split(t, 0);
    NDList qs = lstm ? co.q().split(t, 0) : null;
    NDList kos = lstm ? co.ko().split(t, 0) : null;
    NDList ms = lstm ? null : co.hiddenMask().split(t, 0);
    NDList[] softmaxes = new NDList[co.cumaxBlocks().length];
    for (int j = 0; j < softmaxes.length; j++) {
      softmaxes[j] = co.cumaxSoftmax()[j].split(t, 0);
    }
    NDArray[] dPx = new NDArray[t];
    NDArray[] dPh = lstm ? dPx : new NDArray[t];
    // δh and δc into step T − 1: the final state's gradients (h_{T−1} is also outputs[T − 1])
    NDArray dh = sum(dOuts == null ? null : dOuts.get(t - 1), dFinal[0], zerosBh);
    NDArray dc = lstm ? (dFinal[1] != null ? dFinal[1] : zerosBh) : null;
    for (int i = t - 1; i >= 0; i--) {
      // ∂L/∂h_{i−1} not yet added when the step's own op could not take it
      boolean outPending = i > 0 && dOuts != null;
      NDArray dhRec;
      if (lstm) {
        NDArray dct = dc.add(dh.mul(qs.get(i)));
        NDArray dPc = dct.reshape(b, 1, h).mul(ks.get(i)).reshape(b, (long) blocks * h);
        NDList parts = cumax(dPc, blocks, i, softmaxes, co.cumaxBlocks());
        parts.add(dh.mul(kos.get(i)));
        dPx[i] = NDArrays.concat(parts, 1);
        dc = dct.mul(as.get(i));
        if (reset[i]) {
          dc = dc.mul(keeps.get(i));
        }
        if (outPending && !reset[i]) {
          dhRec = GatedCore.linear(dPx[i], whhT, dOuts.get(i - 1));
          outPending = false;
        } else {
          dhRec = dPx[i].matMul(w.whh);
        }
      } else {
        NDArray d = dh.reshape(b, 1, h).mul(ks.get(i)).reshape(b, gh);
        dPx[i] = co.cumaxBlocks().length == 0 ? d : NDArrays.concat(cumax(d, blocks, i, softmaxes, co.cumaxBlocks()), 1);
        dPh[i] = dPx[i].mul(ms.get(i));
        dhRec = GatedCore.linear(dPh[i], whhT, dh.mul(as.get(i)));
      }
      if (reset[i]) {
        dhRec = dhRec.mul(keeps.get(i));
      }
      dh = outPending ? dhRec.add(dOuts.get(i - 1)) : dhRec;
    }
    NDArray px = NDArrays.concat(new NDList(dPx), 0);
    NDArray ph = lstm ? px : NDArrays.concat(new NDList(dPh), 0);
    return gemms(core, px, ph, lstm, seq.x(), seq.hPrev(), w, lstm ? new NDArray[] {dh, dc} : new NDArray[] {dh});
  }

  /**
   * The gradients that are one GEMM (or one sum) over all N rows, from dPx and dPh [N, G·H] (the same array for
   * LSTMs), the inputs X [N, I] and h_{t−1} [N, H]: ∂L/∂W_ih' = dPxᵀ X, ∂L/∂W_hh' = dPhᵀ H_prev, ∂L/∂b = Σ_rows,
   * ∂L/∂X = dPx W_ih'.
   */
  static Gradients gemms(GatedCore core, NDArray px, NDArray ph, boolean lstm, NDArray x, NDArray hPrev,
      GatedCore.Prepared w, NDArray[] state) {
    return new Gradients(Autograd.requiresGradient(core.weightIh) ? px.transpose().matMul(x) : null,
        Autograd.requiresGradient(core.weightHh) ? ph.transpose().matMul(hPrev) : null, px.sum(new int[] {0}),
        lstm ? null : ph.sum(new int[] {0}), px.matMul(w.wih), state);
  }

  /** The blocks of dP (a cumax block's turned from ∂L/∂cumax into ∂L/∂P), for one concat. */
  private NDList cumax(NDArray dP, int blocks, int step, NDList[] softmaxes, int[] cumaxBlocks) {
    if (cumaxBlocks.length == 0) {
      return new NDList(dP);
    }
    NDList parts = dP.split(blocks, 1);
    for (int j = 0; j < cumaxBlocks.length; j++) {
      parts.set(cumaxBlocks[j], cumaxBackward(parts.get(cumaxBlocks[j]), softmaxes[j].get(step)));
    }
    return parts;
  }

  /**
   * y = cumax(z) = cumsum(s), s = softmax(z): ∂L/∂s_j = Σ_{k ≥ j} ∂L/∂y_k, then softmax's
   * ∂L/∂z = s ⊙ (∂L/∂s − Σ_j s_j ∂L/∂s_j).
   */
  static NDArray cumaxBackward(NDArray dy, NDArray s) {
    NDArray ds = dy.flip(1).cumSum(1).flip(1);
    NDArray e = ds.mul(s);
    return e.sub(s.mul(e.sum(new int[] {1}, true)));
  }

  private static NDArray sum(NDArray a, NDArray b, NDArray zero) {
    if (a == null && b == null) {
      return zero;
    }
    if (a == null) {
      return b;
    }
    return b == null ? a : a.add(b);
  }
}
