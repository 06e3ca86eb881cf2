package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * PyTorch's {@code LSTMCell}, blocks (i, f, g, o):
 *
 * <pre>
 * i = σ(P_i), f = σ(P_f), g = tanh(P_g), o = σ(P_o)    P_k = W_ik x + b_ik + W_hk h + b_hk
 * c' = f ⊙ c + i ⊙ g
 * h' = o ⊙ tanh(c')
 * </pre>
 */
final class LstmCore extends GatedCore {

  LstmCore(CoreSpec spec, NDArray weightIh, NDArray weightHh, NDArray biasIh, NDArray biasHh) {
    super(spec, weightIh, weightHh, biasIh, biasHh);
  }

  @Override
  protected NDArray inputBias() {
    return biasIh.add(biasHh);
  }

  @Override
  protected boolean supportsManualBackward() {
    return true;
  }

  /**
   * c' = f c + i g, h' = o tanh c':  K = [g ⊙ σ'_i, c ⊙ σ'_f, i ⊙ tanh'_g] per unit of δc~, a = f
   * (σ' = σ(1 − σ), tanh' = 1 − tanh²).
   */
  @Override
  protected GatedBackward.Coefficients coefficients(GatedBackward.Sequence seq, Prepared w) {
    NDList p = seq.projection().split(4, 1);
    NDArray i = sigmoid(p.get(0));
    NDArray f = sigmoid(p.get(1));
    NDArray g = p.get(2).tanh();
    NDArray o = sigmoid(p.get(3));
    NDArray k = NDArrays.stack(new NDList(g.mul(dSigmoid(i)), seq.cPrev().mul(dSigmoid(f)), i.mul(dTanh(g, w.one))), 1);
    return outputGate(k, f, o, seq.c(), w.one, new int[0], new NDArray[0]);
  }

  @Override
  protected NDList cell(NDArray xp, NDList state, Prepared w) {
    NDArray h = state.get(0);
    NDArray c = state.get(1);
    // P = h W_hhᵀ + xp (one addmm); σ over the contiguous (i, f) blocks at once
    NDList p = w.recurrent(h, xp).split(new long[] {2L * hidden, 3L * hidden}, 1);
    NDList ifg = sigmoid(p.get(0)).split(2, 1);
    NDArray i = ifg.get(0);
    NDArray f = ifg.get(1);
    NDArray g = p.get(1).tanh();
    NDArray o = sigmoid(p.get(2));
    NDArray c2 = f.mul(c).add(i.mul(g));
    return new NDList(o.mul(c2.tanh()), c2);
  }
}
