package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The linear recurrence {@code h_t = a_t ⊙ h_{t−1} + b_t} over T steps, as a chunked scan: a few
 * large ops per chunk of L steps instead of a few small ops per step.
 *
 * <p>Within a chunk that starts after state h_in, with x_k = log a_k:
 *
 * <pre>
 * h_t = Σ_{s ≤ t} D[t, s] b_s + D0[t] h_in,   D[t, s] = exp(Σ_{s < k ≤ t} x_k),   D0[t] = exp(Σ_{k ≤ t} x_k)
 * </pre>
 *
 * and the chunks are chained one after another (h_in of a chunk is the last h of the one before).
 * Every exponent is a sum of terms ≤ 0 and never a difference of two cumulative sums, so nothing
 * overflows and nothing cancels, however saturated the gates: the ratio form h_t = A_t (h_in +
 * Σ b_s / A_s) with A_t = Π a_k would divide by products that underflow. The coefficients come in
 * as log a (computed from pre-activations, e.g. log(1 − σ(k)) = −softplus(k)), so a = 0 in floating
 * point never becomes log 0.
 *
 * <p>Layout: time first, [C chunks, L steps, N = B·H], so the sums over k are GEMMs of constant 0/1
 * matrices with x and nothing is transposed.
 *
 * <p>A reset before step t zeroes h_{t−1}, i.e. a_t ← 0: x_t ← x_t − 10⁴, whose exponential (and that
 * of every sum that includes it) is exactly 0 in float32 and float64, so nothing flows across a reset,
 * forward or backward.
 */
final class ChunkedScan {

  /** Added to log a_t where a reset zeroes the state before step t. */
  static final double RESET_LOG_A = -1e4;

  private ChunkedScan() {}

  /**
   * Runs the recurrence.
   *
   * @param logA {@code [T, B, H]} log a_t, each ≤ 0
   * @param b {@code [T, B, H]} b_t
   * @param resets {@code [T, B]} 1 where the state is zeroed before step t, or null
   * @param h0 {@code [B, H]} the state before step 0
   * @param chunk L, the chunk length (L = 1 is a plain step-by-step loop)
   * @return h_t for every step, {@code [T, B, H]}, in the manager of {@code logA}
   */
  static NDArray scan(NDArray logA, NDArray b, NDArray resets, NDArray h0, int chunk) {
    Shape s = logA.getShape();
    int t = (int) s.get(0);
    long batch = s.get(1);
    long h = s.get(2);
    DataType type = logA.getDataType();
    NDManager m = logA.getManager();
    NDArray x = logA;
    if (resets != null) {
      // a_t ← 0 where resets[t] = 1
      x = x.add(resets.toType(type, false).reshape(t, batch, 1).mul(RESET_LOG_A));
    }
    int l = Math.min(chunk, t);
    int c = (t + l - 1) / l;
    long n = batch * h;
    NDArray bb = b;
    if (c * l > t) {
      // pad the last chunk with a = 1, b = 0: the state passes through unchanged
      Shape pad = new Shape(c * l - t, batch, h);
      x = NDArrays.concat(new NDList(x, m.zeros(pad, type)), 0);
      bb = NDArrays.concat(new NDList(bb, m.zeros(pad, type)), 0);
    }
    // [C·L, B, H] → [C, L, N]: sums over time within a chunk are then GEMMs with constant 0/1 matrices
    x = x.reshape(c, l, n);
    bb = bb.reshape(c, l, n);
    // D[t, s] = exp(Σ_{s < k ≤ t} x_k) for s ≤ t, 0 above the diagonal: [C, L·L, N] → [C, L, L, N]
    NDArray exponents = constant(m, segmentSums(l), l * l, l, type).matMul(x).add(constant(m, upperMask(l), l * l, 1, type));
    NDArray d = exponents.exp().reshape(c, l, l, n);
    // D0[t] = exp(Σ_{k ≤ t} x_k), the carry-in's decay: [C, L, N]
    NDArray d0 = constant(m, prefixSums(l), l, l, type).matMul(x).exp();
    // the chunks' own contributions, from a zero state: Σ_s D[t, s] b_s
    NDArray own = d.mul(bb.expandDims(1)).sum(new int[] {2});
    // chain the chunks: h_in(c + 1) = D0_c[L − 1] ⊙ h_in(c) + own_c[L − 1]
    NDIndex last = new NDIndex(":, -1");
    NDList decay = d0.get(last).split(c, 0);
    NDList ends = own.get(last).split(c, 0);
    NDArray[] carry = new NDArray[c];
    NDArray hin = h0.reshape(1, n);
    for (int k = 0; k < c; k++) {
      carry[k] = hin;
      if (k + 1 < c) {
        hin = decay.get(k).mul(hin).add(ends.get(k));
      }
    }
    NDArray carries = c == 1 ? carry[0] : NDArrays.concat(new NDList(carry), 0);
    // h_t = own_t + D0[t] h_in
    NDArray out = own.add(d0.mul(carries.expandDims(1))).reshape(c * l, batch, h);
    return c * l > t ? out.get(new NDIndex(":" + t)) : out;
  }

  /** [L·L, L]: row (t, s) sums x_k over s < k ≤ t. */
  static double[] segmentSums(int l) {
    double[] v = new double[l * l * l];
    for (int t = 0; t < l; t++) {
      for (int s = 0; s < l; s++) {
        for (int k = s + 1; k <= t; k++) {
          v[(t * l + s) * l + k] = 1;
        }
      }
    }
    return v;
  }

  /** [L·L, 1]: 0 where s ≤ t, −10⁴ above the diagonal (exp gives exactly 0 there). */
  static double[] upperMask(int l) {
    double[] v = new double[l * l];
    for (int t = 0; t < l; t++) {
      for (int s = t + 1; s < l; s++) {
        v[t * l + s] = RESET_LOG_A;
      }
    }
    return v;
  }

  /** [L, L]: row t sums x_k over k ≤ t. */
  static double[] prefixSums(int l) {
    double[] v = new double[l * l];
    for (int t = 0; t < l; t++) {
      for (int k = 0; k <= t; k++) {
        v[t * l + k] = 1;
      }
    }
    return v;
  }

  private static NDArray constant(NDManager m, double[] v, long rows, long cols, DataType type) {
    return m.create(v, new Shape(rows, cols)).toType(type, false);
  }
}
