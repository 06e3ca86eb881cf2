package mnemo.agent.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Java cell's activations over a run of floats with the Vector API: σ(z) = 1 / (1 + e^{−z}) and tanh z, a
 * vector of 16 (AVX-512) or 8 (AVX2) lanes at a time. {@code EXP} and {@code TANH} are intrinsics of the JDK's
 * vector math library (libjsvml on x86-64), within 2 ulps of the double-precision value; the scalar
 * {@link JavaCell#sigmoid(float)} and {@link JavaCell#tanh(float)} take the last n mod lanes floats. Measured
 * side by side on the development machine: 11x (σ) and 27x (tanh) the scalar loops' speed, which cost e^x in
 * double precision per element and were most of the Java cell's time at H = 64.
 *
 * <p>The gate algebra of the forward and the backward ({@link JavaCell}'s class comment) is here too, for the
 * cells the experiments use (PyTorch's LSTM; the tied cells with a σ main gate, with or without the refine gate:
 * {@code lstm}, {@code ur-lstm}, {@code c-lstm}, {@code ur-gru}'s gated part...): C2 does not vectorise JavaCell's
 * loops over one array at several offsets. Each method does the whole vectors of a row of H units and returns
 * how many it did; JavaCell's scalar loop does the rest (H mod lanes, none at the usual widths).
 *
 * <p>Used by {@link JavaCell} when {@link RowGemm#kernel()} is the vector kernel; never loaded otherwise.
 */
final class VectorMath {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorMath() {}

  /** dst[dso + j] = σ(src[so + j]) for j &lt; n (src and dst may be the same run). */
  static void sigmoid(float[] src, int so, float[] dst, int dso, int n) {
    FloatVector one = FloatVector.broadcast(S, 1f);
    int j = 0;
    for (; j + L <= n; j += L) {
      FloatVector e = FloatVector.fromArray(S, src, so + j).neg().lanewise(VectorOperators.EXP);
      one.div(e.add(one)).intoArray(dst, dso + j);
    }
    for (; j < n; j++) {
      dst[dso + j] = JavaCell.sigmoid(src[so + j]);
    }
  }

  /** dst[dso + j] = tanh(src[so + j]) for j &lt; n (src and dst may be the same run). */
  static void tanh(float[] src, int so, float[] dst, int dso, int n) {
    int j = 0;
    for (; j + L <= n; j += L) {
      FloatVector.fromArray(S, src, so + j).lanewise(VectorOperators.TANH).intoArray(dst, dso + j);
    }
    for (; j < n; j++) {
      dst[dso + j] = JavaCell.tanh(src[so + j]);
    }
  }

  /** The units a row's vector loops cover: H rounded down to whole vectors. */
  private static int whole(int h) {
    return h - h % L;
  }

  /**
   * PyTorch's LSTM, c' = f ⊙ c + i ⊙ g: i at {@code ao}, f at {@code ao + main}, g at {@code ao + cand} of
   * {@code act}; c at {@code so} of {@code cs}, c' into {@code cn} there.
   */
  static int lstmState(float[] act, int ao, int main, int cand, float[] cs, float[] cn, int so, int h) {
    int n = whole(h);
    for (int j = 0; j < n; j += L) {
      FloatVector i = FloatVector.fromArray(S, act, ao + j);
      FloatVector f = FloatVector.fromArray(S, act, ao + main + j);
      FloatVector g = FloatVector.fromArray(S, act, ao + cand + j);
      f.mul(FloatVector.fromArray(S, cs, so + j)).add(i.mul(g)).intoArray(cn, so + j);
    }
    return n;
  }

  /**
   * The tied cells' s' = A ⊙ s + B ⊙ v with a σ main gate m (at {@code ao + main}): {@code refine}: g = m + r̃ m (1 −
   * m) (r̃ at {@code ao + aux}), A = g, B = 1 − g; else A = m, B = 1 − m. s at {@code so}, v at {@code vo}, s' into
   * {@code dst} at {@code dso}.
   */
  static int combine(boolean refine, float[] act, int ao, int main, int aux, float[] s, int so, float[] v, int vo,
      float[] dst, int dso, int h) {
    int n = whole(h);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int j = 0; j < n; j += L) {
      FloatVector a = FloatVector.fromArray(S, act, ao + main + j);
      if (refine) {
        // g = m + r̃ m (1 − m)
        a = FloatVector.fromArray(S, act, ao + aux + j).mul(a).mul(one.sub(a)).add(a);
      }
      FloatVector sv = FloatVector.fromArray(S, s, so + j);
      FloatVector vv = FloatVector.fromArray(S, v, vo + j);
      // A s + (1 − A) v = v + A (s − v)
      sv.sub(vv).mul(a).add(vv).intoArray(dst, dso + j);
    }
    return n;
  }

  /**
   * LSTMs' output: δc~ = δc + δh o (1 − tanh² c') into {@code dS}, dP_o = δh tanh c' o (1 − o) into {@code dP} at
   * {@code po}; o at {@code oo} of {@code act}, tanh c' at {@code to} of {@code tanhC}, δh and δc at {@code so}.
   */
  static int lstmOutputBackward(float[] act, int oo, float[] tanhC, int to, float[] dH, float[] dC, int so, float[] dS,
      float[] dP, int po, int h) {
    int n = whole(h);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int j = 0; j < n; j += L) {
      FloatVector o = FloatVector.fromArray(S, act, oo + j);
      FloatVector tc = FloatVector.fromArray(S, tanhC, to + j);
      FloatVector d = FloatVector.fromArray(S, dH, so + j);
      FloatVector dO = d.mul(o);
      FloatVector.fromArray(S, dC, so + j).add(dO.mul(one.sub(tc.mul(tc)))).intoArray(dS, j);
      dO.mul(tc).mul(one.sub(o)).intoArray(dP, po + j);
    }
    return n;
  }

  /**
   * PyTorch's LSTM backward of c' = f c + i g from δc~ ({@code dS}): dP_i = δ g i (1 − i), dP_f = δ c f (1 − f),
   * dP_g = δ i (1 − g²), δc = δ f (the direct path, into {@code direct} at {@code dio}); c at {@code ho} of
   * {@code cPrev}.
   */
  static int lstmGatesBackward(float[] act, int ao, int main, int cand, float[] cPrev, int ho, float[] dS, float[] dP,
      float[] direct, int dio, int h) {
    int n = whole(h);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int j = 0; j < n; j += L) {
      FloatVector i = FloatVector.fromArray(S, act, ao + j);
      FloatVector f = FloatVector.fromArray(S, act, ao + main + j);
      FloatVector g = FloatVector.fromArray(S, act, ao + cand + j);
      FloatVector d = FloatVector.fromArray(S, dS, j);
      d.mul(g).mul(i).mul(one.sub(i)).intoArray(dP, ao + j);
      d.mul(FloatVector.fromArray(S, cPrev, ho + j)).mul(f).mul(one.sub(f)).intoArray(dP, ao + main + j);
      d.mul(i).mul(one.sub(g.mul(g))).intoArray(dP, ao + cand + j);
      d.mul(f).intoArray(direct, dio + j);
    }
    return n;
  }

  /**
   * The tied cells' gated part backward with a σ main gate, from δs' ({@code dS}): δA = δs' s, δB = δs' v;
   * {@code refine}: δg = δA − δB, δm = δg (1 + r̃ (1 − 2m)), δr̃ = δg m (1 − m), dP_r = δr̃ (1 − r̃²) (halved rows,
   * {@code scaled}) or δr̃ (1 − r̃²) / 2; else δm = δA − δB. Then dP_m = δm m (1 − m), dP_v = δs' B (1 − v²),
   * δs = δs' A into {@code direct} at {@code dio}. s at {@code so} of {@code s}.
   */
  static int gatesBackward(boolean refine, float[] act, int ao, int main, int aux, int cand, float[] dS, float[] s,
      int so, boolean scaled, float[] dP, float[] direct, int dio, int h) {
    int n = whole(h);
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector two = FloatVector.broadcast(S, 2f);
    float rScale = scaled ? 1f : 0.5f;
    for (int j = 0; j < n; j += L) {
      FloatVector m = FloatVector.fromArray(S, act, ao + main + j);
      FloatVector v = FloatVector.fromArray(S, act, ao + cand + j);
      FloatVector d = FloatVector.fromArray(S, dS, j);
      FloatVector dA = d.mul(FloatVector.fromArray(S, s, so + j));
      FloatVector dB = d.mul(v);
      FloatVector spread = m.mul(one.sub(m));
      FloatVector a;
      FloatVector dm;
      if (refine) {
        FloatVector rt = FloatVector.fromArray(S, act, ao + aux + j);
        a = rt.mul(spread).add(m);
        FloatVector dg = dA.sub(dB);
        dm = dg.mul(one.sub(two.mul(m)).mul(rt).add(one));
        dg.mul(spread).mul(one.sub(rt.mul(rt))).mul(rScale).intoArray(dP, ao + aux + j);
      } else {
        a = m;
        dm = dA.sub(dB);
      }
      dm.mul(spread).intoArray(dP, ao + main + j);
      d.mul(one.sub(a)).mul(one.sub(v.mul(v))).intoArray(dP, ao + cand + j);
      d.mul(a).intoArray(direct, dio + j);
    }
    return n;
  }

  /**
   * The GRUs' candidate pre-activation x_n + r ⊙ hp_n into {@code act} at {@code ao + cand}: x_n at {@code xo} of
   * {@code xp}, r at {@code ao} of {@code act}, hp_n at {@code hpo} of {@code hp}.
   */
  static int gruCandidate(float[] xp, int xo, float[] act, int ao, int cand, float[] hp, int hpo, int h) {
    int n = whole(h);
    for (int j = 0; j < n; j += L) {
      FloatVector r = FloatVector.fromArray(S, act, ao + j);
      r.fma(FloatVector.fromArray(S, hp, hpo + j), FloatVector.fromArray(S, xp, xo + j)).intoArray(act, ao + cand + j);
    }
    return n;
  }

  /**
   * The GRUs' reset gate backward, dP_r = dPx_n hp_n r (1 − r), into {@code dP} at {@code ao}: dPx_n at
   * {@code ao + cand} of {@code dP}, r at {@code ao} of {@code act}, hp_n at {@code ho} of {@code hpn}.
   */
  static int gruResetBackward(float[] act, int ao, int cand, float[] hpn, int ho, float[] dP, int h) {
    int n = whole(h);
    FloatVector one = FloatVector.broadcast(S, 1f);
    for (int j = 0; j < n; j += L) {
      FloatVector r = FloatVector.fromArray(S, act, ao + j);
      FloatVector.fromArray(S, dP, ao + cand + j).mul(FloatVector.fromArray(S, hpn, ho + j)).mul(r).mul(one.sub(r))
          .intoArray(dP, ao + j);
    }
    return n;
  }
}
