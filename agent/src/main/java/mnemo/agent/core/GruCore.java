package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

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
  protected boolean supportsManualBackward() {
    return true;
  }

  /**
   * Per unit of δh (h' = A ⊙ h + B ⊙ n, n = tanh(x_n + r ⊙ hp_n)): with k_n = B tanh'_n,
   * K_r = k_n ⊙ hp_n ⊙ σ'_r, K_n = k_n (and m = r on the n block: dPh_n = r dPx_n), and
   * <pre>
   * --:  K_z = (h − n) act'_z                                   B = 1 − z   a = z
   * -R:  K_z = (h − n)(1 + r̃(1 − 2z)) act'_z   K_q = (h − n) z(1 − z) 2σ'_q   B = 1 − g   a = g
   * -M:  kω = (z − 1) h − z n;  K_z = ω(h − n) σ'_z   K_F = (h + kω I) act'_F   K_I = −(n + kω F) act'_I
   *      B = î   a = ẑ
   * </pre>
   */
  @Override
  protected GatedBackward.Coefficients coefficients(GatedBackward.Sequence seq, Prepared w) {
    NDArray one = w.one;
    NDArray h = seq.hPrev();
    NDList hp = seq.projection().split(spec.numBlocks(), 1);
    NDList xs = seq.xp().split(spec.numBlocks(), 1);
    NDArray r = sigmoid(xs.get(0).add(hp.get(0)));
    NDArray pz = xs.get(1).add(hp.get(1));
    boolean cumaxZ = spec.main() == CoreSpec.MainGate.CUMAX && spec.aux() != CoreSpec.AuxGate.MASTER;
    NDArray z = cumaxZ ? cumax(pz) : sigmoid(pz);
    NDArray n = xs.get(2).add(r.mul(hp.get(2))).tanh();
    NDArray spread = z.sub(z.square());
    NDArray hn = h.sub(n);
    List<Integer> cumaxBlocks = new ArrayList<>();
    List<NDArray> softmax = new ArrayList<>();
    NDArray kz;
    NDArray bn;
    NDArray a;
    List<NDArray> aux = new ArrayList<>();
    switch (spec.aux()) {
      case REFINE -> {
        NDArray q = sigmoid(xs.get(3).add(hp.get(3)));
        NDArray rt = q.mul(2).sub(one);
        NDArray g = z.add(rt.mul(spread));
        kz = hn.mul(one.add(rt.mul(one.sub(z.mul(2)))));
        aux.add(hn.mul(spread).mul(dSigmoid(q).mul(2)));
        bn = one.sub(g);
        a = g;
      }
      case MASTER -> {
        MasterGates mg = masterGates(z, h, n, xs.get(3).add(hp.get(3)), xs.get(4).add(hp.get(4)),
            spec.main() == CoreSpec.MainGate.CUMAX, 3, one, cumaxBlocks, softmax);
        kz = mg.kMain();
        aux.add(mg.kF());
        aux.add(mg.kI());
        bn = mg.bHat();
        a = mg.aHat();
      }
      default -> {
        kz = hn;
        bn = one.sub(z);
        a = z;
      }
    }
    if (cumaxZ) {
      cumaxBlocks.add(0, 1);
      softmax.add(0, pz.softmax(-1));
    } else {
      kz = kz.mul(spread);
    }
    NDArray kn = bn.mul(dTanh(n, one));
    List<NDArray> k = new ArrayList<>(List.of(kn.mul(hp.get(2)).mul(dSigmoid(r)), kz, kn));
    k.addAll(aux);
    NDArray ones = r.onesLike();
    List<NDArray> mask = new ArrayList<>(List.of(ones, ones, r));
    for (int i = 3; i < spec.numBlocks(); i++) {
      mask.add(ones);
    }
    return new GatedBackward.Coefficients(NDArrays.stack(new NDList(k), 1), null, null, a,
        NDArrays.concat(new NDList(mask), 1), cumaxBlocks.stream().mapToInt(Integer::intValue).toArray(),
        softmax.toArray(new NDArray[0]));
  }

  @Override
  protected NDList cell(NDArray xp, NDList state, Prepared w) {
    NDArray h = state.get(0);
    NDList hp = w.recurrent(h, biasHh).split(spec.numBlocks(), 1);
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
