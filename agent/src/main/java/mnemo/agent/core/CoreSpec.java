package mnemo.agent.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A recurrent core, parsed from a spec string such as {@code ur-lstm}, {@code c-lstm:tmax=1000},
 * {@code ur-gru:hidden=128,refine_offset=true}, {@code lstm} or {@code gru}.
 *
 * <p>Grammar: {@code NAME[:OPTION=VALUE[,OPTION=VALUE]...]} (options may also be separated by
 * {@code :}). NAME is {@code lstm} / {@code gru} (PyTorch's LSTMCell / GRUCell), {@code tied-lstm}
 * (the paper's {@code --} LSTM: input gate tied to 1 − f, standard initialization), or
 * {@code CODE-lstm} / {@code CODE-gru} where CODE is the paper's two letters with {@code -} left
 * out: the main gate {@code c} (chrono), {@code o} (cumax), {@code u} (uniform) or nothing, then the
 * auxiliary gate {@code m} (master gates), {@code r} (refine) or nothing, e.g. {@code ur}, {@code u},
 * {@code r}, {@code om}; or one of the later cells {@code min-gru}, {@code min-lstm} (Feng et al.
 * 2024: gates from the input only, trained with a chunked scan over time) and {@code slstm} (Beck et
 * al. 2024, xLSTM's sLSTM with one head).
 *
 * @param cell the cell family
 * @param main the main (forget / update) gate's initialization or activation
 * @param aux the auxiliary gate
 * @param hidden H, the state size
 * @param forgetBias added to the main gate's bias at initialization (standard {@code -} gate, and
 *     the classic cells)
 * @param tmax T_max of the chrono initialization
 * @param refineOffset the refine gate's pre-activation is offset by the forget bias: r = σ(P_r − b_f)
 * @param chunk L, the chunk length of the min cores' scan over time (ignored by the other cells)
 * @param backward how a training unroll backpropagates through time (option {@code backward=autograd|manual}):
 *     by autograd recording every op (the default, and what the other cells always do) or by the
 *     hand-derived backward of the LSTM and GRU families ({@code GatedBackward}: correct, but not faster on
 *     the 2-core machines, docs/benchmarks/cores.md); the results agree within float rounding
 * @param impl where the LSTM and GRU families compute (option {@code impl=torch|java|auto}): {@code torch}
 *     runs libtorch ops (with {@code backward} as above), {@code java} runs forward and backward through time
 *     as plain Java loops on float arrays ({@code JavaCell}; CPU and float32 only, the input projection and
 *     the weight gradients stay one libtorch GEMM each; {@code backward} is then ignored), {@code auto} picks
 *     Java on CPU where it measured faster (small H and batch, {@link Impl#AUTO}) and libtorch otherwise and
 *     on GPU, or with {@code backward=manual} (which names libtorch's hand-derived backward); an actor's single
 *     step runs the whole agent in Java ({@code AgentModel.javaStep}) with {@code java}, and with {@code auto}
 *     where that measured faster. The default is {@code auto} ({@link #DEFAULT_IMPL}): at the RL experiments'
 *     sizes the Java cell trained 5–17x faster than the libtorch cell, and {@code mnemo train} ran faster with it
 *     (docs/benchmarks/cores.md). The other cells always run libtorch.
 */
public record CoreSpec(Cell cell, MainGate main, AuxGate aux, int hidden, double forgetBias, double tmax,
    boolean refineOffset, int chunk, Backward backward, Impl impl) {

  /** Default H when the spec names none. */
  public static final int DEFAULT_HIDDEN = 256;
  /** Default T_max of the chrono initialization. */
  public static final double DEFAULT_TMAX = 1000;
  /**
   * Separates specs in a list ({@code --cores}): a comma, unless an option of the same spec follows it, so
   * {@code ur-lstm:hidden=64,impl=torch,lstm} is two specs. A regex, for {@code String.split} and picocli's
   * {@code split}.
   */
  public static final String LIST_SEPARATOR = ",(?![a-z_]+=)";

  /** The impl a spec without {@code impl=} gets. */
  public static final Impl DEFAULT_IMPL = Impl.AUTO;
  /** Default chunk length L of the min cores' scan. */
  public static final int DEFAULT_CHUNK = 8;

  /**
   * The cell family: the paper's cells tie the LSTM's input gate to 1 − f; the classic ones are
   * PyTorch's; the min cells (no recurrent weights) and sLSTM came after the paper.
   */
  public enum Cell {
    LSTM, GRU, TIED_LSTM, PAPER_GRU, MIN_GRU, MIN_LSTM, SLSTM;

    public boolean isLstm() {
      return this == LSTM || this == TIED_LSTM;
    }

    public boolean isPaper() {
      return this == TIED_LSTM || this == PAPER_GRU;
    }

    /** Whether the gates depend on the input only (no weight_hh, bias_hh): the min cells. */
    public boolean isInputGated() {
      return this == MIN_GRU || this == MIN_LSTM;
    }
  }

  /** How a training unroll backpropagates through time. */
  public enum Backward {
    /** Autograd records every op of every step (the default). */
    AUTOGRAD,
    /** The hand-derived backward where the cell has one (the LSTM and GRU families). */
    MANUAL
  }

  /** Where a gated cell's arithmetic runs (see the record's {@code impl}). */
  public enum Impl {
    /** libtorch ops, one per gate operation (the DJL cell). */
    TORCH,
    /** Plain Java loops on float arrays, CPU and float32 only ({@code JavaCell}). */
    JAVA,
    /** Java on CPU for small sizes (where it measured faster), libtorch otherwise. */
    AUTO
  }

  /** The main gate: standard, chrono init, cumax activation, uniform init. */
  public enum MainGate { STANDARD, CHRONO, CUMAX, UNIFORM }

  /** The auxiliary gate: none, ON-LSTM master gates, refine gate. */
  public enum AuxGate { NONE, MASTER, REFINE }

  public CoreSpec {
    if (hidden <= 0) {
      throw new IllegalArgumentException("hidden must be positive, got " + hidden);
    }
    if (!cell.isPaper() && (main != MainGate.STANDARD || aux != AuxGate.NONE)) {
      throw new IllegalArgumentException("the classic cells have no gate variants");
    }
    if (tmax < 2) {
      throw new IllegalArgumentException("tmax must be at least 2, got " + tmax);
    }
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be at least 1, got " + chunk);
    }
  }

  /** The cells that came after the paper, by name. */
  static final List<String> LATER_CELLS = List.of("min-gru", "min-lstm", "slstm");

  /** Every spec name: the classic cells, the paper's grid on the tied LSTM and the GRU, then the later cells. */
  public static List<String> allNames() {
    List<String> names = new ArrayList<>(List.of("lstm", "gru", "tied-lstm"));
    for (String family : List.of("lstm", "gru")) {
      for (String m : List.of("", "c", "o", "u")) {
        for (String a : List.of("", "m", "r")) {
          if (!(m + a).isEmpty()) {
            names.add(m + a + "-" + family);
          }
        }
      }
    }
    names.addAll(LATER_CELLS);
    return names;
  }

  /** Parses a spec string; throws IllegalArgumentException with the list of valid names otherwise. */
  public static CoreSpec parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty core spec; valid names: " + String.join(", ", allNames()));
    }
    String s = spec.trim().toLowerCase(Locale.ROOT);
    int colon = s.indexOf(':');
    String name = colon < 0 ? s : s.substring(0, colon);
    Map<String, String> opts = new LinkedHashMap<>();
    if (colon >= 0) {
      for (String kv : s.substring(colon + 1).split("[,:]")) {
        if (kv.isBlank()) {
          continue;
        }
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("core option '" + kv + "' in '" + spec + "' is not KEY=VALUE");
        }
        opts.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
      }
    }
    Cell cell;
    MainGate main = MainGate.STANDARD;
    AuxGate aux = AuxGate.NONE;
    switch (name) {
      case "lstm" -> cell = Cell.LSTM;
      case "gru" -> cell = Cell.GRU;
      case "tied-lstm" -> cell = Cell.TIED_LSTM;
      case "min-gru" -> cell = Cell.MIN_GRU;
      case "min-lstm" -> cell = Cell.MIN_LSTM;
      case "slstm" -> cell = Cell.SLSTM;
      default -> {
        int dash = name.lastIndexOf('-');
        String family = dash < 0 ? "" : name.substring(dash + 1);
        String code = dash < 0 ? "" : name.substring(0, dash);
        if (!(family.equals("lstm") || family.equals("gru")) || !code.matches("[cou]?[mr]?") || code.isEmpty()) {
          throw new IllegalArgumentException("unknown core '" + name + "'; valid names: " + String.join(", ", allNames()));
        }
        cell = family.equals("lstm") ? Cell.TIED_LSTM : Cell.PAPER_GRU;
        for (char ch : code.toCharArray()) {
          switch (ch) {
            case 'c' -> main = MainGate.CHRONO;
            case 'o' -> main = MainGate.CUMAX;
            case 'u' -> main = MainGate.UNIFORM;
            case 'm' -> aux = AuxGate.MASTER;
            case 'r' -> aux = AuxGate.REFINE;
            default -> throw new IllegalStateException();
          }
        }
      }
    }
    int hidden = DEFAULT_HIDDEN;
    double forgetBias = 0;
    double tmax = DEFAULT_TMAX;
    boolean refineOffset = false;
    int chunk = DEFAULT_CHUNK;
    Backward backward = Backward.AUTOGRAD;
    Impl impl = DEFAULT_IMPL;
    for (Map.Entry<String, String> e : opts.entrySet()) {
      String v = e.getValue();
      try {
        switch (e.getKey()) {
          case "hidden" -> hidden = Integer.parseInt(v);
          case "forget_bias" -> {
            if (main != MainGate.STANDARD) {
              throw new IllegalArgumentException("forget_bias applies to the standard main gate only, not to '" + name + "'");
            }
            if (cell == Cell.MIN_GRU) {
              throw new IllegalArgumentException("forget_bias does not apply to 'min-gru' (it has no forget gate)");
            }
            forgetBias = Double.parseDouble(v);
          }
          case "tmax" -> {
            if (main != MainGate.CHRONO) {
              throw new IllegalArgumentException("tmax applies to the chrono (c-) cores only, not to '" + name + "'");
            }
            tmax = Double.parseDouble(v);
          }
          case "refine_offset" -> {
            if (aux != AuxGate.REFINE) {
              throw new IllegalArgumentException("refine_offset applies to the refine (-r) cores only, not to '" + name + "'");
            }
            if (!v.equals("true") && !v.equals("false")) {
              throw new IllegalArgumentException("refine_offset must be true or false, got '" + v + "'");
            }
            refineOffset = Boolean.parseBoolean(v);
          }
          case "chunk" -> {
            if (!cell.isInputGated()) {
              throw new IllegalArgumentException("chunk applies to the scanned cores (min-gru, min-lstm) only, not to '" + name + "'");
            }
            chunk = Integer.parseInt(v);
          }
          case "backward" -> {
            if (!v.equals("manual") && !v.equals("autograd")) {
              throw new IllegalArgumentException("backward must be manual or autograd, got '" + v + "'");
            }
            backward = v.equals("manual") ? Backward.MANUAL : Backward.AUTOGRAD;
          }
          case "impl" -> impl = switch (v) {
            case "torch" -> Impl.TORCH;
            case "java" -> Impl.JAVA;
            case "auto" -> Impl.AUTO;
            default -> throw new IllegalArgumentException("impl must be torch, java or auto, got '" + v + "'");
          };
          default -> throw new IllegalArgumentException("unknown core option '" + e.getKey()
              + "' in '" + spec + "'; options: hidden, forget_bias, tmax, refine_offset, chunk, backward, impl");
        }
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException("core option " + e.getKey() + " has a bad value '" + v + "'", ex);
      }
    }
    if (impl == Impl.JAVA && !(cell.isLstm() || cell == Cell.GRU || cell == Cell.PAPER_GRU)) {
      throw new IllegalArgumentException("impl=java applies to the LSTM and GRU families only, not to '" + name + "'");
    }
    return new CoreSpec(cell, main, aux, hidden, forgetBias, tmax, refineOffset, chunk, backward, impl);
  }

  /** The spec's name without options, e.g. {@code ur-lstm}. */
  public String name() {
    switch (cell) {
      case LSTM:
        return "lstm";
      case GRU:
        return "gru";
      case MIN_GRU:
        return "min-gru";
      case MIN_LSTM:
        return "min-lstm";
      case SLSTM:
        return "slstm";
      default:
        break;
    }
    String code = switch (main) {
      case STANDARD -> "";
      case CHRONO -> "c";
      case CUMAX -> "o";
      case UNIFORM -> "u";
    } + switch (aux) {
      case NONE -> "";
      case MASTER -> "m";
      case REFINE -> "r";
    };
    if (code.isEmpty()) {
      return cell == Cell.TIED_LSTM ? "tied-lstm" : "gru";
    }
    return code + (cell == Cell.TIED_LSTM ? "-lstm" : "-gru");
  }

  /** The same spec with another hidden size. */
  public CoreSpec withHidden(int h) {
    return new CoreSpec(cell, main, aux, h, forgetBias, tmax, refineOffset, chunk, backward, impl);
  }

  /** The same spec with another backward. */
  public CoreSpec withBackward(Backward b) {
    return new CoreSpec(cell, main, aux, hidden, forgetBias, tmax, refineOffset, chunk, b, impl);
  }

  /** The same spec with another impl. */
  public CoreSpec withImpl(Impl i) {
    return new CoreSpec(cell, main, aux, hidden, forgetBias, tmax, refineOffset, chunk, backward, i);
  }

  /** The canonical spec string with every non-default option, parseable by {@link #parse}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(name()).append(":hidden=").append(hidden);
    if (forgetBias != 0) {
      sb.append(",forget_bias=").append(forgetBias);
    }
    if (main == MainGate.CHRONO) {
      sb.append(",tmax=").append(tmax);
    }
    if (refineOffset) {
      sb.append(",refine_offset=true");
    }
    if (cell.isInputGated() && chunk != DEFAULT_CHUNK) {
      sb.append(",chunk=").append(chunk);
    }
    if (backward == Backward.MANUAL) {
      sb.append(",backward=manual");
    }
    if (impl != DEFAULT_IMPL) {
      sb.append(",impl=").append(impl.name().toLowerCase(Locale.ROOT));
    }
    return sb.toString();
  }

  /** G, the number of H-sized blocks stacked in weight_ih / weight_hh / biases. */
  public int numBlocks() {
    return blockNames().size();
  }

  /** The names of the blocks, in the order they are stacked (the npz layout). */
  public List<String> blockNames() {
    return switch (cell) {
      case LSTM -> List.of("input", "forget", "cell", "output");
      case GRU -> List.of("reset", "update", "candidate");
      case TIED_LSTM -> switch (aux) {
        case NONE -> List.of("forget", "candidate", "output");
        case REFINE -> List.of("forget", "refine", "candidate", "output");
        case MASTER -> List.of("forget", "master_forget", "master_input", "candidate", "output");
      };
      case PAPER_GRU -> switch (aux) {
        case NONE -> List.of("reset", "update", "candidate");
        case REFINE -> List.of("reset", "update", "candidate", "refine");
        case MASTER -> List.of("reset", "update", "candidate", "master_forget", "master_input");
      };
      case MIN_GRU -> List.of("update", "candidate");
      case MIN_LSTM -> List.of("forget", "input", "candidate");
      case SLSTM -> List.of("input", "forget", "candidate", "output");
    };
  }

  /** The names of the state arrays, h first: (h, c) for LSTMs, (h) for GRUs and min cells, (h, c, n, m) for sLSTM. */
  public List<String> stateNames() {
    if (cell == Cell.SLSTM) {
      return List.of("h", "c", "n", "m");
    }
    return cell.isLstm() ? List.of("h", "c") : List.of("h");
  }

  /** The number of state arrays. */
  public int numStates() {
    return stateNames().size();
  }

  /**
   * The weight arrays, named as in PyTorch (and in .npz files): weight_ih, weight_hh, bias_ih,
   * bias_hh; the min cells have no recurrent weights, so only weight_ih and bias_ih.
   */
  public List<String> parameterNames() {
    return cell.isInputGated() ? List.of("weight_ih", "bias_ih") : List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh");
  }
}
