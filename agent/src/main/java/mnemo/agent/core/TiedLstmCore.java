package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.List;

/**
 * The paper's LSTM with the input gate tied to 1 − f, and its gate variants. Blocks stacked as
 * (forget, [refine | master_forget, master_input], candidate, output).
 *
 * <pre>
 * f = σ(P_f)  (cumax(P_f) for O-)           u = tanh(P_u)      o = σ(P_o)
 * -R: r = σ(P_r) [σ(P_r − b_f) with refine_offset];  g = f + (2r − 1) ⊙ f ⊙ (1 − f)   else g = f
 * --, -R: c' = g ⊙ c + (1 − g) ⊙ u = u + g ⊙ (c − u)
 * -M: F = act(P_F), I = 1 − act(P_I) (act = cumax for OM, σ otherwise), ω = F ⊙ I,
 *     f̂ = f ⊙ ω + (F − ω), î = (1 − f) ⊙ ω + (I − ω),  c' = f̂ ⊙ c + î ⊙ u
 * h' = o ⊙ tanh(c')
 * </pre>
 */
final class TiedLstmCore extends GatedCore {

  TiedLstmCore(CoreSpec spec, NDArray weightIh, NDArray weightHh, NDArray biasIh, NDArray biasHh) {
    super(spec, weightIh, weightHh, biasIh, biasHh);
  }

  @Override
  protected NDArray inputBias() {
    NDArray b = biasIh.add(biasHh);
    if (spec.refineOffset()) {
      // r = σ(P_r − b_f): subtract the forget block's bias from the refine block's
      NDList blocks = b.split(spec.numBlocks());
      blocks.set(1, blocks.get(1).sub(blocks.get(0)));
      b = ai.djl.ndarray.NDArrays.concat(blocks);
    }
    return b;
  }

  /** With a sigmoid refine gate, its rows are halved so that one tanh gives 2r − 1 = tanh(P_r / 2). */
  private boolean fastRefine() {
    return spec.aux() == CoreSpec.AuxGate.REFINE && spec.main() != CoreSpec.MainGate.CUMAX;
  }

  @Override
  protected double[] blockScales() {
    return fastRefine() ? new double[] {1, 0.5, 1, 1} : null;
  }

  @Override
  protected boolean supportsManualBackward() {
    return true;
  }

  /**
   * Per unit of δc~ (c' = A ⊙ c + B ⊙ u): ∂/∂A = c, ∂/∂B = u, so
   * <pre>
   * --:  K_f = (c − u) ⊙ act'_f            K_u = (1 − f) ⊙ tanh'_u            a = f
   * -R:  K_f = (c − u)(1 + r̃(1 − 2f)) ⊙ act'_f   K_r = (c − u) f(1 − f) ⊙ ∂r̃/∂P_r   K_u = (1 − g) tanh'_u   a = g
   *      (r̃ = 2r − 1 = tanh(P_r / 2) with the halved rows: ∂r̃/∂P' = 1 − r̃²; else 2σ'_r)
   * -M:  kω = (f − 1) c − f u;  K_f = ω(c − u) σ'_f   K_F = (c + kω I) act'_F   K_I = −(u + kω F) act'_I
   *      K_u = î tanh'_u   a = f̂
   * </pre>
   * where act' is σ' for a sigmoid block; a cumax block keeps ∂/∂cumax (GatedBackward applies cumax's).
   */
  @Override
  protected GatedBackward.Coefficients coefficients(GatedBackward.Sequence seq, Prepared w) {
    NDArray one = w.one;
    NDArray c = seq.cPrev();
    NDList p = seq.projection().split(spec.numBlocks(), 1);
    int last = spec.numBlocks() - 1;
    NDArray o = sigmoid(p.get(last));
    NDArray u = p.get(last - 1).tanh();
    NDArray du = dTanh(u, one);
    NDArray cu = c.sub(u);
    List<NDArray> k = new ArrayList<>();
    List<Integer> cumaxBlocks = new ArrayList<>();
    List<NDArray> softmax = new ArrayList<>();
    NDArray a;
    boolean cumaxF = spec.main() == CoreSpec.MainGate.CUMAX && spec.aux() != CoreSpec.AuxGate.MASTER;
    NDArray f = cumaxF ? cumax(p.get(0)) : sigmoid(p.get(0));
    NDArray spread = f.sub(f.square());
    switch (spec.aux()) {
      case REFINE -> {
        // r̃ = 2r − 1
        NDArray rt = w.scaled ? p.get(1).tanh() : sigmoid(p.get(1)).mul(2).sub(one);
        NDArray g = f.add(rt.mul(spread));
        NDArray kf = cu.mul(one.add(rt.mul(one.sub(f.mul(2)))));
        k.add(cumaxF ? kf : kf.mul(spread));
        NDArray dRt = w.scaled ? dTanh(rt, one) : dTanh(rt, one).div(2); // 2σ' = (1 − r̃²) / 2
        k.add(cu.mul(spread).mul(dRt));
        k.add(one.sub(g).mul(du));
        a = g;
      }
      case MASTER -> {
        MasterGates mg = masterGates(f, c, u, p.get(1), p.get(2), spec.main() == CoreSpec.MainGate.CUMAX, 1, one,
            cumaxBlocks, softmax);
        k.add(mg.kMain().mul(spread));
        k.add(mg.kF());
        k.add(mg.kI());
        k.add(mg.bHat().mul(du));
        a = mg.aHat();
      }
      default -> {
        k.add(cumaxF ? cu : cu.mul(spread));
        k.add(one.sub(f).mul(du));
        a = f;
      }
    }
    if (cumaxF) {
      cumaxBlocks.add(0, 0);
      softmax.add(0, p.get(0).softmax(-1));
    }
    return outputGate(NDArrays.stack(new NDList(k), 1), a, o, seq.c(), one,
        cumaxBlocks.stream().mapToInt(Integer::intValue).toArray(), softmax.toArray(new NDArray[0]));
  }

