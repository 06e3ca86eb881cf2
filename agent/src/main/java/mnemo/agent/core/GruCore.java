package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * PyTorch's {@code GRUCell} (blocks r, z, n) and the paper's GRU variants, whose gates act on the
 * update gate z (the gate that keeps the old state). Blocks stacked as (reset, update, candidate,
 * [refine | master_forget, master_input]).
 *
 * <pre>
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)       (the reset gate stays plain)
 * z = σ(P_z)  (cumax(P_z) for O-)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 * -R: q = σ(P_q) [σ(P_q − b_z) with refine_offset];  g = z + (2q − 1) ⊙ z ⊙ (1 − z)   else g = z
 * --, -R: h' = g ⊙ h + (1 − g) ⊙ n = n + g ⊙ (h − n)
 * -M: F = act(P_F), I = 1 − act(P_I), ω = F ⊙ I, ẑ = z ⊙ ω + (F − ω), î = (1 − z) ⊙ ω + (I − ω),
 *     h' = ẑ ⊙ h + î ⊙ n
 * </pre>
 */
final class GruCore extends GatedCore {

  GruCore(CoreSpec spec, NDArray weightIh, NDArray weightHh, NDArray biasIh, NDArray biasHh) {
    super(spec, weightIh, weightHh, biasIh, biasHh);
  }

  @Override
  protected NDArray inputBias() {
    NDArray b = biasIh.add(0);
    if (spec.refineOffset()) {
      // q = σ(P_q − b_z), b_z = b_iz + b_hz
      NDList ih = b.split(spec.numBlocks());
      NDList hh = biasHh.split(spec.numBlocks());
      ih.set(3, ih.get(3).sub(ih.get(1)).sub(hh.get(1)));
      b = ai.djl.ndarray.NDArrays.concat(ih);
    }
    return b;
  }

  @Override
  protected NDList cell(NDArray xp, NDList state, Prepared w) {
    NDArray h = state.get(0);
    NDList hp = linear(h, w.whh, biasHh).split(spec.numBlocks(), 1);
    NDList xs = xp.split(spec.numBlocks(), 1);
    NDArray r = sigmoid(xs.get(0).add(hp.get(0)));
    NDArray pz = xs.get(1).add(hp.get(1));
    boolean cumaxZ = spec.main() == CoreSpec.MainGate.CUMAX && spec.aux() != CoreSpec.AuxGate.MASTER;
    NDArray z = cumaxZ ? cumax(pz) : sigmoid(pz);
    NDArray n = xs.get(2).add(r.mul(hp.get(2))).tanh();
    NDArray h2;
    switch (spec.aux()) {
      case REFINE -> {
        NDArray g = refine(z, sigmoid(xs.get(3).add(hp.get(3))), w.one);
        h2 = n.add(g.mul(h.sub(n)));
      }
      case MASTER -> {
        boolean cumaxMaster = spec.main() == CoreSpec.MainGate.CUMAX;
        NDArray pF = xs.get(3).add(hp.get(3));
        NDArray pI = xs.get(4).add(hp.get(4));
        NDArray bigF = cumaxMaster ? cumax(pF) : sigmoid(pF);
        NDArray bigI = w.one.sub(cumaxMaster ? cumax(pI) : sigmoid(pI));
        NDArray omega = bigF.mul(bigI);
        NDArray zHat = z.mul(omega).add(bigF.sub(omega));
        NDArray iHat = w.one.sub(z).mul(omega).add(bigI.sub(omega));
        h2 = zHat.mul(h).add(iHat.mul(n));
      }
      default -> h2 = n.add(z.mul(h.sub(n)));
    }
    return new NDList(h2);
  }
}
