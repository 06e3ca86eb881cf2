package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * minGRU (Feng et al. 2024, "Were RNNs All We Needed?"): the GRU's gates without h, blocks
 * (update, candidate).
 *
 * <pre>
 * z = σ(W_z x + b_z)   h̃ = W_h x + b_h
 * h' = (1 − z) ⊙ h + z ⊙ h̃
 * scan form: a = 1 − z, log a = −softplus(P_z);  b = z ⊙ h̃
 * </pre>
 */
final class MinGruCore extends ScanCore {

  MinGruCore(CoreSpec spec, NDArray weightIh, NDArray biasIh) {
    super(spec, weightIh, biasIh);
  }

  @Override
  protected Coefficients coefficients(NDArray xp) {
    NDList p = xp.split(2, 1);
    NDArray pz = p.get(0);
    NDArray candidate = p.get(1);
    // log(1 − σ(P_z)) = log σ(−P_z)
    return new Coefficients(logSigmoid(pz.neg()), GatedCore.sigmoid(pz).mul(candidate));
  }

  @Override
  protected NDArray next(NDArray xp, NDArray h) {
    NDList p = xp.split(2, 1);
    NDArray z = GatedCore.sigmoid(p.get(0));
    NDArray candidate = p.get(1);
    // (1 − z) ⊙ h + z ⊙ h̃ = h + z ⊙ (h̃ − h)
    return h.add(z.mul(candidate.sub(h)));
  }
}
