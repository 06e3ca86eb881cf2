package mnemo.agent.core;

/**
 * The LSTM and GRU families' cells as plain Java loops on float arrays: the forward of an unroll (keeping a
 * tape) and its backward through time. At small H an unroll's cost in libtorch is per-operation dispatch,
 * about 15 ops per step each way; here a step is a few loops the JIT vectorises. No DJL in this class:
 * {@link JavaUnroll} feeds it the prepared weights ({@link GatedCore.Prepared}: scaled rows, folded biases)
 * and hands its gradients back to autograd.
 *
 * <p>Notation as in {@link GatedBackward}: T steps, B rows, G blocks of H units, GH = G·H; arrays are
 * row-major, [T, B, ·] flattened. Every cell except PyTorch's LSTM has the form
 * <pre>
 * s' = A ⊙ s + B ⊙ v      s = c (LSTMs) or h (GRUs), v = u = tanh(P_u) or n = tanh(x_n + r ⊙ hp_n)
 * --:  A = m, B = 1 − m                 m = σ(P_m) or cumax(P_m) (the main gate f or z)
 * -R:  g = m + r̃ m (1 − m), A = g, B = 1 − g        r̃ = 2σ(P_r) − 1 (= tanh(P'_r) with the rows halved)
 * -M:  ω = F I, A = m ω + F − ω, B = (1 − m) ω + I − ω      F = act(P_F), I = 1 − act(P_I)
 * LSTMs: h' = o ⊙ tanh(c'), o = σ(P_o);   PyTorch's LSTM: A = f, B = i, v = g
 * </pre>
 * and its backward, from δs' (LSTMs: δc~ = δc + δh ⊙ o ⊙ (1 − tanh²c'); GRUs: δh), is
 * <pre>
 * δA = δs' s, δB = δs' v, δv = δs' B, δs = δs' A (the direct path)
 * --:  δm = δA − δB     -R:  δg = δA − δB, δm = δg (1 + r̃ (1 − 2m)), δr̃ = δg m (1 − m)
 * -M:  δm = (δA − δB) ω, δω = δA (m − 1) − δB m, δF = δA + δω I, δ act(P_I) = −(δB + δω F)
 * then through σ' = σ(1 − σ), tanh' = 1 − tanh², cumax' ({@link #cumaxBackward}); GRUs: dPh_n = r dPx_n,
 * δr = dPx_n hp_n; δh_{t−1} = (dPh W_hh + [GRU] δs) ⊙ keep_t + ∂L/∂h_{t−1}
 * </pre>
 * which are the coefficients of {@link GatedBackward}'s class comment, applied row by row.
 */
final class JavaCell {

  private enum Kind { LSTM, TIED_LSTM, GRU }

  private final Kind kind;
  private final CoreSpec.AuxGate aux;
  /** The main gate is cumax (O-, without master gates). */
  private final boolean cumaxMain;
  /** The master gates are cumax (OM). */
  private final boolean cumaxMaster;
  final int h;
  final int gh;
  /** Block offsets (units): the main gate, the auxiliary (refine, or F with I after it), the candidate, the output. */
  private final int main;
  private final int auxBlock;
  private final int cand;
  private final int out;

  JavaCell(CoreSpec spec) {
    kind = switch (spec.cell()) {
      case LSTM -> Kind.LSTM;
      case TIED_LSTM -> Kind.TIED_LSTM;
      case GRU, PAPER_GRU -> Kind.GRU;
      default -> throw new IllegalArgumentException(spec.name() + " has no Java cell");
    };
    aux = spec.aux();
    cumaxMain = spec.main() == CoreSpec.MainGate.CUMAX && aux != CoreSpec.AuxGate.MASTER;
    cumaxMaster = spec.main() == CoreSpec.MainGate.CUMAX && aux == CoreSpec.AuxGate.MASTER;
    h = spec.hidden();
    int g = spec.numBlocks();
    gh = g * h;
    switch (kind) {
      case LSTM -> { // i, f, g, o
        main = h;
        auxBlock = 0;
        cand = 2 * h;
        out = 3 * h;
      }
      case TIED_LSTM -> { // f, [r | F, I], u, o
        main = 0;
        auxBlock = h;
        cand = (g - 2) * h;
        out = (g - 1) * h;
      }
      default -> { // r, z, n, [q | F, I]
        main = h;
        auxBlock = 3 * h;
        cand = 2 * h;
        out = -1;
      }
    }
  }

