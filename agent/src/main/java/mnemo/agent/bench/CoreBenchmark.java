package mnemo.agent.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleConsumer;
import mnemo.agent.AgentInput;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.agent.AgentStep;
import mnemo.agent.Autograd;
import mnemo.agent.core.CoreSpec;
import mnemo.agent.core.RecurrentCore;
import mnemo.agent.core.RecurrentCores;
import mnemo.agent.core.RowGemm;
import mnemo.agent.core.RowGemm.Kernel;
import mnemo.agent.network.AgentNetworks;

/**
 * Side-by-side timings for docs/benchmarks/cores.md: a core's forward+backward unroll against DJL's
 * fused {@code ai.djl.nn.recurrent.LSTM} at the same shapes (interleaved, medians), and single-step
 * inference latency without autograd. A spec's {@code backward=autograd} option times the autograd
 * backward of the LSTM and GRU families instead of their hand-derived one. A variant's {@code impl=java-scalar}
 * (a benchmark label, not a core option) is {@code impl=java} timed with {@link RowGemm}'s scalar kernel, so that
 * the two kernels of the Java paths run side by side in one process; {@link #gemm} times the kernels alone.
 */
public final class CoreBenchmark {

  private CoreBenchmark() {}

  /** Median milliseconds of forward+backward for the core and the fused LSTM, and their ratio. */
  public record UnrollTiming(String core, int t, int b, int i, int h, double coreMs, double fusedMs) {
    public double ratio() {
      return coreMs / fusedMs;
    }
  }

  /** Median microseconds of one inference step. */
  public record StepTiming(String what, int batch, double micros) {}

