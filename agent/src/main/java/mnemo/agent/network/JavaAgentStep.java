package mnemo.agent.network;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import mnemo.agent.AgentStep;
import mnemo.agent.Autograd;
import mnemo.agent.core.CoreSpec;
import mnemo.agent.core.JavaCoreStep;
import mnemo.agent.core.RowGemm;

/**
 * {@link AgentNetwork}'s step (T = 1) as Java loops on float arrays, for actors: the same equations (see
 * AgentNetwork's class comment), with the weights copied at {@link #refresh()}. Every product is
 * {@link RowGemm#addProduct}; a convolution is one product over its patches:
 * <pre>
 * conv:   Y [C_out, B·P] = W [C_out, C_in·k·k] · cols [C_in·k·k, B·P] + b,  cols[(c, ky, kx)][(n, oy, ox)] =
 *         X[c][n][oy·s + ky − p][ox·s + kx − p] (0 outside), P = oh·ow: channel-major, as the next conv reads it
 * flatten: feature c·P + p of row n (PyTorch's [C, oh, ow] order) = Y[c][n·P + p]
 * </pre>
 * Not thread-safe (scratch arrays are reused between steps of the same batch size).
 */
final class JavaAgentStep implements AgentStep {

  private final AgentNetwork net;
  private final JavaCoreStep core;
  private final int numActions;
  private final int torsoHidden;
  private final int coreIn;
  /** Images: [H, W, C] in, each conv's output size. */
  private final int[] obs;
  private final int[] outH = new int[2];
  private final int[] outW = new int[2];
  private final int[] channels = {0, AgentNetwork.CONV1_CHANNELS, AgentNetwork.CONV2_CHANNELS};

  /** Conv kernels as [C_out][C_in·k·k] flat, their biases. */
  private float[] conv1;
  private float[] conv1B;
  private float[] conv2;
  private float[] conv2B;
  /** The torso's dense layers as W ᵀ rows [in][out], their biases. */
  private float[][] fc1T;
  private float[] fc1B;
  private float[][] fc2T;
  private float[] fc2B;
  /** Both heads as one [H][A + 1] (policy logits, then the value), their biases. */
  private float[][] headsT;
  private float[] headsB;

  /** Scratch for the batch size last seen: patches and conv outputs (images). */
  private int scratchB = -1;
  private float[][] in0;
  private float[][] cols1;
  private float[][] y1;
  private float[][] cols2;
  private float[][] y2;

  /**
   * {@code impl=auto}'s bound on a step's multiply-adds, B times {@link #macsPerRow}. Side by side on the 2-core
   * machine (docs/benchmarks/cores.md) with one libtorch thread, as {@code mnemo train}'s actors run, the Java step
   * was faster up to 5.9 M (image torso at H = 64, B = 8), about even at 3.6–5 M with the vector torso, and slower
   * from 7.1 M (vector torso at H = 32, B = 64) and at 9.7–19 M (B = 16 at H = 256 or with the image torso), where
   * libtorch's per-op overhead no longer hides that its GEMMs outrun C2's vectorised loops. (With libtorch's two
   * default threads on a loaded machine Java won up to 19 M.) With the Vector API kernel ({@link RowGemm.Kernel#VECTOR};
   * twelfth session, quiet machine, one libtorch thread) the Java step was faster up to 11 M (H = 256 at B = 16:
   * 0.74x libtorch's time with the image torso, 0.84x with the vector torso) and slower from 22 M (the image torso
   * at H = 32, B = 64: 1.37x; 39–43 M at H = 256, B = 64: 1.4–1.6x), hence 12 M with it.
   */
  static final long AUTO_MAX_STEP_MACS = 6_000_000L;
  static final long AUTO_MAX_STEP_MACS_VECTOR = 12_000_000L;

  /** Multiply-adds of one row's step: the torso's products, the core's two, the heads. */
  private final long macsPerRow;
  private final boolean always;

  JavaAgentStep(AgentNetwork net, JavaCoreStep core) {
    this.net = net;
    this.core = core;
    this.numActions = net.spec().numActions();
    this.torsoHidden = net.spec().torsoHidden();
    this.coreIn = torsoHidden + numActions + 1;
    this.obs = net.spec().observationShape();
    if (net.spec().image()) {
      channels[0] = obs[2];
      outH[0] = net.out(obs[0], 0);
      outW[0] = net.out(obs[1], 0);
      outH[1] = net.out(outH[0], 1);
      outW[1] = net.out(outW[0], 1);
    }
    long macs = 0;
    if (net.spec().image()) {
      for (int l = 0; l < 2; l++) {
        macs += (long) outH[l] * outW[l] * channels[l + 1] * channels[l] * net.kernel[l] * net.kernel[l];
      }
    }
    macs += net.fc1W.size();
    macs += net.fc2W == null ? 0 : net.fc2W.size();
    macs += (long) core.numBlocks() * core.hidden() * (core.inputSize() + core.hidden());
    macs += (long) (numActions + 1) * core.hidden();
    this.macsPerRow = macs;
    this.always = net.core().spec().impl() == CoreSpec.Impl.JAVA;
    refresh();
  }

