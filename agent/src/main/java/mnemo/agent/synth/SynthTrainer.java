package mnemo.agent.synth;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.Tracker;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mnemo.agent.Autograd;
import mnemo.agent.core.CoreSpec;
import mnemo.agent.core.RecurrentCore;
import mnemo.agent.core.RecurrentCores;
import mnemo.agent.optim.Adam;
import mnemo.agent.optim.ClippedUpdate;

/**
 * Trains a core plus a linear readout on a synthetic task with Adam (β1 0.9, β2 0.999, ε 1e-8) and
 * global-norm gradient clipping, through the learner's own update path ({@link ClippedUpdate}), a fresh
 * batch every update (so the training loss is an unbiased test loss). Writes one CSV row per update:
 * {@code step,loss,score,seconds}.
 *
 * <p>Uses the process's one GradientCollector: run one trainer at a time per process.
 */
public final class SynthTrainer {

  /** Called after every update. */
  public interface Listener {
    void onStep(int step, double loss, double score);
  }

  /**
   * The outcome of a run. {@code testScore} is the score on the whole test set of a {@link TestSetTask}
   * after the last update (NaN for tasks without one); {@code seconds} counts training only.
   */
  public record Result(SynthConfig config, String taskName, double baselineLoss, List<double[]> rows,
      double finalLoss, double finalScore, int stepsToSolve, double seconds, double testScore) {}

  /** Test examples per forward pass when scoring a test set. */
  static final int TEST_CHUNK = 1000;

  /** The window (in updates) over which final numbers and the solve criterion are averaged. */
  public static final int WINDOW = 50;

  /** Adam's hyper-parameters besides the learning rate: Kingma and Ba's (and DJL's) defaults. */
  static final double ADAM_BETA1 = 0.9;
  static final double ADAM_BETA2 = 0.999;
  static final double ADAM_EPSILON = 1e-8;

  private SynthTrainer() {}

  /**
   * Runs {@code config}; writes the CSV to {@code csv} when non-null (the file is complete only when
   * the run finishes: a partial file means an interrupted run).
   */
  public static Result train(SynthConfig config, Path csv, Listener listener) {
    return train(config, config.newTask(), csv, listener);
  }

  /** Runs {@code config} on {@code task} (a task built outside the config, e.g. from a dataset). */
  public static Result train(SynthConfig config, SynthTask task, Path csv, Listener listener) {
    CoreSpec spec = CoreSpec.parse(config.coreSpec());
    SplittableRandom data = new SplittableRandom(config.seed() * 7919 + 17);
    List<double[]> rows = new ArrayList<>();
    long start = System.nanoTime();
    int solvedAt = -1;
    try (NDManager model = NDManager.newBaseManager()) {
      RecurrentCore core = RecurrentCores.create(spec, task.inputSize(), model, config.seed());
      SplittableRandom init = new SplittableRandom(config.seed() ^ 0x5DEECE66DL);
      int h = spec.hidden();
      double k = 1 / Math.sqrt(h);
      float[] w = new float[task.outputSize() * h];
      for (int i = 0; i < w.length; i++) {
        w[i] = (float) (-k + 2 * k * init.nextDouble());
      }
      NDArray readW = model.create(w, new Shape(task.outputSize(), h));
      NDArray readB = model.zeros(new Shape(task.outputSize()));
      readW.setRequiresGradient(true);
      readB.setRequiresGradient(true);
      List<NDArray> params = new ArrayList<>(core.parameters());
      params.add(readW);
      params.add(readB);
      List<String> names = new ArrayList<>(params.size());
      for (int i = 0; i < params.size(); i++) {
        names.add("p" + i);
      }
      Adam adam = new Adam(Tracker.fixed((float) config.learningRate()), ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON, model);
      double runLoss = 0;
      double runScore = 0;
      Window window = new Window();
      for (int step = 1; step <= config.steps(); step++) {
        double lossValue;
        double score;
        try (NDManager sm = model.newSubManager()) {
          SynthTask.Batch batch = task.sample(sm, config.batchSize(), data);
          try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDList state = core.initialState(sm, config.batchSize());
            NDArray out = core.unroll(batch.inputs(), null, state).outputs();
            NDArray pred = Linear.linear(out, readW, readB).singletonOrThrow();
            SynthTask.Evaluation ev = task.evaluate(pred, batch);
            lossValue = ev.loss().getFloat();
            score = ev.score();
            Autograd.backward(gc, ev.loss());
          }
          ClippedUpdate.apply(adam, names, params, config.clipNorm());
        }
        rows.add(new double[] {step, lossValue, score, (System.nanoTime() - start) / 1e9});
        window.add(lossValue, score);
        if (solvedAt < 0 && window.full() && window.meanScore() >= task.solvedScore()) {
          solvedAt = step;
        }
        if (listener != null) {
          listener.onStep(step, lossValue, score);
        }
      }
      runLoss = window.meanLoss();
      runScore = window.meanScore();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (csv != null) {
        writeCsv(csv, rows);
      }
      double testScore = task instanceof TestSetTask t ? testScore(t, core, readW, readB, model) : Double.NaN;
      return new Result(config, task.name(), task.baselineLoss(), rows, runLoss, runScore, solvedAt, seconds,
          testScore);
    }
  }

  /** The score over the whole test set: chunks of {@link #TEST_CHUNK} examples, forward only, weighted by size. */
  static double testScore(TestSetTask task, RecurrentCore core, NDArray readW, NDArray readB, NDManager model) {
    double weighted = 0;
    try (Autograd.Paused noGraph = Autograd.pause()) { // no autograd graph for scoring
      for (int from = 0; from < task.testSize(); from += TEST_CHUNK) {
        int to = Math.min(task.testSize(), from + TEST_CHUNK);
        try (NDManager sm = model.newSubManager()) {
          SynthTask.Batch batch = task.testBatch(sm, from, to);
          NDArray out = core.unroll(batch.inputs(), null, core.initialState(sm, to - from)).outputs();
          NDArray pred = Linear.linear(out, readW, readB).singletonOrThrow();
          weighted += task.evaluate(pred, batch).score() * (to - from);
        }
      }
    }
    return weighted / task.testSize();
  }

  static void writeCsv(Path csv, List<double[]> rows) {
    try {
      if (csv.getParent() != null) {
        Files.createDirectories(csv.getParent());
      }
      Path tmp = csv.resolveSibling(csv.getFileName() + ".tmp");
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(tmp))) {
        w.println("step,loss,score,seconds");
        for (double[] r : rows) {
          w.printf("%d,%.6f,%.4f,%.2f%n", (long) r[0], r[1], r[2], r[3]);
        }
      }
      Files.move(tmp, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Running means over the last {@link #WINDOW} updates. */
  static final class Window {
    private final double[] loss = new double[WINDOW];
    private final double[] score = new double[WINDOW];
    private int n;

    void add(double l, double s) {
      loss[n % WINDOW] = l;
      score[n % WINDOW] = s;
      n++;
    }

    boolean full() {
      return n >= WINDOW;
    }

    double meanLoss() {
      return mean(loss);
    }

    double meanScore() {
      return mean(score);
    }

    private double mean(double[] v) {
      int m = Math.min(n, WINDOW);
      double s = 0;
      for (int i = 0; i < m; i++) {
        s += v[i];
      }
      return m == 0 ? Double.NaN : s / m;
    }
  }
}
