package mnemo.agent.core;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link RowGemm}'s product written with the Vector API of JDK 17 ({@code jdk.incubator.vector}): y[r] += Σ_j
 * x[r, j] w[j], the same contract as {@link RowGemm#addProduct}.
 *
 * <p>The scalar kernel lets C2 vectorise {@code y[c] += a · w[c]}, which loads and stores y for every j: it is
 * bound by memory traffic, not arithmetic (11–28 GFLOP/s on one core, against 38–119 here). Here a tile of 4
 * rows × 2 vectors of y (8 accumulators, 128 floats with AVX-512) stays in registers while j runs over the whole
 * of k, each step two loads of w, four broadcasts of x and eight fused multiply-adds; y is read and written once
 * per tile. Measured
 * side by side on the development machine (AVX-512): 2.4–9.6x the scalar kernel at the Java paths' shapes
 * (docs/benchmarks/cores.md, {@code ./mnemo bench cores --part gemm}).
 *
 * <p>Each y[r][c] gets Σ_j in the order of j, accumulated from zero and then added to y, with one rounding per
 * fused multiply-add: the result differs from the scalar kernel's by float rounding only (a few ulps of the
 * sum's magnitude), and it does not depend on the tiling (a column's sum is the same in any tile).
 *
 * <p>Only {@link RowGemm} calls it, and only when the module is in the JVM's boot layer (the {@code mnemo}
 * launcher, the actor processes and the tests add it with {@code --add-modules jdk.incubator.vector}): without
 * it this class is never loaded.
 */
final class VectorGemm {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int L = S.length();

  private VectorGemm() {}

  /** Floats per vector of the preferred species (16 with AVX-512, 8 with AVX2). */
  static int lanes() {
    return L;
  }

  static void addProduct(float[] x, int xo, float[][] w, float[][] y, int rows, int k) {
    int n = w.length == 0 ? 0 : w[0].length;
    int c = 0;
    for (; c + 2 * L <= n; c += 2 * L) {
      int r = 0;
      for (; r + 4 <= rows; r += 4) {
        fourRowsTwoVectors(x, xo + r * k, w, y, r, k, c);
      }
      for (; r < rows; r++) {
        oneRowTwoVectors(x, xo + r * k, w, y[r], k, c);
      }
    }
    for (; c + L <= n; c += L) {
      for (int r = 0; r < rows; r++) {
        oneRowOneVector(x, xo + r * k, w, y[r], k, c);
      }
    }
    if (c < n) {
      remainingColumns(x, xo, w, y, rows, k, c, n);
    }
  }

  /** y[r..r+3][c, c + 2L) += x[r..r+3] w[·][c, c + 2L): 8 accumulators over the whole of k. */
  private static void fourRowsTwoVectors(float[] x, int x0, float[][] w, float[][] y, int r, int k, int c) {
    FloatVector a00 = FloatVector.zero(S);
    FloatVector a01 = a00;
    FloatVector a10 = a00;
    FloatVector a11 = a00;
    FloatVector a20 = a00;
    FloatVector a21 = a00;
    FloatVector a30 = a00;
    FloatVector a31 = a00;
    int x1 = x0 + k;
    int x2 = x1 + k;
    int x3 = x2 + k;
    for (int j = 0; j < k; j++) {
      float[] wj = w[j];
      FloatVector w0 = FloatVector.fromArray(S, wj, c);
      FloatVector w1 = FloatVector.fromArray(S, wj, c + L);
      FloatVector b = FloatVector.broadcast(S, x[x0 + j]);
      a00 = w0.fma(b, a00);
      a01 = w1.fma(b, a01);
      b = FloatVector.broadcast(S, x[x1 + j]);
      a10 = w0.fma(b, a10);
      a11 = w1.fma(b, a11);
      b = FloatVector.broadcast(S, x[x2 + j]);
      a20 = w0.fma(b, a20);
      a21 = w1.fma(b, a21);
      b = FloatVector.broadcast(S, x[x3 + j]);
      a30 = w0.fma(b, a30);
      a31 = w1.fma(b, a31);
    }
    addInto(y[r], c, a00, a01);
    addInto(y[r + 1], c, a10, a11);
    addInto(y[r + 2], c, a20, a21);
    addInto(y[r + 3], c, a30, a31);
  }

  private static void oneRowTwoVectors(float[] x, int x0, float[][] w, float[] y, int k, int c) {
    FloatVector a0 = FloatVector.zero(S);
    FloatVector a1 = a0;
    for (int j = 0; j < k; j++) {
      float[] wj = w[j];
      FloatVector b = FloatVector.broadcast(S, x[x0 + j]);
      a0 = FloatVector.fromArray(S, wj, c).fma(b, a0);
      a1 = FloatVector.fromArray(S, wj, c + L).fma(b, a1);
    }
    addInto(y, c, a0, a1);
  }

  private static void oneRowOneVector(float[] x, int x0, float[][] w, float[] y, int k, int c) {
    FloatVector a = FloatVector.zero(S);
    for (int j = 0; j < k; j++) {
      a = FloatVector.fromArray(S, w[j], c).fma(FloatVector.broadcast(S, x[x0 + j]), a);
    }
    FloatVector.fromArray(S, y, c).add(a).intoArray(y, c);
  }

  private static void addInto(float[] y, int c, FloatVector a0, FloatVector a1) {
    FloatVector.fromArray(S, y, c).add(a0).intoArray(y, c);
    FloatVector.fromArray(S, y, c + L).add(a1).intoArray(y, c + L);
  }

  /** The last n − c0 &lt; L columns (scalar): one sum per element from zero, over j in order, as the tiles do. */
  private static void remainingColumns(float[] x, int xo, float[][] w, float[][] y, int rows, int k, int c0, int n) {
    float[] sum = new float[n - c0];
    for (int r = 0; r < rows; r++) {
      java.util.Arrays.fill(sum, 0f);
      int x0 = xo + r * k;
      for (int j = 0; j < k; j++) {
        float a = x[x0 + j];
        float[] wj = w[j];
        for (int c = c0; c < n; c++) {
          sum[c - c0] += a * wj[c];
        }
      }
      float[] yr = y[r];
      for (int c = c0; c < n; c++) {
        yr[c] += sum[c - c0];
      }
    }
  }
}
