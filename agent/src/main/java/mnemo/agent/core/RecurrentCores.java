package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
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
 * mirrors it (b_I = b_F, so that I = 1 − σ(b_F) starts as chrono's input gate σ(−b_f)). The later
 * cells ({@code min-gru}, {@code min-lstm}, {@code slstm}) as the classic ones: weights and biases
 * Uniform(−1/√H, 1/√H), plus {@code forget_bias} on bias_ih's forget block.
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
    Map<String, NDArray> arrays = new HashMap<>();
    List<String> names = spec.parameterNames();
    for (int k = 0; k < names.size(); k++) {
      arrays.put(names.get(k), make(manager, w[k], shapeOf(names.get(k), spec, inputSize), type));
    }
    RecurrentCore core = fromWeights(spec, arrays);
    for (NDArray p : core.parameters()) {
      p.setRequiresGradient(true);
    }
    return core;
  }

  /**
   * The same core around the same arrays (no copy), its spec's {@link CoreSpec#backward()} replaced:
   * for comparing the two backward passes on the same weights.
   */
  public static RecurrentCore withBackward(RecurrentCore core, CoreSpec.Backward backward) {
    return withSpec(core, core.spec().withBackward(backward));
  }

  /**
   * The same core around the same arrays (no copy), its spec's {@link CoreSpec#impl()} replaced: for comparing
   * the Java cells with libtorch's on the same weights.
   */
  public static RecurrentCore withImpl(RecurrentCore core, CoreSpec.Impl impl) {
    return withSpec(core, core.spec().withImpl(impl));
  }

  /** The same core around the same arrays (no copy) with another spec of the same shapes (options, impl). */
  public static RecurrentCore withSpec(RecurrentCore core, CoreSpec spec) {
    Map<String, NDArray> arrays = new HashMap<>();
    for (int k = 0; k < core.parameters().size(); k++) {
      arrays.put(core.parameterNames().get(k), core.parameters().get(k));
    }
    return fromWeights(spec, arrays);
  }

  /** The shape of a named weight array: weight_ih [G·H, I], weight_hh [G·H, H], biases [G·H]. */
  static Shape shapeOf(String name, CoreSpec spec, int inputSize) {
    int gh = spec.numBlocks() * spec.hidden();
    return switch (name) {
      case "weight_ih" -> new Shape(gh, inputSize);
      case "weight_hh" -> new Shape(gh, spec.hidden());
      default -> new Shape(gh);
    };
  }

  /**
   * A core around existing arrays (named as in {@link CoreSpec#parameterNames()}); shapes are
   * checked. The arrays are used as they are (no copy; gradients not attached).
   */
  public static RecurrentCore fromWeights(CoreSpec spec, Map<String, NDArray> weights) {
    for (String n : spec.parameterNames()) {
      if (!weights.containsKey(n)) {
        throw new IllegalArgumentException("missing array '" + n + "' for core " + spec.name()
            + " (expected " + spec.parameterNames() + ", got " + weights.keySet() + ")");
      }
    }
    NDArray wih = weights.get("weight_ih");
    NDArray bih = weights.get("bias_ih");
    return switch (spec.cell()) {
      case MIN_GRU -> new MinGruCore(spec, wih, bih);
      case MIN_LSTM -> new MinLstmCore(spec, wih, bih);
      case LSTM -> new LstmCore(spec, wih, weights.get("weight_hh"), bih, weights.get("bias_hh"));
      case TIED_LSTM -> new TiedLstmCore(spec, wih, weights.get("weight_hh"), bih, weights.get("bias_hh"));
      case GRU, PAPER_GRU -> new GruCore(spec, wih, weights.get("weight_hh"), bih, weights.get("bias_hh"));
      case SLSTM -> new SlstmCore(spec, wih, weights.get("weight_hh"), bih, weights.get("bias_hh"));
    };
  }

  private static NDArray make(NDManager m, double[] v, Shape shape, DataType type) {
    return m.create(v, shape).toType(type, false);
  }

  /**
   * The initial weights as plain arrays in the order of {@link CoreSpec#parameterNames()} (weight_ih,
   * weight_hh, bias_ih, bias_hh; row-major), drawn from {@code seed}: the same seed always gives the
   * same core.
   */
  public static double[][] initialWeights(CoreSpec spec, int inputSize, long seed) {
    int h = spec.hidden();
    int g = spec.numBlocks();
    SplittableRandom rng = new SplittableRandom(seed);
    double k = 1.0 / Math.sqrt(h);
    double[] wih = uniform(rng, g * h * inputSize, -k, k);
    List<String> blocks = spec.blockNames();
    if (spec.cell().isInputGated()) {
      double[] bih = uniform(rng, g * h, -k, k);
      addForgetBias(spec, bih);
      return new double[][] {wih, bih};
    }
    double[] whh = uniform(rng, g * h * h, -k, k);
    double[] bih;
    double[] bhh;
    if (spec.cell() == CoreSpec.Cell.SLSTM) {
      bih = uniform(rng, g * h, -k, k);
      bhh = uniform(rng, g * h, -k, k);
      addForgetBias(spec, bih);
      return new double[][] {wih, whh, bih, bhh};
    }
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

  /** forget_bias added to the forget block of a later cell's bias (min-lstm, slstm). */
  private static void addForgetBias(CoreSpec spec, double[] bias) {
    int fb = spec.blockNames().indexOf("forget");
    if (fb < 0) {
      return;
    }
    for (int j = 0; j < spec.hidden(); j++) {
      bias[fb * spec.hidden() + j] += spec.forgetBias();
    }
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
