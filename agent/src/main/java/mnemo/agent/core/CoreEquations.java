package mnemo.agent.core;

import java.util.ArrayList;
import java.util.List;

/** The equations of a core, as printed by {@code mnemo core list} and written in docs/cores.md. */
public final class CoreEquations {

  private CoreEquations() {}

  /** One line of description, then the equations, for a spec. P_k = W_ik x + b_ik + W_hk h + b_hk. */
  public static List<String> describe(CoreSpec s) {
    List<String> l = new ArrayList<>();
    String blocks = "blocks " + String.join(", ", s.blockNames()) + " (G = " + s.numBlocks() + ")";
    switch (s.cell()) {
      case LSTM -> {
        l.add("PyTorch LSTMCell; " + blocks + "; state (h, c)");
        l.add("i = σ(P_i)  f = σ(P_f)  g = tanh(P_g)  o = σ(P_o)");
        l.add("c' = f ⊙ c + i ⊙ g;  h' = o ⊙ tanh(c')");
        l.add("init: all weights and biases U(−1/√H, 1/√H); forget_bias added to bias_hh's f block");
        return l;
      }
      case GRU -> {
        l.add("PyTorch GRUCell; " + blocks + "; state (h)");
        l.add("r = σ(P_r)  z = σ(P_z)  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))");
        l.add("h' = (1 − z) ⊙ n + z ⊙ h");
        l.add("init: all weights and biases U(−1/√H, 1/√H); forget_bias added to bias_hh's z block");
        return l;
      }
      case MIN_GRU -> {
        l.add("minGRU (Feng et al. 2024); gates from x only; " + blocks + "; state (h); weight_ih, bias_ih only");
        l.add("z = σ(W_z x + b_z)  h̃ = W_h x + b_h");
        l.add("h' = (1 − z) ⊙ h + z ⊙ h̃");
        l.add("unroll: chunked scan (L = " + s.chunk() + ") of h_t = a_t ⊙ h_{t−1} + b_t, log a = −softplus(P_z), b = z ⊙ h̃");
        l.add("init: weight_ih and bias_ih U(−1/√H, 1/√H)");
        return l;
      }
      case MIN_LSTM -> {
        l.add("minLSTM (Feng et al. 2024); gates from x only; " + blocks + "; state (h); weight_ih, bias_ih only");
        l.add("f = σ(W_f x + b_f)  i = σ(W_i x + b_i)  h̃ = W_h x + b_h");
        l.add("f' = f / (f + i)  i' = i / (f + i)  (as σ(±(log f − log i)))");
        l.add("h' = f' ⊙ h + i' ⊙ h̃");
        l.add("unroll: chunked scan (L = " + s.chunk() + ") of h_t = a_t ⊙ h_{t−1} + b_t, a = f', b = i' ⊙ h̃");
        l.add("init: weight_ih and bias_ih U(−1/√H, 1/√H); forget_bias added to b_f");
        return l;
      }
      case SLSTM -> {
        l.add("sLSTM (Beck et al. 2024, xLSTM), one head; " + blocks + "; state (h, c, n, m), all 0 after a reset");
        l.add("ĩ = P_i  f̃ = P_f  z = tanh(P_z)  o = σ(P_o)");
        l.add("m' = max(log σ(f̃) + m, ĩ)  i' = exp(ĩ − m')  f' = exp(log σ(f̃) + m − m')");
        l.add("c' = f' ⊙ c + i' ⊙ z  n' = f' ⊙ n + i'");
        l.add("h' = o ⊙ c' / n'  (n' floored at 1e-30)");
        l.add("init: all weights and biases U(−1/√H, 1/√H); forget_bias added to bias_ih's f block");
        return l;
      }
      default -> {
      }
    }
    boolean lstm = s.cell() == CoreSpec.Cell.TIED_LSTM;
    String gate = lstm ? "f" : "z";
    String main = switch (s.main()) {
      case STANDARD -> "standard";
      case CHRONO -> "chrono";
      case CUMAX -> "cumax (ordered neurons)";
      case UNIFORM -> "uniform gate initialization";
    };
    String aux = switch (s.aux()) {
      case NONE -> "no auxiliary gate";
      case MASTER -> "ON-LSTM master gates";
      case REFINE -> "refine gate";
    };
    l.add((lstm ? "paper LSTM, input gate tied to 1 − f" : "paper GRU (PyTorch's GRU form)") + "; main gate: " + main
        + "; " + aux + "; " + blocks + "; state " + (lstm ? "(h, c)" : "(h)"));
    String act = s.main() == CoreSpec.MainGate.CUMAX && s.aux() != CoreSpec.AuxGate.MASTER
        ? "cumax(P_" + gate + ") = cumsum(softmax(P_" + gate + "))" : "σ(P_" + gate + ")";
    if (lstm) {
      l.add("f = " + act + "  u = tanh(P_u)  o = σ(P_o)");
    } else {
      l.add("r = σ(P_r)  z = " + act + "  n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))");
    }
    String state = lstm ? "c" : "h";
    String cand = lstm ? "u" : "n";
    switch (s.aux()) {
      case NONE -> l.add(state + "' = " + gate + " ⊙ " + state + " + (1 − " + gate + ") ⊙ " + cand);
      case REFINE -> {
        l.add("r_g = σ(P_refine" + (s.refineOffset() ? " − b_" + gate : "") + ")  g = r_g ⊙ (1 − (1 − " + gate
            + ")²) + (1 − r_g) ⊙ " + gate + "² = " + gate + " + (2r_g − 1) ⊙ " + gate + " ⊙ (1 − " + gate + ")");
        l.add(state + "' = g ⊙ " + state + " + (1 − g) ⊙ " + cand);
      }
      case MASTER -> {
        String mact = s.main() == CoreSpec.MainGate.CUMAX ? "cumax" : "σ";
        l.add("F = " + mact + "(P_F)  I = 1 − " + mact + "(P_I)  ω = F ⊙ I");
        l.add("f̂ = " + gate + " ⊙ ω + (F − ω)  î = (1 − " + gate + ") ⊙ ω + (I − ω)  " + state + "' = f̂ ⊙ " + state
            + " + î ⊙ " + cand);
      }
    }
    if (lstm) {
      l.add("h' = o ⊙ tanh(c')");
    }
    String target = s.aux() == CoreSpec.AuxGate.MASTER ? "b_F (and b_I = b_F)" : "b_" + gate;
    l.add("init: W ~ U(−1/√H, 1/√H), biases 0 except " + target + " = " + switch (s.main()) {
      case STANDARD -> "forget_bias (default 0)";
      case CHRONO -> "log(U[1, tmax − 1]) (tmax = " + s.tmax() + ")";
      case CUMAX -> "0";
      case UNIFORM -> "logit(U[1/H, 1 − 1/H])";
    });
    return l;
  }
}