  @Override
  protected NDList cell(NDArray xp, NDList state, Prepared w) {
    NDArray h = state.get(0);
    NDArray c = state.get(1);
    if (w.scaled) {
      // blocks (f, r, u, o) with r's rows halved: split as [f | r, u | o], one tanh for r̃ = 2r − 1 and u
      NDList p = w.recurrent(h, xp).split(new long[] {hidden, 3L * hidden}, 1);
      NDArray f = sigmoid(p.get(0));
      NDList ru = p.get(1).tanh().split(2, 1);
      NDArray u = ru.get(1);
      // g = f + (2r − 1) f (1 − f)
      NDArray g = f.add(ru.get(0).mul(f.sub(f.square())));
      NDArray c2 = u.add(g.mul(c.sub(u)));
      return new NDList(sigmoid(p.get(2)).mul(c2.tanh()), c2);
    }
    NDList p = w.recurrent(h, xp).split(spec.numBlocks(), 1);
    int k = 0;
    NDArray pf = p.get(k++);
    boolean cumaxF = spec.main() == CoreSpec.MainGate.CUMAX && spec.aux() != CoreSpec.AuxGate.MASTER;
    NDArray f = cumaxF ? cumax(pf) : sigmoid(pf);
    NDArray c2;
    switch (spec.aux()) {
      case REFINE -> {
        NDArray g = refine(f, sigmoid(p.get(k++)), w.one);
        NDArray u = p.get(k++).tanh();
        c2 = u.add(g.mul(c.sub(u)));
      }
      case MASTER -> {
        boolean cumaxMaster = spec.main() == CoreSpec.MainGate.CUMAX;
        NDArray bigF = cumaxMaster ? cumax(p.get(k++)) : sigmoid(p.get(k++));
        NDArray bigI = w.one.sub(cumaxMaster ? cumax(p.get(k++)) : sigmoid(p.get(k++)));
        NDArray u = p.get(k++).tanh();
        NDArray omega = bigF.mul(bigI);
        NDArray fHat = f.mul(omega).add(bigF.sub(omega));
        NDArray iHat = w.one.sub(f).mul(omega).add(bigI.sub(omega));
        c2 = fHat.mul(c).add(iHat.mul(u));
      }
      default -> {
        NDArray u = p.get(k++).tanh();
        c2 = u.add(f.mul(c.sub(u)));
      }
    }
    NDArray o = sigmoid(p.get(k));
    return new NDList(o.mul(c2.tanh()), c2);
  }
}