  boolean lstm() {
    return kind != Kind.GRU;
  }

  /**
   * The weights as the unroll uses them (row-scaled, biases folded).
   *
   * <p>Matrices are arrays of rows, as {@link RowGemm} multiplies them: a loop {@code y[c] += a * w[c]} over two
   * row arrays is vectorised by C2, the same loop over one flat array at two offsets is not (it cannot rule out
   * overlap; measured 5x slower).
   *
   * @param whh {@code [GH][H]} W_hh' (the backward's layout; null for inference)
   * @param whhT {@code [H][GH]} its transpose (the forward's)
   * @param biasHh {@code [GH]} b_hh, added to the GRUs' recurrent projection (null for LSTMs, folded into xp)
   * @param scaled whether the refine rows were halved (r̃ = tanh(P'_r))
   */
  record Weights(float[][] whh, float[][] whhT, float[] biasHh, boolean scaled) {
    /** From W_hh' {@code [GH, H]} flat. */
    static Weights of(float[] whh, int gh, int h, float[] biasHh, boolean scaled) {
      float[][] rows = new float[gh][h];
      float[][] t = new float[h][gh];
      for (int j = 0; j < gh; j++) {
        for (int k = 0; k < h; k++) {
          rows[j][k] = whh[j * h + k];
          t[k][j] = whh[j * h + k];
        }
      }
      return new Weights(rows, t, biasHh, scaled);
    }

  }

  /**
   * A core's weights for an inference forward, copied to float arrays: W' = W with each gate block's rows
   * scaled by {@code scales} (null: unscaled; see {@link GatedCore#blockScales()}), laid out as the loops
   * read them.
   *
   * @param wihT {@code [I][GH]} W_ih'ᵀ, for xp = x W_ih'ᵀ + b'
   * @param bias {@code [GH]} b' = the folded input bias ({@link GatedCore#inputBias()}), scaled
   * @param recurrent W_hh'ᵀ as rows {@code [H][GH]} (no untransposed copy), b_hh for GRUs
   */
  record Folded(float[][] wihT, float[] bias, Weights recurrent) {
    /** Transposed here: cheaper than a libtorch op at these sizes. */
    static Folded of(GatedCore core, JavaCell cell, double[] scales) {
      int in = core.inputSize;
      int gh = cell.gh;
      int h = cell.h;
      float[] wih = core.weightIh.toFloatArray();
      float[] whh = core.weightHh.toFloatArray();
      float[] bias = core.inputBias().toFloatArray();
      float[][] wihT = new float[in][gh];
      float[][] whhT = new float[h][gh];
      for (int j = 0; j < gh; j++) {
        float sc = scales == null ? 1f : (float) scales[j / h];
        for (int i = 0; i < in; i++) {
          wihT[i][j] = wih[j * in + i] * sc;
        }
        for (int k = 0; k < h; k++) {
          whhT[k][j] = whh[j * h + k] * sc;
        }
        bias[j] *= sc;
      }
      float[] bhh = cell.lstm() ? null : core.biasHh.toFloatArray();
      return new Folded(wihT, bias, new Weights(null, whhT, bhh, scales != null));
    }

