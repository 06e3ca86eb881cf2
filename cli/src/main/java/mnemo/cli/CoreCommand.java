package mnemo.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import mnemo.agent.core.CoreEquations;
import mnemo.agent.core.CoreOutput;
import mnemo.agent.core.CoreSpec;
import mnemo.agent.core.RecurrentCore;
import mnemo.agent.core.RecurrentCores;
import mnemo.agent.weights.NpyArray;
import mnemo.agent.weights.NpzWeights;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mnemo core}: the recurrent cores, and commands to cross-check them against other frameworks. */
@Command(name = "core",
    header = "The recurrent cores: their equations, initial weights, and runs for cross-checks.",
    mixinStandardHelpOptions = true,
    description = {"The recurrent cores: list them with their equations, write freshly initialized weights, or run",
      "a core on inputs from numpy files (to compare with PyTorch or your own implementation). The weight",
      "layout is documented in docs/cores.md."},
    subcommands = {CoreCommand.ListCores.class, CoreCommand.Init.class, CoreCommand.Run.class})
public final class CoreCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out); // with the width set on the root command line
  }

  @Command(name = "list",
      header = "Print every core spec with its equations.",
      mixinStandardHelpOptions = true, description = "Print every core spec with its equations.")
  static final class ListCores implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.println("Spec grammar: NAME[:hidden=H][,forget_bias=B][,tmax=T][,refine_offset=true][,chunk=L]"
          + "[,backward=manual][,impl=torch|java|auto]");
      System.out.println("P_k = W_ik x + b_ik + W_hk h + b_hk (block k of weight_ih, weight_hh, bias_ih, bias_hh)");
      System.out.println();
      for (String n : CoreSpec.allNames()) {
        CoreSpec s = CoreSpec.parse(n);
        List<String> lines = CoreEquations.describe(s);
        System.out.println(n);
        for (String l : lines) {
          System.out.println("    " + l);
        }
        System.out.println();
      }
      return 0;
    }
  }

  @Command(name = "init",
      header = "Write a freshly initialized core's weights as .npz.",
      mixinStandardHelpOptions = true,
      description = {"Write a freshly initialized core's weights as .npz (float32): weight_ih, weight_hh, bias_ih, bias_hh;",
        "weight_ih and bias_ih only for min-gru and min-lstm."})
  static final class Init implements Callable<Integer> {
    @Option(names = "--core", required = true, description = "Core spec, e.g. ur-lstm or c-lstm:tmax=1000.")
    String core;

    @Option(names = "--input-size", required = true, description = "I, the input size.")
    int inputSize;

    @Option(names = "--hidden", description = "H (default: the spec's hidden=, else " + CoreSpec.DEFAULT_HIDDEN + ").")
    Integer hidden;

    @Option(names = "--seed", defaultValue = "1", description = "Initialization seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output .npz file.")
    Path out;

    @Override
    public Integer call() throws Exception {
      CoreSpec spec;
      try {
        spec = CoreSpec.parse(core);
        if (inputSize <= 0) {
          throw new IllegalArgumentException("--input-size must be positive, got " + inputSize);
        }
      } catch (IllegalArgumentException e) {
        System.err.println("mnemo core init: " + e.getMessage());
        return 2;
      }
      if (hidden != null) {
        spec = spec.withHidden(hidden);
      }
      try (NDManager m = NDManager.newBaseManager()) {
        RecurrentCore c = RecurrentCores.create(spec, inputSize, m, seed);
        Files.write(out, NpzWeights.encode(c.parameterNames(), c.parameters()));
      }
      System.out.println("wrote " + out + ": " + spec + ", I=" + inputSize + ", blocks " + spec.blockNames());
      return 0;
    }
  }

  @Command(name = "run",
      header = "Run a core over inputs from a .npy file and write its outputs.",
      mixinStandardHelpOptions = true,
      description = {"Run a core over inputs [T, B, I] from a .npy file (with optional resets [T, B]) from the zero",
        "state, and write outputs [T, B, H] and the final state [B, H] (h_final; also c_final for LSTMs, c_final,",
        "n_final, m_final for slstm) to an .npz file. Computes in the weights' type (float32 or float64)."})
  static final class Run implements Callable<Integer> {
    @Option(names = "--core", required = true, description = "Core spec; H is read from the weights.")
    String core;

    @Option(names = "--weights", required = true, description = ".npz with the core's arrays (see core init).")
    Path weights;

    @Option(names = "--inputs", required = true, description = ".npy of inputs [T, B, I].")
    Path inputs;

    @Option(names = "--resets", description = ".npy of reset flags [T, B] (1 = zero the state before that step).")
    Path resets;

    @Option(names = "--out", required = true, description = "Output .npz file.")
    Path out;

    @Override
    public Integer call() throws Exception {
      try {
        return run();
      } catch (IllegalArgumentException e) {
        System.err.println("mnemo core run: " + e.getMessage());
        return 2;
      }
    }

    Integer run() throws Exception {
      CoreSpec spec = CoreSpec.parse(core);
      Map<String, NpyArray> w = NpzWeights.read(readFile(weights));
      for (String n : spec.parameterNames()) {
        if (!w.containsKey(n)) {
          throw new IllegalArgumentException(weights + " has no array '" + n + "' (it has " + w.keySet() + ")");
        }
      }
      int h = hiddenSize(spec, w);
      if (core.contains("hidden=") && spec.hidden() != h) {
        throw new IllegalArgumentException("the spec says hidden=" + spec.hidden() + " but the weights are for H=" + h);
      }
      spec = spec.withHidden(h);
      NpyArray x = NpyArray.decode(readFile(inputs));
      if (x.shape().length != 3) {
        throw new IllegalArgumentException("inputs must be [T, B, I], got shape " + java.util.Arrays.toString(x.shape()));
      }
      try (NDManager m = NDManager.newBaseManager()) {
        DataType type = w.get("weight_ih").dtype();
        if (type != DataType.FLOAT32 && type != DataType.FLOAT64) {
          throw new IllegalArgumentException("weights must be float32 or float64, got " + type);
        }
        Map<String, NDArray> arrays = new HashMap<>();
        for (String n : spec.parameterNames()) {
          arrays.put(n, w.get(n).toNDArray(m).toType(type, false));
        }
        RecurrentCore c = RecurrentCores.fromWeights(spec, arrays);
        NDArray in = x.toNDArray(m).toType(type, false);
        if (in.getShape().get(2) != c.inputSize()) {
          throw new IllegalArgumentException("inputs have I=" + in.getShape().get(2) + " but weight_ih expects I="
              + c.inputSize());
        }
        NDArray r = null;
        if (resets != null) {
          NpyArray rr = NpyArray.decode(readFile(resets));
          r = rr.toNDArray(m).toType(DataType.FLOAT32, false);
          if (!r.getShape().equals(new ai.djl.ndarray.types.Shape(in.getShape().get(0), in.getShape().get(1)))) {
            throw new IllegalArgumentException("resets must be [T, B] = [" + in.getShape().get(0) + ", "
                + in.getShape().get(1) + "], got " + r.getShape());
          }
        }
        NDList s0 = c.initialState(m, (int) in.getShape().get(1));
        mnemo.agent.Autograd.disableOnThisThread();
        CoreOutput o = c.unroll(in, r, s0);
        Map<String, NpyArray> res = new LinkedHashMap<>();
        res.put("outputs", NpyArray.of(o.outputs()));
        for (int k = 0; k < spec.numStates(); k++) {
          res.put(spec.stateNames().get(k) + "_final", NpyArray.of(o.finalState().get(k)));
        }
        Files.write(out, NpzWeights.write(res));
        List<String> names = new ArrayList<>(res.keySet());
        System.out.println("wrote " + out + " (" + String.join(", ", names) + ") for " + spec + ", outputs " + o.outputs().getShape());
      }
      return 0;
    }

    /** H from weight_hh [G·H, H], or for the cores without it (min-gru, min-lstm) from bias_ih [G·H]. */
    private static int hiddenSize(CoreSpec spec, Map<String, NpyArray> w) {
      if (spec.parameterNames().contains("weight_hh")) {
        long[] hh = w.get("weight_hh").shape();
        if (hh.length != 2) {
          throw new IllegalArgumentException("weight_hh must be [G·H, H], got a " + hh.length + "-d array");
        }
        return (int) hh[1];
      }
      long[] bias = w.get("bias_ih").shape();
      if (bias.length != 1 || bias[0] % spec.numBlocks() != 0) {
        throw new IllegalArgumentException("bias_ih must be [G·H] with G = " + spec.numBlocks() + " blocks "
            + spec.blockNames() + ", got shape " + java.util.Arrays.toString(bias));
      }
      return (int) (bias[0] / spec.numBlocks());
    }

    private static byte[] readFile(Path p) throws java.io.IOException {
      try {
        return Files.readAllBytes(p);
      } catch (NoSuchFileException e) {
        throw new IllegalArgumentException("no such file: " + p);
      }
    }
  }
}
