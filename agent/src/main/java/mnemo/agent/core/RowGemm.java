package mnemo.agent.core;

/**
 * The matrix product of the Java paths ({@link JavaCell}, {@link JavaCoreStep}, the agent's Java inference):
 * y[r] += Σ_j x[r, j] w[j] with w and y arrays of rows. C2 vectorises the inner loop {@code y[c] += a · w[c]}
 * over two row arrays but not over one flat array at two offsets (it cannot rule out overlap: measured 5x
 * slower), hence the rows.
 *
 * <p>Four rows of y share each load of w, and the columns are taken in blocks of {@link #BLOCK} so that the
 * block of w (K × 128 floats) stays in the L2 cache while every group of four rows passes over it: at
 * x [64, 1568], w [1568, 256] this went from about 4 to 25–30 GFLOP/s on one core of the development machine.
 * Each y[r][c] still sums over j in order, so the result does not depend on the blocking.
 *
 * <p>When the JVM has the Vector API ({@code --add-modules jdk.incubator.vector}, which the {@code mnemo}
 * launcher, the actor processes it starts and the tests pass), {@link VectorGemm} does the product instead,
 * 2.4–9.6x faster at these shapes; {@code -Dmnemo.gemm=scalar} keeps this loop. The two agree to float rounding.
 */
public final class RowGemm {

  /** Columns per block. */
  static final int BLOCK = 128;

  /** The kernels {@link #addProduct} can run. */
  public enum Kernel {
    /** The loops below, vectorised by C2. */
    SCALAR,
    /** {@link VectorGemm}: register tiles of fused multiply-adds (needs the jdk.incubator.vector module). */
    VECTOR
  }

  private static final boolean VECTOR_AVAILABLE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  private static Kernel kernel =
      VECTOR_AVAILABLE && !"scalar".equals(System.getProperty("mnemo.gemm")) ? Kernel.VECTOR : Kernel.SCALAR;

  private RowGemm() {}

  /** Whether the JVM has the Vector API module, so that {@link Kernel#VECTOR} can run. */
  public static boolean vectorAvailable() {
    return VECTOR_AVAILABLE;
  }

  /** The kernel {@link #addProduct} runs. */
  public static Kernel kernel() {
    return kernel;
  }

  /**
   * Whether the Java paths run on the Vector API now: {@link #addProduct}, and with it the Java cell's activations
   * and gate algebra ({@link VectorMath}) and {@code impl=auto}'s bounds, which follow the kernel.
   */
  public static boolean vectorKernel() {
    return kernel == Kernel.VECTOR;
  }

  /**
   * Chooses the kernel of every later product in this JVM (benchmarks time the two side by side). At start-up it
   * is the vector kernel when the module is there, unless {@code -Dmnemo.gemm=scalar}.
   *
   * @throws IllegalStateException for {@link Kernel#VECTOR} without the module
   */
  public static void use(Kernel k) {
    if (k == Kernel.VECTOR && !VECTOR_AVAILABLE) {
      throw new IllegalStateException("the vector kernel needs the JVM flag --add-modules jdk.incubator.vector");
    }
    kernel = k;
  }

  /**
   * y[r] += Σ_j x[xo + r·k + j] · w[j] for r &lt; rows: x {@code [rows, k]} flat from {@code xo}, w {@code k}
   * rows of equal width, y {@code rows} rows of that width.
   */
  public static void addProduct(float[] x, int xo, float[][] w, float[][] y, int rows, int k) {
    if (kernel == Kernel.VECTOR) {
      VectorGemm.addProduct(x, xo, w, y, rows, k);
    } else {
      addProductScalar(x, xo, w, y, rows, k);
    }
  }

  /** {@link #addProduct} with the scalar kernel, whatever {@link #kernel()} is. */
  public static void addProductScalar(float[] x, int xo, float[][] w, float[][] y, int rows, int k) {
    int n = w.length == 0 ? 0 : w[0].length;
    for (int cb = 0; cb < n; cb += BLOCK) {
      int ce = Math.min(n, cb + BLOCK);
      int r = 0;
      for (; r + 4 <= rows; r += 4) {
        float[] y0 = y[r];
        float[] y1 = y[r + 1];
        float[] y2 = y[r + 2];
        float[] y3 = y[r + 3];
        int x0 = xo + r * k;
        for (int j = 0; j < k; j++) {
          float a0 = x[x0 + j];
          float a1 = x[x0 + k + j];
          float a2 = x[x0 + 2 * k + j];
          float a3 = x[x0 + 3 * k + j];
          float[] wj = w[j];
          for (int c = cb; c < ce; c++) {
            float v = wj[c];
            y0[c] += a0 * v;
            y1[c] += a1 * v;
            y2[c] += a2 * v;
            y3[c] += a3 * v;
          }
        }
      }
      for (; r < rows; r++) {
        float[] yr = y[r];
        int x0 = xo + r * k;
        for (int j = 0; j < k; j++) {
          float a = x[x0 + j];
          float[] wj = w[j];
          for (int c = cb; c < ce; c++) {
            yr[c] += a * wj[c];
          }
        }
      }
    }
  }

  /** {@code [rows, cols]} flat from {@code offset} as an array of rows (copied). */
  public static float[][] rows(float[] flat, int offset, int rows, int cols) {
    float[][] m = new float[rows][cols];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(flat, offset + r * cols, m[r], 0, cols);
    }
    return m;
  }

  /** The transpose of {@code [rows, cols]} flat, as {@code cols} rows of {@code rows}. */
  public static float[][] transposed(float[] flat, int rows, int cols) {
    float[][] t = new float[cols][rows];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        t[c][r] = flat[r * cols + c];
      }
    }
    return t;
  }
}