    /** xp = x W_ih'ᵀ + b' for {@code n} rows of x {@code [N·I]}, flat {@code [N·GH]}. */
    float[] project(float[] x, int n) {
      int gh = bias.length;
      float[][] rows = new float[n][];
      for (int r = 0; r < n; r++) {
        rows[r] = bias.clone();
      }
      RowGemm.addProduct(x, 0, wihT, rows, n, wihT.length);
      float[] xp = new float[n * gh];
      for (int r = 0; r < n; r++) {
        System.arraycopy(rows[r], 0, xp, r * gh, gh);
      }
      return xp;
    }
  }

  /**
   * What the forward keeps for the backward, all [T, B, ·] flattened.
   *
   * @param act {@code [T·B·GH]} each block's activation: σ, tanh or r̃; a cumax block's softmax
   * @param hPrev {@code [T·B·H]} h_{t−1} as step t saw it (after its reset)
   * @param cPrev {@code [T·B·H]} c_{t−1} likewise (LSTMs; else null)
   * @param tanhC {@code [T·B·H]} tanh c_t (LSTMs; else null)
   * @param hpn {@code [T·B·H]} the candidate block of h W_hhᵀ + b_hh (GRUs; else null)
   * @param keep {@code [T·B]} 1 − reset, or null
   */
  record Tape(float[] act, float[] hPrev, float[] cPrev, float[] tanhC, float[] hpn, float[] keep) {}

  /**
   * @param outputs {@code [T·B·H]} h_t
   * @param h {@code [B·H]} the final h
   * @param c {@code [B·H]} the final c (LSTMs; else null)
   * @param tape null unless asked for
   */
  record Forward(float[] outputs, float[] h, float[] c, Tape tape) {}

  /**
   * @param dPx {@code [T·B·GH]} ∂L/∂ of the input projection's pre-activations (= ∂L/∂ of W_ih' x + b)
   * @param dPh {@code [T·B·GH]} ∂L/∂ of the recurrent projection h W_hh'ᵀ (+ b_hh); the same array as dPx for LSTMs
   * @param dh0 {@code [B·H]} ∂L/∂h_0 (the initial state)
   * @param dc0 {@code [B·H]} ∂L/∂c_0 (LSTMs; else null)
   */
  record Backward(float[] dPx, float[] dPh, float[] dh0, float[] dc0) {}

  /**
   * T steps from the initial state.
   *
   * @param xp {@code [T·B·GH]} x W_ih'ᵀ + the folded bias
   * @param h0 {@code [B·H]} (not modified)
   * @param c0 {@code [B·H]} (LSTMs; else ignored)
   * @param keep {@code [T·B]} 1 − reset (0 zeroes the state before the step), or null
   */
  Forward forward(float[] xp, Weights w, float[] h0, float[] c0, float[] keep, int t, int b, boolean keepTape) {
    boolean isLstm = lstm();
    int n = t * b;
    float[] outputs = new float[n * h];
    float[] hs = h0.clone();
    float[] cs = isLstm ? c0.clone() : null;
    float[] hn = new float[b * h];
    float[] cn = isLstm ? new float[b * h] : null;
    Tape tape = keepTape ? new Tape(new float[n * gh], new float[n * h], isLstm ? new float[n * h] : null,
        isLstm ? new float[n * h] : null, isLstm ? null : new float[n * h], keep) : null;
    float[] act = keepTape ? tape.act : new float[b * gh];
    float[][] proj = new float[b][gh];
    float[] scratch = new float[4 * h];
    for (int i = 0; i < t; i++) {
      if (resets(keep, i, b)) {
        // s ⊙ keep, as the libtorch cell does (a NaN state stays NaN through a reset, so bad batches still show)
        mask(hs, keep, i, b, h);
        if (isLstm) {
          mask(cs, keep, i, b, h);
        }
      }
      if (keepTape) {
        System.arraycopy(hs, 0, tape.hPrev, i * b * h, b * h);
        if (isLstm) {
          System.arraycopy(cs, 0, tape.cPrev, i * b * h, b * h);
        }
      }
      // proj = h W_hh'ᵀ + (LSTMs: xp_t, so proj is P; GRUs: b_hh)
      for (int r = 0; r < b; r++) {
        System.arraycopy(isLstm ? xp : w.biasHh, isLstm ? (i * b + r) * gh : 0, proj[r], 0, gh);
      }
      RowGemm.addProduct(hs, 0, w.whhT, proj, b, h);
      for (int r = 0; r < b; r++) {
        int row = i * b + r;
        int actOff = keepTape ? row * gh : r * gh;
        if (isLstm) {
          int tc = keepTape ? row * h : -1;
          lstmRow(proj[r], 0, act, actOff, w.scaled, cs, hn, cn, r * h, keepTape ? tape.tanhC : null, tc, scratch);
        } else {
          if (keepTape) {
            System.arraycopy(proj[r], cand, tape.hpn, row * h, h);
          }
          gruRow(xp, row * gh, proj[r], 0, act, actOff, hs, hn, r * h, scratch);
        }
      }
      float[] swap = hs;
      hs = hn;
      hn = swap;
      System.arraycopy(hs, 0, outputs, i * b * h, b * h);
      if (isLstm) {
        swap = cs;
        cs = cn;
        cn = swap;
      }
    }
    return new Forward(outputs, hs, cs, tape);
  }

