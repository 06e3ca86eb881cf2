package mnemo.learner.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import mnemo.learner.vtrace.VTraceOracle;
import mnemo.learner.vtrace.VTraceParams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImpalaLossTest {
  private static NDManager manager;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  /** A random batch of T+1 steps with terminations and truncations, in doubles. */
  static final class Case {
    final int T1;
    final int B;
    final int A;
    final double[][][] logits;
    final double[][][] behaviour;
    final double[][] values;
    final long[][] actions;
    final double[][] rewards;
    final double[][] discounts;
    final double[][] last;

    Case(Random rng, int T1, int B, int A) {
      this.T1 = T1;
      this.B = B;
      this.A = A;
      logits = new double[T1][B][A];
      behaviour = new double[T1][B][A];
      values = new double[T1][B];
      actions = new long[T1][B];
      rewards = new double[T1][B];
      discounts = new double[T1][B];
      last = new double[T1][B];
      for (int b = 0; b < B; b++) {
        boolean first = true;
        for (int t = 0; t < T1; t++) {
          for (int k = 0; k < A; k++) {
            logits[t][b][k] = rng.nextGaussian();
            behaviour[t][b][k] = rng.nextGaussian();
          }
          values[t][b] = rng.nextGaussian();
          actions[t][b] = rng.nextInt(A);
          boolean isLast = !first && rng.nextDouble() < 0.2;
          rewards[t][b] = first ? 0 : 3 * rng.nextGaussian();
          discounts[t][b] = isLast && rng.nextBoolean() ? 0 : 1; // terminations and truncations
          last[t][b] = isLast ? 1 : 0;
          first = isLast;
        }
      }
    }

    NDArray tba(double[][][] x) {
      float[] f = new float[T1 * B * A];
      for (int t = 0; t < T1; t++) {
        for (int b = 0; b < B; b++) {
          for (int k = 0; k < A; k++) {
            f[(t * B + b) * A + k] = (float) x[t][b][k];
          }
        }
      }
      return manager.create(f, new Shape(T1, B, A));
    }

    NDArray tb(double[][] x) {
      float[] f = new float[T1 * B];
      for (int t = 0; t < T1; t++) {
        for (int b = 0; b < B; b++) {
          f[t * B + b] = (float) x[t][b];
        }
      }
      return manager.create(f, new Shape(T1, B));
    }

    NDArray actionsArray() {
      long[] f = new long[T1 * B];
      for (int t = 0; t < T1; t++) {
        for (int b = 0; b < B; b++) {
          f[t * B + b] = actions[t][b];
        }
      }
      return manager.create(f, new Shape(T1, B));
    }
  }

  private static double[] logSoftmax(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    double s = 0;
    for (double v : x) {
      s += Math.exp(v - max);
    }
    double lse = max + Math.log(s);
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] - lse;
    }
    return out;
  }

  /**
   * The double oracle's V-trace on a case: values V(x_t) and masks (1 − last_t), [T][B], and its
   * result.
   */
  record OracleVTrace(double[][] v, double[][] masks, VTraceOracle.Result result) {}

  static OracleVTrace oracleVTrace(Case c, LossConfig cfg) {
    int T = c.T1 - 1;
    double[][] logRhos = new double[T][c.B];
    double[][] gammas = new double[T][c.B];
    double[][] r = new double[T][c.B];
    double[][] v = new double[T][c.B];
    double[][] masks = new double[T][c.B];
    double[] boot = new double[c.B];
    for (int b = 0; b < c.B; b++) {
      boot[b] = c.values[T][b];
      for (int t = 0; t < T; t++) {
        int a = (int) c.actions[t][b];
        logRhos[t][b] = logSoftmax(c.logits[t][b])[a] - logSoftmax(c.behaviour[t][b])[a];
        // into a LAST step: its discount when truncations bootstrap, else 0
        gammas[t][b] = cfg.discount() * c.discounts[t + 1][b] * (cfg.bootstrapTruncation() || c.last[t + 1][b] == 0 ? 1 : 0);
        r[t][b] = cfg.rewardClipping().apply(c.rewards[t + 1][b]);
        v[t][b] = c.values[t][b];
        masks[t][b] = 1 - c.last[t][b];
      }
    }
    VTraceParams p = cfg.vtrace();
    return new OracleVTrace(v, masks, VTraceOracle.compute(logRhos, gammas, r, v, boot, masks, p.rhoBar(),
        p.pgRhoBar(), p.cBar(), p.lambda()));
  }

  /** {policy, baseline, entropy, total} in doubles from the oracle. */
  static double[] oracle(Case c, LossConfig cfg) {
    int T = c.T1 - 1;
    OracleVTrace o = oracleVTrace(c, cfg);
    double[][] v = o.v();
    double[][] masks = o.masks();
    VTraceOracle.Result vt = o.result();
    double policy = 0;
    double baseline = 0;
    double entropy = 0;
    for (int t = 0; t < T; t++) {
      for (int b = 0; b < c.B; b++) {
        double[] lp = logSoftmax(c.logits[t][b]);
        policy -= masks[t][b] * lp[(int) c.actions[t][b]] * vt.pgAdvantages()[t][b];
        baseline += masks[t][b] * 0.5 * Math.pow(vt.vs()[t][b] - v[t][b], 2);
        double h = 0;
        for (double l : lp) {
          h -= Math.exp(l) * l;
        }
        entropy += masks[t][b] * h;
      }
    }
    return new double[] {policy, baseline, entropy,
        policy + cfg.baselineCost() * baseline - cfg.entropyCost() * entropy};
  }

  private static LossTerms compute(Case c, LossConfig cfg, NDArray logits, NDArray values) {
    return ImpalaLoss.compute(logits, values, c.tba(c.behaviour), c.actionsArray(), c.tb(c.rewards),
        c.tb(c.discounts), c.tb(c.last), cfg);
  }

  @Test
  void matchesTheDoubleOracleOnRandomBatchesWithEveryClipping() {
    Random rng = new Random(11);
    for (RewardClipping clipping : RewardClipping.values()) {
      for (int trial = 0; trial < 6; trial++) {
        Case c = new Case(rng, 2 + rng.nextInt(12), 1 + rng.nextInt(4), 2 + rng.nextInt(4));
        boolean bootstrap = trial % 2 == 1;
        LossConfig cfg = new LossConfig(0.9 + 0.1 * rng.nextDouble(), 0.5, 0.01,
            new VTraceParams(1, 1, 1, rng.nextDouble()), clipping, false, bootstrap);
        double[] want = oracle(c, cfg);
        LossTerms got = compute(c, cfg, c.tba(c.logits), c.tb(c.values));
        String what = clipping + " trial " + trial + (bootstrap ? " bootstrapping truncations" : "");
        assertThat((double) got.policy().getFloat()).as("policy " + what)
            .isCloseTo(want[0], within(1e-4 * (1 + Math.abs(want[0]))));
        assertThat((double) got.baseline().getFloat()).as("baseline " + what)
            .isCloseTo(want[1], within(1e-4 * (1 + Math.abs(want[1]))));
        assertThat((double) got.entropy().getFloat()).as("entropy " + what)
            .isCloseTo(want[2], within(1e-4 * (1 + Math.abs(want[2]))));
        assertThat((double) got.total().getFloat()).as("total " + what)
            .isCloseTo(want[3], within(1e-4 * (1 + Math.abs(want[3]))));
      }
    }
  }

  @Test
  void normalisedAdvantagesMatchTheDoubleOracleStandardisedOverTheUnmaskedSteps() {
    Random rng = new Random(17);
    for (int trial = 0; trial < 5; trial++) {
      Case c = new Case(rng, 3 + rng.nextInt(10), 1 + rng.nextInt(4), 2 + rng.nextInt(3));
      LossConfig cfg = new LossConfig(0.99, 0.5, 0.01, VTraceParams.DEFAULT, RewardClipping.NONE, true);
      OracleVTrace o = oracleVTrace(c, cfg);
      int T = c.T1 - 1;
      // mean and population std of A_t over the transitions that are not LAST steps, in doubles
      double n = 0;
      double sum = 0;
      for (int t = 0; t < T; t++) {
        for (int b = 0; b < c.B; b++) {
          n += o.masks()[t][b];
          sum += o.masks()[t][b] * o.result().pgAdvantages()[t][b];
        }
      }
      double mean = sum / n;
      double var = 0;
      for (int t = 0; t < T; t++) {
        for (int b = 0; b < c.B; b++) {
          var += o.masks()[t][b] * Math.pow(o.result().pgAdvantages()[t][b] - mean, 2);
        }
      }
      double std = Math.sqrt(var / n);
      double policy = 0;
      for (int t = 0; t < T; t++) {
        for (int b = 0; b < c.B; b++) {
          double a = (o.result().pgAdvantages()[t][b] - mean) / (std + 1e-8);
          policy -= o.masks()[t][b] * logSoftmax(c.logits[t][b])[(int) c.actions[t][b]] * a;
        }
      }
      LossTerms got = compute(c, cfg, c.tba(c.logits), c.tb(c.values));
      assertThat((double) got.policy().getFloat()).as("trial " + trial)
          .isCloseTo(policy, within(1e-4 * (1 + Math.abs(policy))));
      // the baseline and entropy terms do not change
      double[] plain = oracle(c, cfg);
      assertThat((double) got.baseline().getFloat()).isCloseTo(plain[1], within(1e-4 * (1 + plain[1])));
      assertThat((double) got.entropy().getFloat()).isCloseTo(plain[2], within(1e-4 * (1 + plain[2])));
    }
  }

  /**
   * Hand-worked: one column, steps x_0 (FIRST), x_1, x_2 (LAST, truncated: discount 1) and x_3 (the next
   * episode's FIRST), values 0, 0, 5, 0, reward 1 on arriving at x_2, γ = 0.5, on-policy, λ = 1. Ending the
   * return at x_2: v_1 = 1, v_0 = 0.5 · 1 = 0.5, baseline ½ (0.5² + 1²) = 0.625. Bootstrapping: v_1 = 1 + 0.5 · 5
   * = 3.5, v_0 = 1.75, baseline ½ (1.75² + 3.5²) = 7.65625. A termination (discount 0) ends it either way.
   */
  @Test
  void aTruncationEndsTheReturnUnlessAskedToBootstrap() {
    Case c = new Case(new Random(5), 4, 1, 2);
    for (int t = 0; t < 4; t++) {
      c.logits[t][0] = new double[] {0.3, -0.2};
      c.behaviour[t][0] = c.logits[t][0].clone(); // on-policy: ρ = c = 1
      c.actions[t][0] = 0;
      c.rewards[t][0] = t == 2 ? 1 : 0;
      c.discounts[t][0] = 1;
      c.last[t][0] = t == 2 ? 1 : 0;
    }
    c.values[0][0] = 0;
    c.values[1][0] = 0;
    c.values[2][0] = 5;
    c.values[3][0] = 0;
    VTraceParams onPolicy = new VTraceParams(1, 1, 1, 1);
    LossConfig ends = new LossConfig(0.5, 1, 0, onPolicy, RewardClipping.NONE, false, false);
    LossConfig bootstraps = new LossConfig(0.5, 1, 0, onPolicy, RewardClipping.NONE, false, true);
    assertThat((double) compute(c, ends, c.tba(c.logits), c.tb(c.values)).baseline().getFloat()).isCloseTo(0.625, within(1e-6));
    assertThat((double) compute(c, bootstraps, c.tba(c.logits), c.tb(c.values)).baseline().getFloat())
        .isCloseTo(7.65625, within(1e-5));
    c.discounts[2][0] = 0; // terminated
    assertThat((double) compute(c, bootstraps, c.tba(c.logits), c.tb(c.values)).baseline().getFloat())
        .isCloseTo(0.625, within(1e-6));
  }

  @Test
  void maskedStepsAndTheBootstrapGetNoGradient() {
    Case c = new Case(new Random(3), 10, 3, 3);
    c.last[4][1] = 1; // make sure at least one LAST step exists
    c.rewards[5][1] = 0;
    NDArray logits = c.tba(c.logits);
    NDArray values = c.tb(c.values);
    logits.setRequiresGradient(true);
    values.setRequiresGradient(true);
    LossConfig cfg = new LossConfig(0.99, 0.5, 0.01, VTraceParams.DEFAULT, RewardClipping.NONE);
    float[] gl;
    float[] gv;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      LossTerms terms = compute(c, cfg, logits, values);
      gc.backward(terms.total());
      gl = logits.getGradient().toFloatArray();
      gv = values.getGradient().toFloatArray();
    }
    int T = c.T1 - 1;
    for (int b = 0; b < c.B; b++) {
      // the bootstrap row T only feeds the (constant) targets
      assertThat(gv[T * c.B + b]).isZero();
      for (int k = 0; k < c.A; k++) {
        assertThat(gl[(T * c.B + b) * c.A + k]).isZero();
      }
      for (int t = 0; t < T; t++) {
        boolean masked = c.last[t][b] == 1;
        double rowNorm = 0;
        for (int k = 0; k < c.A; k++) {
          rowNorm += Math.abs(gl[(t * c.B + b) * c.A + k]);
        }
        if (masked) {
          assertThat(rowNorm).as("logit gradient at masked step %d, %d", t, b).isZero();
          assertThat(gv[t * c.B + b]).as("value gradient at masked step %d, %d", t, b).isZero();
        } else {
          assertThat(rowNorm).as("logit gradient at step %d, %d", t, b).isPositive();
        }
      }
    }
  }

  @Test
  void theBaselineGradientIsMinusBTimesTheTargetError() {
    Case c = new Case(new Random(5), 6, 2, 2);
    NDArray values = c.tb(c.values);
    values.setRequiresGradient(true);
    LossConfig cfg = new LossConfig(0.9, 0.5, 0.0, VTraceParams.DEFAULT, RewardClipping.NONE);
    float[] gv;
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray logits = c.tba(c.logits);
      LossTerms terms = compute(c, cfg, logits, values);
      gc.backward(terms.total());
      gv = values.getGradient().toFloatArray();
    }
    // dL/dV(x_t) = −b (v_t − V(x_t)) · mask_t
    int T = c.T1 - 1;
    OracleVTrace o = oracleVTrace(c, cfg);
    double[][] v = o.v();
    double[][] masks = o.masks();
    VTraceOracle.Result want = o.result();
    for (int t = 0; t < T; t++) {
      for (int b = 0; b < c.B; b++) {
        double expected = -0.5 * (want.vs()[t][b] - v[t][b]) * masks[t][b];
        assertThat((double) gv[t * c.B + b]).isCloseTo(expected, within(1e-4));
      }
    }
  }

  @Test
  void rewardClippingOptions() {
    NDArray r = manager.create(new float[] {-10, -0.5f, 0, 0.5f, 10});
    assertThat(RewardClipping.ABS_ONE.apply(r).toFloatArray()).containsExactly(-1, -0.5f, 0, 0.5f, 1);
    assertThat(RewardClipping.NONE.apply(r).toFloatArray()).containsExactly(-10, -0.5f, 0, 0.5f, 10);
    float[] soft = RewardClipping.SOFT_ASYMMETRIC.apply(r).toFloatArray();
    // 5 tanh(r/5), negative side scaled by 0.3
    assertThat(soft[0]).isCloseTo((float) (0.3 * 5 * Math.tanh(-2)), within(1e-6f));
    assertThat(soft[1]).isCloseTo((float) (0.3 * 5 * Math.tanh(-0.1)), within(1e-6f));
    assertThat(soft[2]).isZero();
    assertThat(soft[4]).isCloseTo((float) (5 * Math.tanh(2)), within(1e-5f));
    assertThat(RewardClipping.parse("soft_asymmetric")).isEqualTo(RewardClipping.SOFT_ASYMMETRIC);
    assertThat(RewardClipping.parse("")).isEqualTo(RewardClipping.NONE);
    assertThatThrownBy(() -> RewardClipping.parse("abs_two")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("abs_one");
  }

  @Test
  void rejectsMismatchedShapes() {
    Case c = new Case(new Random(1), 4, 2, 3);
    LossConfig cfg = new LossConfig(0.99, 0.5, 0.01, VTraceParams.DEFAULT, RewardClipping.NONE);
    assertThatThrownBy(() -> ImpalaLoss.compute(c.tba(c.logits), c.tb(c.values), c.tba(c.behaviour),
        c.tb(c.rewards), c.tb(c.rewards), c.tb(c.discounts), c.tb(c.last), cfg))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("int64");
    assertThatThrownBy(() -> ImpalaLoss.compute(c.tba(c.logits), c.tb(c.values).get(":-1"), c.tba(c.behaviour),
        c.actionsArray(), c.tb(c.rewards), c.tb(c.discounts), c.tb(c.last), cfg))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("values");
    assertThatThrownBy(() -> new LossConfig(1.5, 0.5, 0.01, VTraceParams.DEFAULT, RewardClipping.NONE))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
