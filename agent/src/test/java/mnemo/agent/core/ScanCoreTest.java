package mnemo.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The min cores' two paths agree: the chunked scan of the unroll (what the learner trains) and
 * {@link RecurrentCore#step} one step at a time (what actors run), at every chunk length, with
 * resets, and at gates saturated far beyond float32's σ; and the scan's gradients stay finite there
 * and stop at resets.
 */
class ScanCoreTest {

  static final int T = 37;
  static final int B = 4;
  static final int I = 3;
  static final int H = 5;

  /** A core with weights scaled by {@code scale} (pre-activations of tens at scale 10). */
  static RecurrentCore core(String name, int chunk, NDManager m, DataType type, double scale) {
    CoreSpec spec = CoreSpec.parse(name + ":hidden=" + H + ",chunk=" + chunk);
    double[][] w = RecurrentCores.initialWeights(spec, I, 5);
    Map<String, NDArray> arrays = new HashMap<>();
    for (int k = 0; k < w.length; k++) {
      String n = spec.parameterNames().get(k);
      NDArray a = m.create(w[k], RecurrentCores.shapeOf(n, spec, I)).mul(scale * Math.sqrt(H)).toType(type, false);
      a.setRequiresGradient(true);
      arrays.put(n, a);
    }
    return RecurrentCores.fromWeights(spec, arrays);
  }

  static NDArray resets(NDManager m) {
    float[] r = new float[T * B];
    SplittableRandom rng = new SplittableRandom(9);
    for (int i = 0; i < r.length; i++) {
      r[i] = rng.nextDouble() < 0.08 ? 1 : 0;
    }
    r[0] = 1;
    r[8 * B + 1] = 1;
    r[(T - 1) * B + 2] = 1;
    return m.create(r, new Shape(T, B));
  }

  /** The step path, resets applied by hand. */
  static NDArray stepByStep(RecurrentCore core, NDArray x, NDArray resets, NDArray h0) {
    NDManager m = x.getManager();
    NDArray keep = m.ones(resets.getShape()).sub(resets).toType(x.getDataType(), false);
    NDArray h = h0;
    List<NDArray> hs = new ArrayList<>();
    for (int t = 0; t < T; t++) {
      h = core.step(x.get(t), new NDList(h.mul(keep.get(t).reshape(B, 1)))).get(0);
      hs.add(h);
    }
    return NDArrays.stack(new NDList(hs));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"min-gru", "min-lstm"})
  void unrollAgreesWithStepsAtEveryChunkLength(String name) {
    for (double scale : new double[] {1, 10}) {
      for (DataType type : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
        double tol = type == DataType.FLOAT64 ? 1e-12 : 1e-5;
        try (NDManager m = NDManager.newBaseManager()) {
          NDArray x = m.randomNormal(0, 1, new Shape(T, B, I), type);
          NDArray h0 = m.randomNormal(0, 3, new Shape(B, H), type);
          NDArray r = resets(m);
          NDArray steps = stepByStep(core(name, 1, m, type, scale), x, r, h0);
          for (int chunk : new int[] {1, 2, 5, 8, 16, T, 64}) {
            CoreOutput out = core(name, chunk, m, type, scale).unroll(x, r, new NDList(h0));
            double scaleOf = steps.abs().max().toType(DataType.FLOAT64, false).getDouble() + 1;
            assertThat(out.outputs().sub(steps).abs().max().toType(DataType.FLOAT64, false).getDouble())
                .as("%s chunk %d, %s, weights x%.0f", name, chunk, type, scale).isLessThan(tol * scaleOf);
            assertThat(out.finalState().get(0).sub(steps.get(T - 1)).abs().max().toType(DataType.FLOAT64, false).getDouble())
                .isLessThan(tol * scaleOf);
          }
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"min-gru", "min-lstm"})
  void gradientsStayFiniteAtSaturationAndStopAtResets(String name) {
    try (NDManager m = NDManager.newBaseManager()) {
      RecurrentCore core = core(name, 8, m, DataType.FLOAT32, 50);
      NDArray x = m.randomNormal(new Shape(T, B, I));
      x.setRequiresGradient(true);
      NDArray r = resets(m);
      NDArray h0 = m.randomNormal(new Shape(B, H));
      h0.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        CoreOutput out = core.unroll(x, r, new NDList(h0));
        // L = Σ h of entry 1 after its reset before step 8, and its final state
        NDArray loss = out.outputs().get(new NDIndex("8:, 1")).sum().add(out.finalState().get(0).get(1).sum());
        gc.backward(loss);
      }
      for (NDArray p : core.parameters()) {
        assertThat(p.getGradient().isInfinite().any().getBoolean() || p.getGradient().isNaN().any().getBoolean())
            .as("non-finite gradient").isFalse();
      }
      NDArray gx = x.getGradient();
      assertThat(gx.isNaN().any().getBoolean()).isFalse();
      // nothing before the reset reaches a loss on entry 1 after it
      assertThat(gx.get(new NDIndex(":8, 1")).abs().sum().getFloat()).isEqualTo(0f);
      assertThat(h0.getGradient().get(1).abs().sum().getFloat()).isEqualTo(0f);
      assertThat(gx.get(new NDIndex("8:, 1")).abs().sum().getFloat()).isGreaterThan(0f);
    }
  }
}