  /**
   * One LSTM row: activations of P (at {@code p[po..]}) into {@code act}, c' and h' into cn, hn at {@code so}
   * (c from cs).
   */
  private void lstmRow(float[] p, int po, float[] act, int ao, boolean scaled, float[] cs, float[] hn, float[] cn,
      int so, float[] tanhC, int tco, float[] scratch) {
    if (kind == Kind.LSTM) {
      sigmoid(p, po, act, ao, 2 * h); // i, f
      tanh(p, po + cand, act, ao + cand, h);
      sigmoid(p, po + out, act, ao + out, h);
      int j0 = RowGemm.vectorKernel() ? VectorMath.lstmState(act, ao, main, cand, cs, cn, so, h) : 0;
      for (int j = j0; j < h; j++) {
        cn[so + j] = act[ao + main + j] * cs[so + j] + act[ao + j] * act[ao + cand + j];
      }
    } else {
      float[] m = mainGate(p, po, act, ao, scratch);
      activateAux(p, po, act, ao, scaled, scratch);
      tanh(p, po + cand, act, ao + cand, h);
      sigmoid(p, po + out, act, ao + out, h);
      combine(m, act, ao, cs, so, act, ao + cand, cn, so, scratch);
    }
    // tanh c' into the tape, or into the scratch (free again once c' is made)
    float[] tc = tanhC != null ? tanhC : scratch;
    int to = tanhC != null ? tco : 0;
    tanh(cn, so, tc, to, h);
    for (int j = 0; j < h; j++) {
      hn[so + j] = act[ao + out + j] * tc[to + j];
    }
  }

  /** One GRU row: pre-activations from xp (at xo) and hp (at po), activations into act, h' into hn at so. */
  private void gruRow(float[] xp, int xo, float[] hp, int po, float[] act, int ao, float[] hs, float[] hn, int so,
      float[] scratch) {
    // every gated block's pre-activation x + hp, in place in hp (the candidate's hp_n stays for n): the blocks
    // before the candidate and those after it, two plain loops C2 vectorises
    for (int j = 0; j < cand; j++) {
      hp[po + j] += xp[xo + j];
    }
    for (int j = cand + h; j < gh; j++) {
      hp[po + j] += xp[xo + j];
    }
    sigmoid(hp, po, act, ao, h); // r
    float[] m = mainGate(hp, po, act, ao, scratch);
    activateAux(hp, po, act, ao, false, scratch);
    // n = tanh(x_n + r ⊙ hp_n)
    int j0 = RowGemm.vectorKernel() ? VectorMath.gruCandidate(xp, xo + cand, act, ao, cand, hp, po + cand, h) : 0;
    for (int j = j0; j < h; j++) {
      act[ao + cand + j] = xp[xo + cand + j] + act[ao + j] * hp[po + cand + j];
    }
    tanh(act, ao + cand, act, ao + cand, h);
    combine(m, act, ao, hs, so, act, ao + cand, hn, so, scratch);
  }

