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
}
