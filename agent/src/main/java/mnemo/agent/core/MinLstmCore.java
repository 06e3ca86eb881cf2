package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * minLSTM (Feng et al. 2024, "Were RNNs All We Needed?"): forget and input gates from the input
 * only, normalised to sum to 1; blocks (forget, input, candidate).
 *
 * <pre>
 * f = σ(W_f x + b_f)   i = σ(W_i x + b_i)   h̃ = W_h x + b_h
 * f' = f / (f + i)   i' = i / (f + i)
 * h' = f' ⊙ h + i' ⊙ h̃
 * </pre>
 *
 * Computed as f' = σ(d), i' = σ(−d) with d = log f − log i = log σ(P_f) − log σ(P_i) (the same
 * numbers; f + i never underflows to 0 / 0); scan form: log a = log f' = log σ(d), b = i' ⊙ h̃.
 */
final class MinLstmCore extends ScanCore {

  MinLstmCore(CoreSpec spec, NDArray weightIh, NDArray biasIh) {
    super(spec, weightIh, biasIh);
  }

  /** d = log f − log i, from the (forget, input) blocks. */
  private static NDArray logRatio(NDList p) {
    return logSigmoid(p.get(0)).sub(logSigmoid(p.get(1)));
  }

  @Override
  protected Coefficients coefficients(NDArray xp) {
    NDList p = xp.split(3, 1);
    NDArray d = logRatio(p);
    // log f' = log σ(d);  b = i' ⊙ h̃ = σ(−d) ⊙ h̃
    return new Coefficients(logSigmoid(d), GatedCore.sigmoid(d.neg()).mul(p.get(2)));
  }

  @Override
  protected NDArray next(NDArray xp, NDArray h) {
    NDList p = xp.split(3, 1);
    NDArray fNorm = GatedCore.sigmoid(logRatio(p));
    NDArray candidate = p.get(2);
    // f' ⊙ h + i' ⊙ h̃ = h̃ + f' ⊙ (h − h̃), as i' = 1 − f'
    return candidate.add(fNorm.mul(h.sub(candidate)));
  }
}