  /** The main gate's activation into act; returns its value m (act itself, or cumsum of the softmax in scratch). */
  private float[] mainGate(float[] p, int po, float[] act, int ao, float[] scratch) {
    if (cumaxMain) {
      softmax(p, po + main, act, ao + main, h);
      cumsum(act, ao + main, scratch, 0, h);
      return scratch;
    }
    sigmoid(p, po + main, act, ao + main, h);
    return null;
  }

  private void activateAux(float[] p, int po, float[] act, int ao, boolean scaled, float[] scratch) {
    switch (aux) {
      case REFINE -> {
        if (scaled) {
          tanh(p, po + auxBlock, act, ao + auxBlock, h);
        } else {
          // r̃ = 2σ(P_r) − 1
          sigmoid(p, po + auxBlock, act, ao + auxBlock, h);
          for (int j = 0; j < h; j++) {
            act[ao + auxBlock + j] = 2 * act[ao + auxBlock + j] - 1;
          }
        }
      }
      case MASTER -> {
        if (cumaxMaster) {
          softmax(p, po + auxBlock, act, ao + auxBlock, h);
          softmax(p, po + auxBlock + h, act, ao + auxBlock + h, h);
          cumsum(act, ao + auxBlock, scratch, h, h);
          cumsum(act, ao + auxBlock + h, scratch, 2 * h, h);
        } else {
          sigmoid(p, po + auxBlock, act, ao + auxBlock, 2 * h);
        }
      }
      default -> {
      }
    }
  }

  /**
   * s' = A s + B v into {@code dst} at {@code dso}, with A and B from the gates (see the class comment);
   * {@code m} is the main gate's cumax value (scratch [0, H)) or null (then act's main block).
   */
  private void combine(float[] m, float[] act, int ao, float[] s, int so, float[] v, int vo, float[] dst, int dso,
      float[] scratch) {
    int j0 = m == null && aux != CoreSpec.AuxGate.MASTER && RowGemm.vectorKernel()
        ? VectorMath.combine(aux == CoreSpec.AuxGate.REFINE, act, ao, main, auxBlock, s, so, v, vo, dst, dso, h) : 0;
    for (int j = j0; j < h; j++) {
      float mj = m != null ? m[j] : act[ao + main + j];
      float sj = s[so + j];
      float vj = v[vo + j];
      float a;
      float bb;
      switch (aux) {
        case REFINE -> {
          float g = mj + act[ao + auxBlock + j] * mj * (1 - mj);
          a = g;
          bb = 1 - g;
        }
        case MASTER -> {
          float bigF = cumaxMaster ? scratch[h + j] : act[ao + auxBlock + j];
          float bigI = 1 - (cumaxMaster ? scratch[2 * h + j] : act[ao + auxBlock + h + j]);
          float omega = bigF * bigI;
          a = mj * omega + bigF - omega;
          bb = (1 - mj) * omega + bigI - omega;
        }
        default -> {
          a = mj;
          bb = 1 - mj;
        }
      }
      dst[dso + j] = a * sj + bb * vj;
    }
  }

