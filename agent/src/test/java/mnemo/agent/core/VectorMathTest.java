package mnemo.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link VectorMath}'s activations against double precision, over whole vectors, tails and special values. */
class VectorMathTest {

  @Test
  void sigmoidAndTanhAreWithinTwoUlpsOfDoublePrecision() {
    assertTrue(RowGemm.vectorAvailable(), "run with --add-modules jdk.incubator.vector");
    Random rnd = new Random(3);
    // 16·12 + 7 floats: whole vectors of 8 and 16 lanes, then a scalar tail
    int n = 199;
    float[] z = new float[n + 5];
    for (int i = 0; i < z.length; i++) {
      z[i] = (float) (rnd.nextGaussian() * 4);
    }
    z[5] = 0f;
    z[6] = 1e-7f;
    z[7] = -1e-7f;
    z[8] = 40f;
    z[9] = -40f;
    z[10] = 100f;
    z[11] = -100f;
    float[] s = new float[n + 3];
    float[] t = new float[n + 3];
    // from offset 5 of z into offset 3 of the outputs
    VectorMath.sigmoid(z, 5, s, 3, n);
    VectorMath.tanh(z, 5, t, 3, n);
    for (int j = 0; j < n; j++) {
      double x = z[5 + j];
      double sig = 1 / (1 + Math.exp(-x));
      double th = Math.tanh(x);
      assertEquals(sig, s[3 + j], 2 * Math.ulp((float) sig) + 1e-30, "σ(" + x + ")");
      assertEquals(th, t[3 + j], 2 * Math.ulp((float) th) + 1e-30, "tanh(" + x + ")");
    }
    // saturation is exact: the state of a saturated gate is not nudged
    // z[8..11] = 40, −40, 100, −100 are j = 3..6
    assertEquals(1f, s[3 + 3]);
    assertEquals(1f, s[3 + 5]);
    assertEquals(0f, s[3 + 6], 1e-40f);
    assertEquals(1f, t[3 + 3]);
    assertEquals(-1f, t[3 + 4]);
    assertEquals(1f, t[3 + 5]);
    assertEquals(-1f, t[3 + 6]);
  }

  @Test
  void inPlaceAndNonFiniteInputs() {
    float[] z = new float[32];
    z[0] = Float.NaN;
    z[1] = Float.POSITIVE_INFINITY;
    z[2] = Float.NEGATIVE_INFINITY;
    z[17] = Float.NaN;
    float[] t = z.clone();
    VectorMath.tanh(t, 0, t, 0, 32);
    assertTrue(Float.isNaN(t[0]) && Float.isNaN(t[17]), "NaN stays NaN");
    assertEquals(1f, t[1]);
    assertEquals(-1f, t[2]);
    assertEquals(0f, t[3]);
    float[] s = z.clone();
    VectorMath.sigmoid(s, 0, s, 0, 32);
    assertTrue(Float.isNaN(s[0]) && Float.isNaN(s[17]), "NaN stays NaN");
    assertEquals(1f, s[1]);
    assertEquals(0f, s[2]);
    assertEquals(0.5f, s[3]);
  }
}
