package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * sLSTM (Beck et al. 2024, xLSTM) with one head: exponential input gate, sigmoid forget gate in log
 * space, a normaliser state n and a stabiliser state m. Blocks (input, forget, candidate, output);
 * state (h, c, n, m), all zero after a reset.
 *
 * <pre>
 * ĩ, f̃, z̃, õ = P_i, P_f, P_z, P_o            P_k = W_ik x + b_ik + R_k h + b_hk
 * m' = max(log σ(f̃) + m, ĩ)
 * i' = exp(ĩ − m')   f' = exp(log σ(f̃) + m − m')
 * c' = f' ⊙ c + i' ⊙ tanh(z̃)    n' = f' ⊙ n + i'
 * h' = σ(õ) ⊙ c' / n'
 * </pre>
 *
 * n' ≥ i' > 0 in exact arithmetic; the division uses max(n', 10⁻³⁰) so that an n' that underflows
 * in float32 (ĩ more than ~87 below m' right after a reset) gives h' = 0 instead of 0 / 0.
 */
final class SlstmCore extends GatedCore {

  /** The smallest normaliser divided by. */
  static final double MIN_NORMALISER = 1e-30;

  SlstmCore(CoreSpec spec, NDArray weightIh, NDArray weightHh, NDArray biasIh, NDArray biasHh) {
    super(spec, weightIh, weightHh, biasIh, biasHh);
  }

  @Override
  protected NDArray inputBias() {
    return biasIh.add(biasHh);
  }

  @Override
  protected NDList cell(NDArray xp, NDList state, Prepared w) {
    NDArray h = state.get(0);
    NDArray c = state.get(1);
    NDArray n = state.get(2);
    NDArray m = state.get(3);
    NDList p = linear(h, w.whh, xp).split(4, 1);
    NDArray iTilde = p.get(0);
    // log σ(f̃) + m
    NDArray logFPlusM = ScanCore.logSigmoid(p.get(1)).add(m);
    NDArray m2 = logFPlusM.maximum(iTilde);
    NDArray i = iTilde.sub(m2).exp();
    NDArray f = logFPlusM.sub(m2).exp();
    NDArray c2 = f.mul(c).add(i.mul(p.get(2).tanh()));
    NDArray n2 = f.mul(n).add(i);
    NDArray h2 = sigmoid(p.get(3)).mul(c2.div(n2.maximum(MIN_NORMALISER)));
    return new NDList(h2, c2, n2, m2);
  }
}