  @Override
  public boolean takes(int batch) {
    return always || batch * macsPerRow <= autoMaxStepMacs();
  }

  /** {@code impl=auto}'s bound for the kernel {@link RowGemm} runs now. */
  static long autoMaxStepMacs() {
    return RowGemm.vectorKernel() ? AUTO_MAX_STEP_MACS_VECTOR : AUTO_MAX_STEP_MACS;
  }

  @Override
  public void refresh() {
    try (Autograd.Paused noGraph = Autograd.pause()) {
      if (net.spec().image()) {
        conv1 = net.conv1W.toFloatArray();
        conv1B = net.conv1B.toFloatArray();
        conv2 = net.conv2W.toFloatArray();
        conv2B = net.conv2B.toFloatArray();
      }
      fc1T = transposed(net.fc1W);
      fc1B = net.fc1B.toFloatArray();
      if (!net.spec().image()) {
        fc2T = transposed(net.fc2W);
        fc2B = net.fc2B.toFloatArray();
      }
      int h = core.hidden();
      float[] pw = net.policyW.toFloatArray();
      float[] vw = net.valueW.toFloatArray();
      headsT = new float[h][numActions + 1];
      for (int k = 0; k < h; k++) {
        for (int a = 0; a < numActions; a++) {
          headsT[k][a] = pw[a * h + k];
        }
        headsT[k][numActions] = vw[k];
      }
      headsB = Arrays.copyOf(net.policyB.toFloatArray(), numActions + 1);
      headsB[numActions] = net.valueB.toFloatArray()[0];
      core.refresh();
    }
  }

  /** W [out, in] as Wᵀ rows [in][out]. */
  private static float[][] transposed(NDArray w) {
    long[] s = w.getShape().getShape();
    return RowGemm.transposed(w.toFloatArray(), (int) s[0], (int) s[1]);
  }

  @Override
  public int numStates() {
    return core.numStates();
  }

  @Override
  public int hidden() {
    return core.hidden();
  }

  @Override
  public Result step(float[] observations, int[] prevActions, float[] rewards, float[] resets, float[][] state, int b) {
    float[] e = net.spec().image() ? imageTorso(observations, b) : vectorTorso(observations, b);
    // core input [e, one_hot(a_{t−1}) (zeros for −1), r_{t−1}]
    float[] x = new float[b * coreIn];
    boolean anyReset = false;
    for (int r = 0; r < b; r++) {
      System.arraycopy(e, r * torsoHidden, x, r * coreIn, torsoHidden);
      int a = prevActions[r];
      if (a >= 0 && a < numActions) {
        x[r * coreIn + torsoHidden + a] = 1f;
      }
      x[r * coreIn + torsoHidden + numActions] = rewards[r];
      anyReset |= resets[r] != 0f;
    }
    float[] keep = null;
    if (anyReset) {
      keep = new float[b];
      for (int r = 0; r < b; r++) {
        keep[r] = 1 - resets[r];
      }
    }
    float[][] next = core.step(x, state, keep, b);
    // heads: [logits, V] = h [W_π; w_v]ᵀ + [b_π, b_v]
    float[][] out = new float[b][];
    for (int r = 0; r < b; r++) {
      out[r] = headsB.clone();
    }
    RowGemm.addProduct(next[0], 0, headsT, out, b, core.hidden());
    float[] logits = new float[b * numActions];
    float[] values = new float[b];
    for (int r = 0; r < b; r++) {
      System.arraycopy(out[r], 0, logits, r * numActions, numActions);
      values[r] = out[r][numActions];
    }
    return new Result(logits, values, next);
  }

  /** e = relu(W2 relu(W1 x + b1) + b2), x [B, D]. */
  private float[] vectorTorso(float[] x, int b) {
    float[] e1 = dense(x, b, fc1T, fc1B);
    return dense(e1, b, fc2T, fc2B);
  }