  /** Interleaves {@code iters} forward+backward runs of the core and the fused LSTM. */
  public static UnrollTiming unroll(String coreSpec, int t, int b, int in, int h, int warmup, int iters) {
    CoreSpec spec = CoreSpec.parse(coreSpec).withHidden(h);
    try (NDManager m = NDManager.newBaseManager()) {
      RecurrentCore core = RecurrentCores.create(spec, in, m, 1);
      LSTM fused = LSTM.builder().setStateSize(h).setNumLayers(1).optReturnState(false).optBatchFirst(false).build();
      fused.setInitializer(new XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
      fused.initialize(m, DataType.FLOAT32, new Shape(t, b, in));
      ParameterStore ps = new ParameterStore(m, false);
      List<Double> a = new ArrayList<>();
      List<Double> f = new ArrayList<>();
      for (int k = 0; k < warmup + iters; k++) {
        boolean record = k >= warmup;
        time(() -> {
          try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.randomNormal(new Shape(t, b, in));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray out = core.unroll(x, null, core.initialState(sm, b)).outputs();
              Autograd.backward(gc, out.sum());
            }
          }
          Autograd.zeroGradients(core.parameters());
        }, ms -> {
          if (record) {
            a.add(ms);
          }
        });
        time(() -> {
          try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.randomNormal(new Shape(t, b, in));
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
              NDArray out = fused.forward(ps, new NDList(x), true).head();
              gc.backward(out.sum());
            }
          }
          fused.getParameters().values().forEach(p -> Autograd.zeroGradient(p.getArray()));
        }, ms -> {
          if (record) {
            f.add(ms);
          }
        });
      }
      return new UnrollTiming(coreSpec.trim(), t, b, in, h, median(a), median(f));
    }
  }

  /**
   * Median ms of forward+backward for a core with its hand-derived backward, the same core (same weights)
   * with autograd's, and the fused LSTM, interleaved iteration by iteration.
   */
  public record BackwardTiming(String core, int t, int b, int i, int h, double manualMs, double autogradMs,
      double fusedMs, double manualCpuMs, double autogradCpuMs, double fusedCpuMs) {}

  /** See {@link BackwardTiming}: {@link #compare} of the two backward passes (impl=torch: libtorch's two). */
  public static BackwardTiming backwards(String coreSpec, int t, int b, int in, int h, int warmup, int iters) {
    CoreSpec spec = CoreSpec.parse(coreSpec).withHidden(h).withImpl(CoreSpec.Impl.TORCH);
    Comparison c = compare(List.of(spec.withBackward(CoreSpec.Backward.MANUAL), spec.withBackward(CoreSpec.Backward.AUTOGRAD)),
        List.of("backward=manual", "backward=autograd"), t, b, in, warmup, iters);
    return new BackwardTiming(spec.name(), t, b, in, h, c.ms()[0], c.ms()[1], c.fusedMs(), c.cpuMs()[0], c.cpuMs()[1],
        c.fusedCpuMs());
  }

  /**
   * Median ms (wall and the calling thread's CPU) of forward+backward for each variant of one core (the same
   * weights, e.g. {@code impl=torch} and {@code impl=java}) and for DJL's fused LSTM, interleaved iteration by
   * iteration in rotating order.
   *
   * @param variants the spec strings, labels of {@link #ms} and {@link #cpuMs} in order
   */
  public record Comparison(List<String> variants, int t, int b, int i, int h, double[] ms, double[] cpuMs, double fusedMs,
      double fusedCpuMs) {}

  /** See {@link Comparison}; each variant is parsed and given hidden size {@code h}. */
  public static Comparison compare(List<String> variants, int t, int b, int in, int h, int warmup, int iters) {
    return compare(variants.stream().map(v -> CoreSpec.parse(specOf(v)).withHidden(h)).toList(), variants, t, b, in,
        warmup, iters);
  }

  /** See {@link Comparison}: {@code specs} (one core's, of one hidden size) labelled {@code labels}. */
  private static Comparison compare(List<CoreSpec> specs, List<String> labels, int t, int b, int in, int warmup,
      int iters) {
    int h = specs.get(0).hidden();
    try (NDManager m = NDManager.newBaseManager()) {
      List<RecurrentCore> cores = new ArrayList<>();
      RecurrentCore first = RecurrentCores.create(specs.get(0), in, m, 1);
      for (CoreSpec spec : specs) {
        if (!spec.name().equals(first.spec().name())) {
          throw new IllegalArgumentException("variants of one core expected, got " + labels);
        }
        cores.add(RecurrentCores.withSpec(first, spec));
      }
      LSTM fused = LSTM.builder().setStateSize(h).setNumLayers(1).optReturnState(false).optBatchFirst(false).build();
      fused.setInitializer(new XavierInitializer(), ai.djl.nn.Parameter.Type.WEIGHT);
      fused.initialize(m, DataType.FLOAT32, new Shape(t, b, in));
      ParameterStore ps = new ParameterStore(m, false);
      int n = cores.size() + 1;
      List<List<Double>> ms = new ArrayList<>();
      List<List<Double>> cpu = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        ms.add(new ArrayList<>());
        cpu.add(new ArrayList<>());
      }
      java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
      for (int k = 0; k < warmup + iters; k++) {
        boolean record = k >= warmup;
        for (int which = 0; which < n; which++) {
          int w = (which + k) % n; // rotate the order so that none always runs first
          RecurrentCore core = w < cores.size() ? cores.get(w) : null;
          RowGemm.use(core == null ? DEFAULT_KERNEL : kernelOf(labels.get(w)));
          long cpu0 = bean.getCurrentThreadCpuTime();
          time(() -> {
            try (NDManager sm = m.newSubManager()) {
              NDArray x = sm.randomNormal(new Shape(t, b, in));
              try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = core == null ? fused.forward(ps, new NDList(x), true).head()
                    : core.unroll(x, null, core.initialState(sm, b)).outputs();
                Autograd.backward(gc, out.sum());
              }
            }
            if (core == null) {
              fused.getParameters().values().forEach(p -> Autograd.zeroGradient(p.getArray()));
            } else {
              Autograd.zeroGradients(core.parameters());
            }
          }, v -> {
            if (record) {
              ms.get(w).add(v);
              cpu.get(w).add((bean.getCurrentThreadCpuTime() - cpu0) / 1e6);
            }
          });
        }
      }
      RowGemm.use(DEFAULT_KERNEL);
      double[] wall = new double[n - 1];
      double[] cpus = new double[n - 1];
      for (int k = 0; k < n - 1; k++) {
        wall[k] = median(ms.get(k));
        cpus[k] = median(cpu.get(k));
      }
      return new Comparison(labels, t, b, in, h, wall, cpus, median(ms.get(n - 1)), median(cpu.get(n - 1)));
    }
  }

  /**
   * Single-step latency (no autograd, median µs of wall time and of the calling thread's CPU time) of each variant
   * of one core on the same weights, interleaved call by call; the state is carried from step to step as an
   * actor's is.
   */
  public record StepComparison(double[] micros, double[] cpuMicros) {}

  /** See {@link StepComparison}. */
  public static StepComparison compareSteps(List<String> variants, int in, int h, int batch, int iters) {
    Engine.getEngine("PyTorch"); // loads libtorch before any grad-mode call
    try (Autograd.Paused noGraph = Autograd.pause(); NDManager m = NDManager.newBaseManager()) {
      RecurrentCore first = RecurrentCores.create(CoreSpec.parse(specOf(variants.get(0))).withHidden(h), in, m, 1);
      List<RecurrentCore> cores = new ArrayList<>();
      for (String v : variants) {
        cores.add(RecurrentCores.withSpec(first, CoreSpec.parse(specOf(v)).withHidden(h)));
      }
      List<List<Double>> us = new ArrayList<>();
      List<List<Double>> cpu = new ArrayList<>();
      List<NDList> states = new ArrayList<>();
      for (RecurrentCore c : cores) {
        us.add(new ArrayList<>());
        cpu.add(new ArrayList<>());
        states.add(c.initialState(m, batch));
      }
      java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
      for (int k = 0; k < iters + 20; k++) {
        for (int v = 0; v < cores.size(); v++) {
          int w = (v + k) % cores.size();
          RecurrentCore c = cores.get(w);
          RowGemm.use(kernelOf(variants.get(w)));
          try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.randomNormal(new Shape(batch, in));
            long c0 = bean.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            NDList next = c.step(x, states.get(w));
            double micros = (System.nanoTime() - t0) / 1e3;
            double cpuMicros = (bean.getCurrentThreadCpuTime() - c0) / 1e3;
            next.attach(m);
            states.get(w).close();
            states.set(w, next);
            if (k >= 20) {
              us.get(w).add(micros);
              cpu.get(w).add(cpuMicros);
            }
          }
        }
      }
      RowGemm.use(DEFAULT_KERNEL);
      return new StepComparison(us.stream().mapToDouble(CoreBenchmark::median).toArray(),
          cpu.stream().mapToDouble(CoreBenchmark::median).toArray());
    }
  }

  /**
   * Prints {@link #backwards} for each core and H given: {@code CoreBenchmark CORES HIDDENS ITERS}, e.g.
   * {@code ur-lstm,lstm 256,64 15} (T = 100, B = 32, I = 64): wall-clock medians, and the calling thread's
   * CPU time (all the work with {@code -Dai.djl.pytorch.num_threads=1}; steadier than wall time on a
   * loaded machine).
   */
  public static void main(String[] args) {
    String[] cores = (args.length > 0 ? args[0] : "ur-lstm").split(",");
    String[] hs = (args.length > 1 ? args[1] : "256,64").split(",");
    int iters = args.length > 2 ? Integer.parseInt(args[2]) : 15;
    System.out.println("| core | H | manual ms | autograd ms | fused LSTM ms | manual / fused | autograd / fused "
        + "| CPU ms: manual / autograd / fused | CPU ratios: manual / fused, autograd / fused |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (String c : cores) {
      for (String h : hs) {
        BackwardTiming r = backwards(c, 100, 32, 64, Integer.parseInt(h), 3, iters);
        System.out.printf(java.util.Locale.ROOT, "| `%s` | %d | %.1f | %.1f | %.1f | %.2fx | %.2fx | %.1f / %.1f / %.1f | %.2fx, %.2fx |%n",
            r.core(), r.h(), r.manualMs(), r.autogradMs(), r.fusedMs(), r.manualMs() / r.fusedMs(), r.autogradMs() / r.fusedMs(),
            r.manualCpuMs(), r.autogradCpuMs(), r.fusedCpuMs(), r.manualCpuMs() / r.fusedCpuMs(),
            r.autogradCpuMs() / r.fusedCpuMs());
      }
    }
  }

  /** Single-step latency of a core (no autograd) at each batch size. */
  public static List<StepTiming> coreStep(String coreSpec, int in, int h, int[] batches, int iters) {
    List<StepTiming> out = new ArrayList<>();
    Engine.getEngine("PyTorch"); // loads libtorch before any grad-mode call
    try (Autograd.Paused noGraph = Autograd.pause(); NDManager m = NDManager.newBaseManager()) {
      RecurrentCore core = RecurrentCores.create(CoreSpec.parse(coreSpec).withHidden(h), in, m, 1);
      for (int b : batches) {
        List<Double> us = new ArrayList<>();
        for (int k = 0; k < iters + 20; k++) {
          boolean record = k >= 20;
          try (NDManager sm = m.newSubManager()) {
            NDArray x = sm.randomNormal(new Shape(b, in));
            NDList s = core.initialState(sm, b);
            long t0 = System.nanoTime();
            core.step(x, s);
            if (record) {
              us.add((System.nanoTime() - t0) / 1e3);
            }
          }
        }
        out.add(new StepTiming(coreSpec.trim() + " core step (I=" + in + ", H=" + h + ")", b, median(us)));
      }
    }
    return out;
  }

  /**
   * Single-step latency of the whole agent network (T = 1, no autograd) as actors run it, for each spec (the
   * same weights: each spec's model is built from the same seed) interleaved call by call: median µs of wall
   * time and of the calling thread's CPU time. A spec whose model has a {@link AgentModel#javaStep()} that takes the batch is
   * timed on it (weights copied once, as at an actor's weight refresh), any other on {@link AgentModel#unroll}.
   */
  public record AgentStepTiming(String what, int batch, double[] micros, double[] cpuMicros) {}

  /** See {@link AgentStepTiming}; {@code what} names the specs' observation shape. */
  public static List<AgentStepTiming> agentSteps(List<AgentSpec> specs, int[] batches, int iters) {
    Engine.getEngine("PyTorch");
    List<AgentStepTiming> out = new ArrayList<>();
    List<AgentModel> nets = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager(); Autograd.Paused noGraph = Autograd.pause()) {
      for (AgentSpec spec : specs) {
        nets.add(AgentNetworks.create(new AgentSpec(spec.observationShape(), spec.image(), spec.numActions(),
            specOf(spec.coreSpec()), spec.torsoHidden(), spec.seed(), spec.imageScale()), Device.cpu()));
      }
      List<AgentStep> javaSteps = nets.stream().map(n -> n.javaStep().orElse(null)).toList();
      List<Kernel> kernels = specs.stream().map(sp -> kernelOf(sp.coreSpec())).toList();
      java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
      for (int b : batches) {
        int n = specs.size();
        List<List<Double>> us = new ArrayList<>();
        List<List<Double>> cpu = new ArrayList<>();
        for (int k = 0; k < n; k++) {
          us.add(new ArrayList<>());
          cpu.add(new ArrayList<>());
        }
        AgentSpec first = specs.get(0);
        int obsSize = Arrays.stream(first.observationShape()).reduce(1, (x, y) -> x * y);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int k = 0; k < iters + 20; k++) {
          float[] obs = new float[b * obsSize];
          for (int i = 0; i < obs.length; i++) {
            obs[i] = first.image() ? rng.nextInt(256) : (float) rng.nextDouble();
          }
          int[] prev = new int[b];
          float[] zeros = new float[b];
          for (int v = 0; v < n; v++) {
            int w = (v + k) % n;
            AgentModel net = nets.get(w);
            AgentStep js = javaSteps.get(w);
            RowGemm.use(kernels.get(w));
            long c0;
            long t0;
            double micros;
            double cpuMicros;
            // as the earlier agentStep timed the libtorch path: inputs and state made before the clock starts
            if (js != null && js.takes(b)) {
              float[][] state = new float[js.numStates()][b * js.hidden()];
              c0 = bean.getCurrentThreadCpuTime();
              t0 = System.nanoTime();
              js.step(obs, prev, zeros, zeros, state, b);
              micros = (System.nanoTime() - t0) / 1e3;
              cpuMicros = (bean.getCurrentThreadCpuTime() - c0) / 1e3;
            } else {
              try (NDManager sm = m.newSubManager()) {
                Shape os = new Shape(1, b).addAll(new Shape(Arrays.stream(first.observationShape()).asLongStream().toArray()));
                AgentInput in = new AgentInput(sm.create(obs, os), sm.zeros(new Shape(1, b), DataType.INT64),
                    sm.zeros(new Shape(1, b)), sm.zeros(new Shape(1, b)));
                NDList state = net.initialState(sm, b);
                c0 = bean.getCurrentThreadCpuTime();
                t0 = System.nanoTime();
                net.unroll(in, state, false);
                micros = (System.nanoTime() - t0) / 1e3;
                cpuMicros = (bean.getCurrentThreadCpuTime() - c0) / 1e3;
              }
            }
            if (k >= 20) {
              us.get(w).add(micros);
              cpu.get(w).add(cpuMicros);
            }
          }
        }
        out.add(new AgentStepTiming("obs " + Arrays.toString(first.observationShape()), b,
            us.stream().mapToDouble(CoreBenchmark::median).toArray(), cpu.stream().mapToDouble(CoreBenchmark::median).toArray()));
      }
    } finally {
      RowGemm.use(DEFAULT_KERNEL);
      nets.forEach(AgentModel::close);
    }
    return out;
  }

  /** The kernel the JVM chose at start-up ({@link RowGemm}), which every timing leaves in place. */
  private static final Kernel DEFAULT_KERNEL = RowGemm.kernel();

  private static final String SCALAR_IMPL = "impl=java-scalar";

  /** The core spec of a variant: {@code impl=java-scalar} is {@code impl=java}. */
  static String specOf(String variant) {
    return variant.replace(SCALAR_IMPL, "impl=java");
  }

  /** The GEMM kernel a variant is timed with: scalar for {@code impl=java-scalar}, else the JVM's choice. */
  static Kernel kernelOf(String variant) {
    return variant.contains(SCALAR_IMPL) ? Kernel.SCALAR : DEFAULT_KERNEL;
  }

  /**
   * {@link RowGemm}'s two kernels on the same operands, interleaved: y [rows, n] += x [rows, k] w [k, n].
   *
   * @param scalarMs median ms of the scalar kernel; {@code vectorMs} NaN without the Vector API module
   */
  public record GemmTiming(int rows, int k, int n, double scalarMs, double vectorMs) {
    public double gflops(double ms) {
      return 2.0 * rows * k * n / (ms * 1e6);
    }
  }

  /** See {@link GemmTiming}: {@code reps} products per timed sample, {@code iters} samples each. */
  public static GemmTiming gemm(int rows, int k, int n, int reps, int iters) {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(rows * 31L + k * 7L + n);
    float[] x = new float[rows * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) rng.nextDouble(-1, 1);
    }
    float[][] w = new float[k][n];
    for (float[] row : w) {
      for (int c = 0; c < n; c++) {
        row[c] = (float) rng.nextDouble(-1, 1);
      }
    }
    float[][] y = new float[rows][n];
    List<Double> scalar = new ArrayList<>();
    List<Double> vector = new ArrayList<>();
    int warmup = 5;
    Runnable scalarProduct = () -> RowGemm.addProductScalar(x, 0, w, y, rows, k);
    Runnable vectorProduct = () -> RowGemm.addProduct(x, 0, w, y, rows, k); // with the kernel chosen below
    for (int it = 0; it < warmup + iters; it++) {
      List<Double> s = it >= warmup ? scalar : new ArrayList<>();
      List<Double> v = it >= warmup ? vector : new ArrayList<>();
      timePerRep(scalarProduct, reps, s);
      if (RowGemm.vectorAvailable()) {
        RowGemm.use(Kernel.VECTOR);
        timePerRep(vectorProduct, reps, v);
        RowGemm.use(DEFAULT_KERNEL);
      }
    }
    return new GemmTiming(rows, k, n, median(scalar), median(vector));
  }

  /** Runs {@code product} {@code reps} times and adds the mean ms of one to {@code into}. */
  private static void timePerRep(Runnable product, int reps, List<Double> into) {
    time(() -> {
      for (int r = 0; r < reps; r++) {
        product.run();
      }
    }, ms -> into.add(ms / reps));
  }

  private static void time(Runnable r, DoubleConsumer ms) {
    long t0 = System.nanoTime();
    r.run();
    ms.accept((System.nanoTime() - t0) / 1e6);
  }

  static double median(List<Double> v) {
    double[] a = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length == 0 ? Double.NaN : a[a.length / 2];
  }
}