  /**
   * Backward through time.
   *
   * @param dOut {@code [T·B·H]} ∂L/∂outputs, or null
   * @param dh {@code [B·H]} ∂L/∂ final h, or null
   * @param dc {@code [B·H]} ∂L/∂ final c (LSTMs), or null
   */
  Backward backward(Tape tape, Weights w, float[] dOut, float[] dh, float[] dc, int t, int b) {
    boolean isLstm = lstm();
    int n = t * b;
    float[] dPx = new float[n * gh];
    float[] dPh = isLstm ? dPx : new float[n * gh];
    float[] dH = new float[b * h];
    float[] dC = isLstm ? new float[b * h] : null;
    if (dh != null) {
      System.arraycopy(dh, 0, dH, 0, b * h);
    }
    if (dOut != null) {
      for (int k = 0; k < b * h; k++) {
        dH[k] += dOut[(t - 1) * b * h + k];
      }
    }
    if (isLstm && dc != null) {
      System.arraycopy(dc, 0, dC, 0, b * h);
    }
    float[] dS = new float[h];
    float[] direct = new float[b * h];
    float[] scratch = new float[6 * h];
    float[] dHPrev = new float[b * h];
    float[][] acc = new float[b][h];
    for (int i = t - 1; i >= 0; i--) {
      for (int r = 0; r < b; r++) {
        int row = i * b + r;
        int ao = row * gh;
        int so = r * h;
        int ho = row * h;
        if (isLstm) {
          // δc~ = δc + δh o (1 − tanh²c'),  dP_o = δh tanh c' σ'(o)
          int j0 = RowGemm.vectorKernel()
              ? VectorMath.lstmOutputBackward(tape.act, ao + out, tape.tanhC, ho, dH, dC, so, dS, dPx, ao + out, h) : 0;
          for (int j = j0; j < h; j++) {
            float o = tape.act[ao + out + j];
            float tc = tape.tanhC[ho + j];
            float d = dH[so + j];
            dS[j] = dC[so + j] + d * o * (1 - tc * tc);
            dPx[ao + out + j] = d * tc * o * (1 - o);
          }
          if (kind == Kind.LSTM) {
            // c' = f c + i g
            int k0 = RowGemm.vectorKernel()
                ? VectorMath.lstmGatesBackward(tape.act, ao, main, cand, tape.cPrev, ho, dS, dPx, direct, so, h) : 0;
            for (int j = k0; j < h; j++) {
              float ig = tape.act[ao + j];
              float f = tape.act[ao + main + j];
              float g = tape.act[ao + cand + j];
              float d = dS[j];
              dPx[ao + j] = d * g * ig * (1 - ig);
              dPx[ao + main + j] = d * tape.cPrev[ho + j] * f * (1 - f);
              dPx[ao + cand + j] = d * ig * (1 - g * g);
              direct[so + j] = d * f;
            }
          } else {
            gatesBackward(tape.act, ao, dS, tape.cPrev, ho, w.scaled(), dPx, direct, so, scratch);
          }
        } else {
          System.arraycopy(dH, so, dS, 0, h);
          gatesBackward(tape.act, ao, dS, tape.hPrev, ho, false, dPx, direct, so, scratch);
          // n = tanh(x_n + r hp_n): dPh_n = r dPx_n, δr = dPx_n hp_n, dP_r = δr σ'(r)
          int j0 = RowGemm.vectorKernel() ? VectorMath.gruResetBackward(tape.act, ao, cand, tape.hpn, ho, dPx, h) : 0;
          for (int j = j0; j < h; j++) {
            float rg = tape.act[ao + j];
            float dn = dPx[ao + cand + j];
            dPx[ao + j] = dn * tape.hpn[ho + j] * rg * (1 - rg);
          }
          System.arraycopy(dPx, ao, dPh, ao, gh);
          for (int j = 0; j < h; j++) {
            dPh[ao + cand + j] *= tape.act[ao + j];
          }
        }
      }
      // δh_{t−1} = dPh W_hh' (+ GRUs' direct path), δc_{t−1} = direct (LSTMs); ⊙ keep_t; + ∂L/∂h_{t−1}
      for (int r = 0; r < b; r++) {
        if (isLstm) {
          java.util.Arrays.fill(acc[r], 0f);
        } else {
          System.arraycopy(direct, r * h, acc[r], 0, h);
        }
      }
      if (isLstm) {
        System.arraycopy(direct, 0, dC, 0, b * h);
      }
      RowGemm.addProduct(dPh, i * b * gh, w.whh, acc, b, gh);
      for (int r = 0; r < b; r++) {
        System.arraycopy(acc[r], 0, dHPrev, r * h, h);
      }
      if (resets(tape.keep, i, b)) {
        mask(dHPrev, tape.keep, i, b, h);
        if (isLstm) {
          mask(dC, tape.keep, i, b, h);
        }
      }
      if (dOut != null && i > 0) {
        int o = (i - 1) * b * h;
        for (int k = 0; k < b * h; k++) {
          dHPrev[k] += dOut[o + k];
        }
      }
      float[] swap = dH;
      dH = dHPrev;
      dHPrev = swap;
    }
    return new Backward(dPx, dPh, dH, dC);
  }

