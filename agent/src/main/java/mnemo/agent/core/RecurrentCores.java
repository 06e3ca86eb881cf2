package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Builds cores: freshly initialized from a seed, or around given weight arrays.
 *
 * <p>Initialization. Weights: Uniform(−1/√H, 1/√H) as PyTorch does. Classic {@code lstm} /
 * {@code gru}: biases too, plus {@code forget_bias} on bias_hh's forget / update block. The paper's
 * cells: biases zero except the main gate's in bias_ih:
 * <ul>
 *   <li>{@code -} standard: b_f = forget_bias (default 0)
 *   <li>{@code C} chrono: b_f = log(Uniform[1, T_max − 1])
 *   <li>{@code U} uniform: b_f = logit(s), s ~ Uniform[1/H, 1 − 1/H]
 *   <li>{@code O} cumax: b_f = 0
 * </ul>
 * With master gates (M) the main gate is the master forget gate F, and the master input gate's bias
 * mirrors it (b_I = b_F, so that I = 1 − σ(b_F) starts as chrono's input gate σ(−b_f)).
 */
public final class RecurrentCores {

  private RecurrentCores() {}

  /** A freshly initialized core in {@code manager} (float32, gradients attached). */
  public static RecurrentCore create(CoreSpec spec, int inputSize, NDManager manager, long seed) {
    return create(spec, inputSize, manager, seed, DataType.FLOAT32);
  }

  /** A freshly initialized core of the given floating type (float64 for gradient checks). */
  public static RecurrentCore create(CoreSpec spec, int inputSize, NDManager manager, long seed, DataType type) {
    if (inputSize <= 0) {
      throw new IllegalArgumentException("inputSize must be positive, got " + inputSize);
    }
    double[][] w = initialWeights(spec, inputSize, seed);
    int gh = spec.numBlocks() * spec.hidden();
    NDArray wih = make(manager, w[0], new Shape(gh, inputSize), type);
    NDArray whh = make(manager, w[1], new Shape(gh, spec.hidden()), type);
    NDArray bih = make(manager, w[2], new Shape(gh), type);
    NDArray bhh = make(manager, w[3], new Shape(gh), type);
    RecurrentCore core = wrap(spec, wih, whh, bih, bhh);
    for (NDArray p : core.parameters()) {
      p.setRequiresGradient(true);
    }
    return core;
  }

  /**
   * A core around existing arrays (named as in {@link RecurrentCore#parameterNames()}); shapes are
   * checked. The arrays are used as they are (no copy; gradients not attached).
   */
  public static RecurrentCore fromWeights(CoreSpec spec, Map<String, NDArray> weights) {
    for (String n : GatedCore.NAMES) {
      if (!weights.containsKey(n)) {
        throw new IllegalArgumentException("missing array '" + n + "' for core " + spec.name()
            + " (expected " + GatedCore.NAMES + ", got " + weights.keySet() + ")");
      }
    }
    return wrap(spec, weights.get("weight_ih"), weights.get("weight_hh"), weights.get("bias_ih"), weights.get("bias_hh"));
  }

  private static RecurrentCore wrap(CoreSpec spec, NDArray wih, NDArray whh, NDArray bih, NDArray bhh) {
    return switch (spec.cell()) {
      case LSTM -> new LstmCore(spec, wih, whh, bih, bhh);
      case TIED_LSTM -> new TiedLstmCore(spec, wih, whh, bih, bhh);
      case GRU, PAPER_GRU -> new GruCore(spec, wih, whh, bih, bhh);
    };
  }

  private static NDArray make(NDManager m, double[] v, Shape shape, DataType type) {
    return m.create(v, shape).toType(type, false);
  }

  /**
   * The initial weights as plain arrays {weight_ih, weight_hh, bias_ih, bias_hh} (row-major), drawn
   * from {@code seed}: the same seed always gives the same core.
   */
  public static double[][] initialWeights(CoreSpec spec, int inputSize, long seed) {
    int h = spec.hidden();
    int g = spec.numBlocks();
    SplittableRandom rng = new SplittableRandom(seed);
    double k = 1.0 / Math.sqrt(h);
    double[] wih = uniform(rng, g * h * inputSize, -k, k);
    double[] whh = uniform(rng, g * h * h, -k, k);
    double[] bih;
    double[] bhh;
    List<String> blocks = spec.blockNames();
    if (!spec.cell().isPaper()) {
      bih = uniform(rng, g * h, -k, k);
      bhh = uniform(rng, g * h, -k, k);
      int fb = blocks.indexOf(spec.cell() == CoreSpec.Cell.LSTM ? "forget" : "update");
      for (int j = 0; j < h; j++) {
        bhh[fb * h + j] += spec.forgetBias();
      }
      return new double[][] {wih, whh, bih, bhh};
    }
    bih = new double[g * h];
    bhh = new double[g * h];
    boolean master = spec.aux() == CoreSpec.AuxGate.MASTER;
    int main = blocks.indexOf(master ? "master_forget" : (spec.cell() == CoreSpec.Cell.TIED_LSTM ? "forget" : "update"));
    double[] bMain = mainGateBias(spec, rng);
    System.arraycopy(bMain, 0, bih, main * h, h);
    if (master) {
      System.arraycopy(bMain, 0, bih, blocks.indexOf("master_input") * h, h);
    }
    return new double[][] {wih, whh, bih, bhh};
  }

  /** The main gate's bias per unit, by the spec's first letter. */
  static double[] mainGateBias(CoreSpec spec, SplittableRandom rng) {
    int h = spec.hidden();
    double[] b = new double[h];
    for (int j = 0; j < h; j++) {
      b[j] = switch (spec.main()) {
        case STANDARD -> spec.forgetBias();
        // chrono: b_f = log(Uniform[1, T_max − 1])
        case CHRONO -> Math.log(1 + rng.nextDouble() * (spec.tmax() - 2));
        // uniform gate initialization: b_f = logit(s), s ~ Uniform[1/d, 1 − 1/d]
        case UNIFORM -> {
          double lo = 1.0 / h;
          double s = h <= 2 ? 0.5 : lo + rng.nextDouble() * (1 - 2 * lo);
          yield Math.log(s / (1 - s));
        }
        case CUMAX -> 0;
      };
    }
    return b;
  }

  private static double[] uniform(SplittableRandom rng, int n, double lo, double hi) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = lo + (hi - lo) * rng.nextDouble();
    }
    return v;
  }
}