  /** relu(x Wᵀ + bias) for x [B, in] flat, Wᵀ rows [in][out]; [B, out] flat. */
  private static float[] dense(float[] x, int b, float[][] wT, float[] bias) {
    int in = wT.length;
    int out = bias.length;
    float[][] y = new float[b][];
    for (int r = 0; r < b; r++) {
      y[r] = bias.clone();
    }
    RowGemm.addProduct(x, 0, wT, y, b, in);
    float[] flat = new float[b * out];
    for (int r = 0; r < b; r++) {
      float[] yr = y[r];
      for (int c = 0; c < out; c++) {
        flat[r * out + c] = Math.max(yr[c], 0f);
      }
    }
    return flat;
  }

  /** x/s → conv → relu → conv → relu → flatten → relu(fc); x [B, H, W, C], s the spec's image scale. */
  private float[] imageTorso(float[] x, int b) {
    if (b != scratchB) {
      int p0 = outH[0] * outW[0];
      int p1 = outH[1] * outW[1];
      int k1 = net.kernel[0];
      in0 = new float[channels[0]][b * obs[0] * obs[1]];
      cols1 = new float[channels[0] * k1 * k1][b * p0];
      y1 = new float[channels[1]][b * p0];
      cols2 = new float[channels[1] * net.kernel[1] * net.kernel[1]][b * p1];
      y2 = new float[channels[2]][b * p1];
      scratchB = b;
    }
    int h = obs[0];
    int w = obs[1];
    int c = obs[2];
    // the observation [n][y][x][c] channel-major, scaled by 1/s
    float scale = net.spec().imageScale();
    for (int n = 0; n < b; n++) {
      for (int q = 0; q < h * w; q++) {
        for (int ci = 0; ci < c; ci++) {
          in0[ci][n * h * w + q] = x[(n * h * w + q) * c + ci] / scale;
        }
      }
    }
    patches(cols1, in0, b, h, w, 0);
    convolve(conv1, conv1B, cols1, y1);
    patches(cols2, y1, b, outH[0], outW[0], 1);
    convolve(conv2, conv2B, cols2, y2);
    int p = outH[1] * outW[1];
    int flat = channels[2] * p;
    float[] features = new float[b * flat];
    for (int ch = 0; ch < channels[2]; ch++) {
      float[] yc = y2[ch];
      for (int n = 0; n < b; n++) {
        System.arraycopy(yc, n * p, features, n * flat + ch * p, p);
      }
    }
    return dense(features, b, fc1T, fc1B);
  }

  /**
   * cols[(ci, ky, kx)][(n, oy, ox)] = in[ci][(n, oy·s + ky − p, ox·s + kx − p)] (0 outside) for conv layer
   * {@code layer} of an input [C_in][B·h·w]; with stride 1 each output row is one shifted copy.
   */
  private void patches(float[][] cols, float[][] in, int b, int h, int w, int layer) {
    int k = net.kernel[layer];
    int s = net.stride[layer];
    int pad = net.padding[layer];
    int oh = outH[layer];
    int ow = outW[layer];
    for (int ci = 0; ci < in.length; ci++) {
      float[] src = in[ci];
      for (int ky = 0; ky < k; ky++) {
        for (int kx = 0; kx < k; kx++) {
          float[] col = cols[(ci * k + ky) * k + kx];
          // ox with 0 ≤ ox·s + kx − pad < w
          int lo = Math.max(0, (pad - kx + s - 1) / s);
          int hi = Math.min(ow, (w - 1 + pad - kx) / s + 1);
          for (int n = 0; n < b; n++) {
            for (int oy = 0; oy < oh; oy++) {
              int o = (n * oh + oy) * ow;
              int iy = oy * s + ky - pad;
              if (iy < 0 || iy >= h || hi <= lo) {
                Arrays.fill(col, o, o + ow, 0f);
                continue;
              }
              Arrays.fill(col, o, o + lo, 0f);
              Arrays.fill(col, o + hi, o + ow, 0f);
              int row = (n * h + iy) * w + kx - pad;
              if (s == 1) {
                System.arraycopy(src, row + lo, col, o + lo, hi - lo);
              } else {
                for (int ox = lo; ox < hi; ox++) {
                  col[o + ox] = src[row + ox * s];
                }
              }
            }
          }
        }
      }
    }
  }

  /** y = relu(W cols + b): W [C_out, K] flat, cols K rows, y C_out rows. */
  private static void convolve(float[] weight, float[] bias, float[][] cols, float[][] y) {
    for (int co = 0; co < y.length; co++) {
      Arrays.fill(y[co], bias[co]);
    }
    RowGemm.addProduct(weight, 0, cols, y, y.length, cols.length);
    for (float[] yc : y) {
      for (int i = 0; i < yc.length; i++) {
        yc[i] = Math.max(yc[i], 0f);
      }
    }
  }
}