  /**
   * The gated part's backward for one row (see the class comment): from δs' ({@code dS}), the previous
   * state s (at so in {@code s}) and the activations, the main, auxiliary and candidate blocks' dP into
   * {@code dP} and δs · A into {@code direct} at {@code dio}.
   */
  private void gatesBackward(float[] act, int ao, float[] dS, float[] s, int so, boolean scaled, float[] dP,
      float[] direct, int dio, float[] scratch) {
    // scratch: [0, H) main gate value, [H, 3H) master F, act(P_I) values, [3H, 6H) their gradients
    if (cumaxMain) {
      cumsum(act, ao + main, scratch, 0, h);
    }
    if (cumaxMaster) {
      cumsum(act, ao + auxBlock, scratch, h, h);
      cumsum(act, ao + auxBlock + h, scratch, 2 * h, h);
    }
    int j0 = !cumaxMain && aux != CoreSpec.AuxGate.MASTER && RowGemm.vectorKernel()
        ? VectorMath.gatesBackward(aux == CoreSpec.AuxGate.REFINE, act, ao, main, auxBlock, cand, dS, s, so, scaled, dP,
            direct, dio, h) : 0;
    for (int j = j0; j < h; j++) {
      float m = cumaxMain ? scratch[j] : act[ao + main + j];
      float sj = s[so + j];
      float v = act[ao + cand + j];
      float d = dS[j];
      float dA = d * sj;
      float dB = d * v;
      float a;
      float bb;
      float dm;
      switch (aux) {
        case REFINE -> {
          float rt = act[ao + auxBlock + j];
          float spread = m * (1 - m);
          float g = m + rt * spread;
          a = g;
          bb = 1 - g;
          float dg = dA - dB;
          dm = dg * (1 + rt * (1 - 2 * m));
          float drt = dg * spread;
          // r̃ = tanh(P') → 1 − r̃²; r̃ = 2σ(P) − 1 → 2σ' = (1 − r̃²) / 2
          dP[ao + auxBlock + j] = drt * (scaled ? 1 - rt * rt : (1 - rt * rt) / 2);
        }
        case MASTER -> {
          float bigF = cumaxMaster ? scratch[h + j] : act[ao + auxBlock + j];
          float sI = cumaxMaster ? scratch[2 * h + j] : act[ao + auxBlock + h + j];
          float bigI = 1 - sI;
          float omega = bigF * bigI;
          a = m * omega + bigF - omega;
          bb = (1 - m) * omega + bigI - omega;
          dm = (dA - dB) * omega;
          float dOmega = dA * (m - 1) - dB * m;
          float dF = dA + dOmega * bigI;
          float dSI = -(dB + dOmega * bigF);
          if (cumaxMaster) {
            scratch[3 * h + j] = dF;
            scratch[4 * h + j] = dSI;
          } else {
            dP[ao + auxBlock + j] = dF * bigF * (1 - bigF);
            dP[ao + auxBlock + h + j] = dSI * sI * (1 - sI);
          }
        }
        default -> {
          a = m;
          bb = 1 - m;
          dm = dA - dB;
        }
      }
      if (cumaxMain) {
        scratch[5 * h + j] = dm;
      } else {
        dP[ao + main + j] = dm * m * (1 - m);
      }
      // v = tanh(pre_v)
      dP[ao + cand + j] = d * bb * (1 - v * v);
      direct[dio + j] = d * a;
    }
    if (cumaxMain) {
      cumaxBackward(scratch, 5 * h, act, ao + main, dP, ao + main, h);
    }
    if (cumaxMaster) {
      cumaxBackward(scratch, 3 * h, act, ao + auxBlock, dP, ao + auxBlock, h);
      cumaxBackward(scratch, 4 * h, act, ao + auxBlock + h, dP, ao + auxBlock + h, h);
    }
  }

