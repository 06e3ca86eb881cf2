package mnemo.agent.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import mnemo.agent.core.RowGemm.Kernel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both kernels of {@link RowGemm} against a plain double-precision loop, at shapes that hit every tile and tail
 * of the vector kernel (rows not a multiple of 4, columns below one vector, between one and two, past a whole
 * number of tiles) and the Java paths' own shapes.
 */
class RowGemmTest {
  private final Kernel startKernel = RowGemm.kernel();

  @AfterEach
  void restoreKernel() {
    RowGemm.use(startKernel);
  }

  @Test
  void theTestsRunTheVectorKernel() {
    // the pom's surefire argLine adds the module: without it these tests would check the scalar kernel twice
    assertTrue(RowGemm.vectorAvailable(), "run with --add-modules jdk.incubator.vector");
    assertEquals(Kernel.VECTOR, RowGemm.kernel());
  }

  @ParameterizedTest(name = "x [{0}, {1}] w [{1}, {2}], x from offset {3}")
  @CsvSource({
    "1, 1, 1, 0", "3, 5, 7, 2", "4, 8, 16, 0", "5, 7, 17, 3", "9, 13, 31, 0", "4, 3, 32, 1", "7, 33, 33, 5",
    "6, 2, 47, 0", "13, 64, 256, 7", "32, 64, 256, 0", "32, 256, 64, 0", "11, 144, 49, 0", "4, 1568, 64, 0",
    "2, 0, 20, 0", "0, 4, 20, 0"
  })
  void bothKernelsMatchADoubleLoop(int rows, int k, int n, int offset) {
    Random rnd = new Random(rows * 1_000_003L + k * 1009L + n);
    float[] x = new float[offset + rows * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextFloat() * 2 - 1;
    }
    float[][] w = new float[k][n];
    for (float[] row : w) {
      for (int c = 0; c < n; c++) {
        row[c] = rnd.nextFloat() * 2 - 1;
      }
    }
    float[][] y0 = new float[rows][n];
    for (float[] row : y0) {
      for (int c = 0; c < n; c++) {
        row[c] = rnd.nextFloat() - 0.5f;
      }
    }
    // y0 + x w in double precision
    double[][] want = new double[rows][n];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < n; c++) {
        double s = y0[r][c];
        for (int j = 0; j < k; j++) {
          s += (double) x[offset + r * k + j] * w[j][c];
        }
        want[r][c] = s;
      }
    }
    for (Kernel kernel : Kernel.values()) {
      RowGemm.use(kernel);
      float[][] y = copy(y0);
      RowGemm.addProduct(x, offset, w, y, rows, k);
      // float sums of k products of magnitude ≤ 1: within a few ulps of k
      double tol = 1e-6 * (k + 1);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < n; c++) {
          assertEquals(want[r][c], y[r][c], tol, kernel + " y[" + r + "][" + c + "]");
        }
      }
    }
  }

  @Test
  void theTwoKernelsAgreeToFloatRounding() {
    Random rnd = new Random(7);
    int rows = 32;
    int k = 64;
    int n = 256;
    float[] x = new float[rows * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rnd.nextGaussian();
    }
    float[][] w = new float[k][n];
    for (float[] row : w) {
      for (int c = 0; c < n; c++) {
        row[c] = (float) rnd.nextGaussian() * 0.1f;
      }
    }
    float[][] a = new float[rows][n];
    float[][] b = new float[rows][n];
    RowGemm.addProductScalar(x, 0, w, a, rows, k);
    RowGemm.use(Kernel.VECTOR);
    RowGemm.addProduct(x, 0, w, b, rows, k);
    double maxDiff = 0;
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < n; c++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[r][c] - b[r][c]));
      }
    }
    // sums of magnitude ~1: float rounding, not a wrong term (one wrong product would be ~0.1)
    assertTrue(maxDiff < 1e-5, "max |scalar − vector| = " + maxDiff);
  }

  @Test
  void choosingTheVectorKernelWithoutTheModuleIsRefused() {
    if (RowGemm.vectorAvailable()) {
      RowGemm.use(Kernel.VECTOR);
      assertEquals(Kernel.VECTOR, RowGemm.kernel());
    } else {
      assertThrows(IllegalStateException.class, () -> RowGemm.use(Kernel.VECTOR));
    }
    RowGemm.use(Kernel.SCALAR);
    assertEquals(Kernel.SCALAR, RowGemm.kernel());
  }

  private static float[][] copy(float[][] m) {
    float[][] c = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }
}
