package mnemo.learner.vtrace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class VTraceTest {
  private static NDManager manager;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  private static NDArray tb(double[][] a) {
    int T = a.length;
    int B = a[0].length;
    float[] flat = new float[T * B];
    for (int t = 0; t < T; t++) {
      for (int b = 0; b < B; b++) {
        flat[t * B + b] = (float) a[t][b];
      }
    }
    return manager.create(flat, new Shape(T, B));
  }

  private static NDArray vec(double... a) {
    float[] f = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      f[i] = (float) a[i];
    }
    return manager.create(f);
  }

  /** One column [T] as a [T, 1] array. */
  private static double[][] col(double... a) {
    double[][] out = new double[a.length][1];
    for (int t = 0; t < a.length; t++) {
      out[t][0] = a[t];
    }
    return out;
  }

  private static double[][] fill(int T, int B, double v) {
    double[][] out = new double[T][B];
    for (double[] row : out) {
      java.util.Arrays.fill(row, v);
    }
    return out;
  }

  private static float[] vsOf(VTraceReturns r) {
    return r.vs().toFloatArray();
  }

  @Test
  void onPolicyWithLambdaOneGivesTheNStepReturn() {
    // γ = 0.9, rewards 1, 2, 3, bootstrap 10; values do not matter on-policy with λ = 1.
    // v_2 = 3 + 0.9·10 = 12, v_1 = 2 + 0.9·12 = 12.8, v_0 = 1 + 0.9·12.8 = 12.52
    VTraceReturns r = VTrace.fromImportanceWeights(
        tb(fill(3, 1, 0)), tb(fill(3, 1, 0.9)), tb(col(1, 2, 3)), tb(col(5, -4, 7)), vec(10), tb(fill(3, 1, 1)),
        VTraceParams.DEFAULT);
    assertThat(vsOf(r)).containsExactly(new float[] {12.52f, 12.8f, 12f}, within(1e-5f));
    // A_t = r_t + γ v_{t+1} − V(x_t): 1 + 0.9·12.8 − 5, 2 + 0.9·12 + 4, 3 + 9 − 7
    assertThat(r.pgAdvantages().toFloatArray())
        .containsExactly(new float[] {7.52f, 16.8f, 5f}, within(1e-5f));
  }

  @Test
  void terminalInTheMiddleStopsTheReturn() {
    // Steps 0..3, bootstrap x_4. x_2 is terminal: γ_1 = 0 (transition 1→2 arrives at a terminal),
    // step 2 is LAST so transition 2→3 is masked (x_3 is the next episode's FIRST).
    double[][] disc = col(0.9, 0, 0.9, 0.9);
    double[][] rew = col(1, 5, 100, 2);
    double[][] val = col(0.5, 0.25, 42, 3);
    double[][] mask = col(1, 1, 0, 1);
    VTraceReturns r = VTrace.fromImportanceWeights(
        tb(fill(4, 1, 0)), tb(disc), tb(rew), tb(val), vec(10), tb(mask), VTraceParams.DEFAULT);
    // v_3 = 2 + 0.9·10 = 11; v_2 = V(x_2) = 42 (no transition); v_1 = 5 (terminal); v_0 = 1 + 0.9·5 = 5.5
    assertThat(vsOf(r)).containsExactly(new float[] {5.5f, 5f, 42f, 11f}, within(1e-5f));
    // A_2 = 0 at the masked step; A_1 = 5 − 0.25; A_0 = 1 + 0.9·5 − 0.5
    assertThat(r.pgAdvantages().toFloatArray())
        .containsExactly(new float[] {5f, 4.75f, 0f, 8f}, within(1e-5f));
  }

  @Test
  void truncationBootstrapsFromTheLastObservation() {
    // Same as above, but x_2 is a truncation (LAST with discount 1): γ_1 = 0.9, so v_1 = 5 + 0.9·V(x_2).
    double[][] disc = col(0.9, 0.9, 0.9, 0.9);
    double[][] rew = col(1, 5, 100, 2);
    double[][] val = col(0.5, 0.25, 42, 3);
    double[][] mask = col(1, 1, 0, 1);
    VTraceReturns r = VTrace.fromImportanceWeights(
        tb(fill(4, 1, 0)), tb(disc), tb(rew), tb(val), vec(10), tb(mask), VTraceParams.DEFAULT);
    double v1 = 5 + 0.9 * 42;
    double v0 = 1 + 0.9 * v1;
    assertThat(vsOf(r)).containsExactly(new float[] {(float) v0, (float) v1, 42f, 11f}, within(1e-4f));
  }

  @Test
  void truncationAtTheEndOfTheUnrollBootstrapsFromTheBootstrapValue() {
    // Step T (the bootstrap step) is LAST with discount 1: transition T−1 → T has γ and bootstraps.
    VTraceReturns r = VTrace.fromImportanceWeights(
        tb(fill(2, 1, 0)), tb(col(0.5, 0.5)), tb(col(1, 1)), tb(col(0, 0)), vec(8), tb(fill(2, 1, 1)),
        VTraceParams.DEFAULT);
    // v_1 = 1 + 0.5·8 = 5, v_0 = 1 + 0.5·5 = 3.5
    assertThat(vsOf(r)).containsExactly(new float[] {3.5f, 5f}, within(1e-6f));
  }

  @Test
  void offPolicyHandWorked() {
    // T = 2, γ = 0.5, V = (1, 2), bootstrap 4, r = (1, 1); ρ_0 = 2 (clipped to 1), ρ_1 = 0.5.
    // δ_1 = 0.5 (1 + 0.5·4 − 2) = 0.5;  δ_0 = 1 · (1 + 0.5·2 − 1) = 1
    // c_0 = min(1, 2) = 1: acc_0 = δ_0 + γ c_0 δ_1 = 1 + 0.5·0.5 = 1.25  → v_0 = 2.25, v_1 = 2.5
    // A_0 = min(1, 2)(1 + 0.5·2.5 − 1) = 1.25;  A_1 = 0.5 (1 + 0.5·4 − 2) = 0.5
    VTraceReturns r = VTrace.fromImportanceWeights(
        tb(col(Math.log(2), Math.log(0.5))), tb(col(0.5, 0.5)), tb(col(1, 1)), tb(col(1, 2)), vec(4),
        tb(fill(2, 1, 1)), VTraceParams.DEFAULT);
    assertThat(vsOf(r)).containsExactly(new float[] {2.25f, 2.5f}, within(1e-6f));
    assertThat(r.pgAdvantages().toFloatArray()).containsExactly(new float[] {1.25f, 0.5f}, within(1e-6f));

    // With c̄ = 0.25 the trace from step 1 is cut to a quarter: acc_0 = 1 + 0.5·0.25·0.5 = 1.0625.
    VTraceReturns cut = VTrace.fromImportanceWeights(
        tb(col(Math.log(2), Math.log(0.5))), tb(col(0.5, 0.5)), tb(col(1, 1)), tb(col(1, 2)), vec(4),
        tb(fill(2, 1, 1)), new VTraceParams(1, 1, 0.25, 1));
    assertThat(vsOf(cut)[0]).isCloseTo(2.0625f, within(1e-6f));
  }

  @Test
  void matchesTheDoublePrecisionOracleOnRandomOffPolicyCases() {
    Random rng = new Random(7);
    for (int trial = 0; trial < 40; trial++) {
      int T = 1 + rng.nextInt(25);
      int B = 1 + rng.nextInt(6);
      double[][] logRhos = new double[T][B];
      double[][] disc = new double[T][B];
      double[][] rew = new double[T][B];
      double[][] val = new double[T][B];
      double[][] mask = new double[T][B];
      double[] boot = new double[B];
      for (int t = 0; t < T; t++) {
        for (int b = 0; b < B; b++) {
          logRhos[t][b] = rng.nextGaussian();
          disc[t][b] = rng.nextDouble() < 0.15 ? 0 : 0.99;
          rew[t][b] = rng.nextGaussian();
          val[t][b] = rng.nextGaussian();
          mask[t][b] = rng.nextDouble() < 0.15 ? 0 : 1;
        }
      }
      for (int b = 0; b < B; b++) {
        boot[b] = rng.nextGaussian();
      }
      double rhoBar = 0.5 + rng.nextDouble() * 1.5;
      double pgRhoBar = 0.5 + rng.nextDouble() * 1.5;
      double cBar = 0.5 + rng.nextDouble() * 1.5;
      double lambda = rng.nextDouble();
      VTraceOracle.Result want =
          VTraceOracle.compute(logRhos, disc, rew, val, boot, mask, rhoBar, pgRhoBar, cBar, lambda);
      VTraceReturns got = VTrace.fromImportanceWeights(
          tb(logRhos), tb(disc), tb(rew), tb(val), vec(boot), tb(mask),
          new VTraceParams(rhoBar, pgRhoBar, cBar, lambda));
      float[] vs = got.vs().toFloatArray();
      float[] adv = got.pgAdvantages().toFloatArray();
      for (int t = 0; t < T; t++) {
        for (int b = 0; b < B; b++) {
          assertThat((double) vs[t * B + b]).as("v[%d][%d] trial %d", t, b, trial)
              .isCloseTo(want.vs()[t][b], within(1e-4 * (1 + Math.abs(want.vs()[t][b]))));
          assertThat((double) adv[t * B + b]).as("A[%d][%d] trial %d", t, b, trial)
              .isCloseTo(want.pgAdvantages()[t][b], within(1e-4 * (1 + Math.abs(want.pgAdvantages()[t][b]))));
        }
      }
    }
  }

  @Test
  void fromLogitsUsesTheRatioOfTheActionProbabilities() {
    // A = 2: π = softmax(0, ln 3) = (1/4, 3/4); μ = (1/2, 1/2). Action 1: ρ = 1.5, action 0: ρ = 0.5.
    NDArray target = manager.create(new float[] {0, (float) Math.log(3), 0, (float) Math.log(3)}, new Shape(2, 1, 2));
    NDArray behaviour = manager.zeros(new Shape(2, 1, 2));
    NDArray actions = manager.create(new long[] {1, 0}, new Shape(2, 1));
    NDArray logPi = VTrace.actionLogProbs(target, actions);
    assertThat(logPi.toFloatArray())
        .containsExactly(new float[] {(float) Math.log(0.75), (float) Math.log(0.25)}, within(1e-6f));
    VTraceReturns r = VTrace.fromLogits(behaviour, target, actions, tb(col(0.5, 0.5)), tb(col(1, 1)),
        tb(col(1, 2)), vec(4), tb(fill(2, 1, 1)), VTraceParams.DEFAULT);
    VTraceOracle.Result want = VTraceOracle.compute(col(Math.log(1.5), Math.log(0.5)), col(0.5, 0.5), col(1, 1),
        col(1, 2), new double[] {4}, fill(2, 1, 1), 1, 1, 1, 1);
    assertThat(vsOf(r)).containsExactly(new float[] {(float) want.vs()[0][0], (float) want.vs()[1][0]}, within(1e-5f));
  }

  @Test
  void noGradientFlowsThroughTheTargets() {
    NDArray values = manager.create(new float[] {1, 2, 3}, new Shape(3, 1));
    values.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      VTraceReturns r = VTrace.fromImportanceWeights(tb(fill(3, 1, 0.3)), tb(fill(3, 1, 0.9)), tb(col(1, 0, 2)),
          values, vec(5), tb(fill(3, 1, 1)), VTraceParams.DEFAULT);
      // d/dV Σ V·v = v exactly when v is a constant.
      gc.backward(values.mul(r.vs()).sum());
      assertThat(values.getGradient().toFloatArray()).containsExactly(r.vs().toFloatArray(), within(1e-6f));
    }
  }

  @Test
  void rejectsWrongShapesAndTypesAtTheEntrance() {
    NDArray ok = tb(fill(3, 2, 0));
    NDArray boot = vec(0, 0);
    assertThatThrownBy(() -> VTrace.fromImportanceWeights(ok, tb(fill(2, 2, 0)), ok, ok, boot, ok,
        VTraceParams.DEFAULT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("discounts");
    assertThatThrownBy(() -> VTrace.fromImportanceWeights(ok, ok, ok, ok, vec(0, 0, 0), ok, VTraceParams.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrapValue");
    assertThatThrownBy(() -> VTrace.fromImportanceWeights(vec(1, 2), ok, ok, ok, boot, ok, VTraceParams.DEFAULT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[T, B]");
    assertThatThrownBy(() -> VTrace.fromImportanceWeights(ok, ok, ok, ok, boot, ok.toType(DataType.FLOAT64, false),
        VTraceParams.DEFAULT)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32");
    assertThatThrownBy(() -> VTrace.actionLogProbs(manager.zeros(new Shape(3, 2, 4)), manager.zeros(new Shape(3, 2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int64");
    assertThatThrownBy(() -> new VTraceParams(1, 1, 1, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VTraceParams(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class);
  }
}
