package mnemo.agent.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.tracker.ParameterTracker;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OptimizersTest {
  private NDManager manager;

  @BeforeEach
  void open() {
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  private static ParameterTracker constant(double lr) {
    return Tracker.fixed((float) lr);
  }

  private NDArray f(float... v) {
    return manager.create(v);
  }

  @Test
  void rmsPropMatchesHandComputedUpdates() {
    // lr 0.1, decay 0.9, ε 0.01, ms₀ = 1, w₀ = (1, −2).
    // step 1, g = (0.5, −1): ms = 0.9 + 0.1·0.25 = 0.925 and 1.0;
    //   w = 1 − 0.1·0.5/√0.935 = 0.9482912,  −2 + 0.1/√1.01 = −1.9004963
    // step 2, g = (2, 0):  ms = 0.9·0.925 + 0.4 = 1.2325 and 0.9;  w = 0.9482912 − 0.2/√1.2425 = 0.7688667
    RmsProp opt = new RmsProp(constant(0.1), 0.9, 0, 0.01, manager);
    NDArray w = f(1, -2);
    opt.update("w", w, f(0.5f, -1));
    assertThat(w.toFloatArray()).containsExactly(new float[] {0.9482912f, -1.9004963f}, within(1e-6f));
    opt.update("w", w, f(2, 0));
    assertThat(w.toFloatArray()).containsExactly(new float[] {0.7688667f, -1.9004963f}, within(1e-6f));
  }

  @Test
  void rmsPropWithMomentum() {
    // As above with momentum 0.5: mom₁ = (0.0517088, −0.0995037), mom₂ = 0.5·mom₁ + (0.1794245, 0)
    // w₂ = (0.9482912 − 0.2052789, −1.9004963 + 0.0497519) = (0.7430123, −1.8507444)
    RmsProp opt = new RmsProp(constant(0.1), 0.9, 0.5, 0.01, manager);
    NDArray w = f(1, -2);
    opt.update("w", w, f(0.5f, -1));
    assertThat(w.toFloatArray()).containsExactly(new float[] {0.9482912f, -1.9004963f}, within(1e-6f));
    opt.update("w", w, f(2, 0));
    assertThat(w.toFloatArray()).containsExactly(new float[] {0.7430123f, -1.8507444f}, within(1e-6f));
  }

  @Test
  void adamMatchesTorchOptimAdam() {
    // Reference: agent/src/test/python/adam_reference.py (torch 1.13, float64).
    Adam opt = new Adam(constant(0.1), 0.9, 0.999, 1e-8, manager);
    NDArray w = f(0.5f, -1, 2);
    float[][] grads = {{0.1f, -0.2f, 0.3f}, {1.0f, 0.5f, -2.0f}, {-0.3f, 0.0f, 0.7f}};
    float[][] want = {
      {0.40000001f, -0.900000005f, 1.900000003f},
      {0.319291236f, -0.94422153f, 1.963656395f},
      {0.277793313f, -0.978404897f, 1.989249355f},
    };
    for (int i = 0; i < 3; i++) {
      opt.update("w", w, f(grads[i]));
      assertThat(w.toFloatArray()).as("step %d", i + 1).containsExactly(want[i], within(2e-6f));
    }
  }

  /**
   * PyTorch's step written as a plain double loop, w ← w − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε), against the
   * fused update's rewriting of it, with the learner's ε = 1e-3 and gradients of that order, where the place
   * of ε in the denominator matters, over 60 steps.
   */
  @Test
  void adamWithTheLearnersEpsilonFollowsPyTorchsStepOverManySteps() {
    double lr = 0.01;
    double b1 = 0.9;
    double b2 = 0.999;
    double eps = 1e-3;
    Adam opt = new Adam(constant(lr), b1, b2, eps, manager);
    double[] w = {0.5, -1, 2, 0.01, -0.3};
    double[] m = new double[w.length];
    double[] v = new double[w.length];
    float[] start = new float[w.length];
    for (int i = 0; i < w.length; i++) {
      start[i] = (float) w[i];
    }
    NDArray weight = f(start);
    java.util.SplittableRandom rng = new java.util.SplittableRandom(7);
    for (int t = 1; t <= 60; t++) {
      float[] g = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        g[i] = (float) (rng.nextDouble(-1, 1) * 1e-3 * (i + 1));
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        w[i] -= lr / (1 - Math.pow(b1, t)) * m[i] / (Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps);
      }
      opt.update("w", weight, f(g));
      float[] want = new float[w.length];
      for (int i = 0; i < w.length; i++) {
        want[i] = (float) w[i];
      }
      assertThat(weight.toFloatArray()).as("step %d", t).containsExactly(want, within(2e-6f));
    }
  }

  @Test
  void stateCreatedInsideAScopeSurvivesIt() {
    RmsProp opt = new RmsProp(constant(0.1), 0.9, 0.5, 0.01, manager);
    NDArray w = f(1, -2);
    try (NDScope scope = new NDScope()) {
      opt.update("w", w, f(0.5f, -1)); // the first update creates ms and mom
    }
    opt.update("w", w, f(2, 0)); // would throw "released already" if the scope had closed them
    assertThat(w.toFloatArray()).containsExactly(new float[] {0.7430123f, -1.8507444f}, within(1e-6f));
  }

  @Test
  void savedStateRestoresTheTrajectory() {
    for (boolean adam : new boolean[] {false, true}) {
      StatefulOptimizer a = adam ? new Adam(constant(0.05), 0.9, 0.99, 1e-6, manager)
          : new RmsProp(constant(0.05), 0.99, 0.3, 0.1, manager);
      NDArray w = f(1, 2, 3);
      a.update("w", w, f(1, -1, 0.5f));
      a.update("w", w, f(0.2f, 0.3f, -2));
      NDList saved = a.saveState(manager);
      assertThat(saved).isNotEmpty();
      NDArray w2 = w.duplicate();
      StatefulOptimizer b = adam ? new Adam(constant(0.05), 0.9, 0.99, 1e-6, manager)
          : new RmsProp(constant(0.05), 0.99, 0.3, 0.1, manager);
      b.loadState(saved);
      a.update("w", w, f(-0.7f, 0.1f, 1));
      b.update("w", w2, f(-0.7f, 0.1f, 1));
      assertThat(w2.toFloatArray()).as(adam ? "adam" : "rmsprop").containsExactly(w.toFloatArray());
    }
  }

  @Test
  void globalNormClipScalesAllGradientsTogether() {
    NDArray g1 = f(3, 0);
    NDArray g2 = f(0, 4, 0);
    // ‖(3, 0, 0, 4, 0)‖ = 5; clip at 1 scales both by 1/5
    assertThat(GlobalNormClip.clip(List.of(g1, g2), 1)).isCloseTo(5, within(1e-9));
    assertThat(g1.toFloatArray()).containsExactly(new float[] {0.6f, 0}, within(1e-7f));
    assertThat(g2.toFloatArray()).containsExactly(new float[] {0, 0.8f, 0}, within(1e-7f));
    // below the threshold, or clipping off: untouched
    assertThat(GlobalNormClip.clip(List.of(g1, g2), 40)).isCloseTo(1, within(1e-6));
    assertThat(GlobalNormClip.clip(List.of(g1, g2), 0)).isCloseTo(1, within(1e-6));
    assertThat(g2.toFloatArray()).containsExactly(new float[] {0, 0.8f, 0}, within(1e-7f));
    // non-finite: reported, gradients left as they are
    NDArray bad = f(Float.NaN, 1);
    assertThat(GlobalNormClip.clip(List.of(bad, g1), 1)).isNaN();
    assertThat(g1.toFloatArray()).containsExactly(new float[] {0.6f, 0}, within(1e-7f));
  }

  @Test
  void clippingActsOnTheParametersStoredGradients() {
    NDArray w = f(1, 2);
    w.setRequiresGradient(true);
    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(w.mul(f(30, 40)).sum()); // gradient (30, 40), norm 50
    }
    NDArray g = w.getGradient();
    assertThat(GlobalNormClip.clip(List.of(g), 5)).isCloseTo(50, within(1e-4));
    assertThat(w.getGradient().toFloatArray()).containsExactly(new float[] {3, 4}, within(1e-5f));
    assertThat(g.getDataType()).isEqualTo(DataType.FLOAT32);
  }
}