  /** Whether step {@code i} resets any row (keep {@code [T·B]} or null). */
  private static boolean resets(float[] keep, int i, int b) {
    if (keep == null) {
      return false;
    }
    for (int r = 0; r < b; r++) {
      if (keep[i * b + r] != 1f) {
        return true;
      }
    }
    return false;
  }

  /** Row r of {@code s} [B·H] times keep[i·B + r]. */
  private static void mask(float[] s, float[] keep, int i, int b, int h) {
    for (int r = 0; r < b; r++) {
      float k = keep[i * b + r];
      for (int j = r * h; j < (r + 1) * h; j++) {
        s[j] *= k;
      }
    }
  }

  /**
   * y = cumax(z) = cumsum(s), s = softmax(z): ∂L/∂s_j = Σ_{k ≥ j} ∂L/∂y_k, then
   * ∂L/∂z = s ⊙ (∂L/∂s − Σ_j s_j ∂L/∂s_j). Reads dy at {@code dyo}, s at {@code so}; writes dz at {@code dzo}.
   */
  static void cumaxBackward(float[] dy, int dyo, float[] s, int so, float[] dz, int dzo, int n) {
    float acc = 0;
    float dot = 0;
    for (int j = n - 1; j >= 0; j--) {
      acc += dy[dyo + j];
      float e = acc * s[so + j];
      dz[dzo + j] = e;
      dot += e;
    }
    for (int j = 0; j < n; j++) {
      dz[dzo + j] -= s[so + j] * dot;
    }
  }

  static float sigmoid(float x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }

  /** tanh(x) = 1 − 2 / (e^{2x} + 1): exact at both ends (e^{2x} overflowing to ∞ gives 1). */
  static float tanh(float x) {
    return (float) (1 - 2 / (Math.exp(2.0 * x) + 1));
  }

  /** σ over a run (in place allowed): {@link VectorMath} with the vector kernel, else this loop. */
  private static void sigmoid(float[] src, int so, float[] dst, int dso, int n) {
    if (RowGemm.vectorKernel()) {
      VectorMath.sigmoid(src, so, dst, dso, n);
      return;
    }
    for (int j = 0; j < n; j++) {
      dst[dso + j] = sigmoid(src[so + j]);
    }
  }

  /** tanh over a run (in place allowed): {@link VectorMath} with the vector kernel, else this loop. */
  private static void tanh(float[] src, int so, float[] dst, int dso, int n) {
    if (RowGemm.vectorKernel()) {
      VectorMath.tanh(src, so, dst, dso, n);
      return;
    }
    for (int j = 0; j < n; j++) {
      dst[dso + j] = tanh(src[so + j]);
    }
  }

  private static void softmax(float[] src, int so, float[] dst, int dso, int n) {
    float max = Float.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      max = Math.max(max, src[so + j]);
    }
    float sum = 0;
    for (int j = 0; j < n; j++) {
      float e = (float) Math.exp(src[so + j] - max);
      dst[dso + j] = e;
      sum += e;
    }
    float inv = 1 / sum;
    for (int j = 0; j < n; j++) {
      dst[dso + j] *= inv;
    }
  }

  private static void cumsum(float[] src, int so, float[] dst, int dso, int n) {
    float acc = 0;
    for (int j = 0; j < n; j++) {
      acc += src[so + j];
      dst[dso + j] = acc;
    }
  }
}
