package mnemo.agent.core;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import mnemo.agent.Autograd;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Backpropagation through the whole unroll (with resets inside it) against central finite
 * differences in float64, for every spec, and for the LSTM and GRU families also with their
 * hand-derived backward ({@code backward=manual}, GatedBackward): the gradient of L = Σ w ⊙ outputs + Σ v ⊙ final state with
 * respect to sampled entries of every parameter and of the inputs.
 */
class CoreGradientTest {

  static Stream<String> specs() {
    Stream<String> manual = CoreSpec.allNames().stream().filter(n -> !CoreSpec.LATER_CELLS.contains(n))
        .map(n -> n + ":backward=manual");
    return Stream.concat(Stream.concat(CoreSpec.allNames().stream(), Stream.of("ur-lstm:refine_offset=true",
        "ur-gru:refine_offset=true", "min-gru:chunk=2", "min-lstm:chunk=2", "min-gru:chunk=1")),
        Stream.concat(manual, Stream.of("ur-lstm:refine_offset=true,backward=manual", "ur-gru:refine_offset=true,backward=manual")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void backpropMatchesFiniteDifferences(String name) {
    int t = 5;
    int b = 2;
    int in = 3;
    CoreSpec spec = CoreSpec.parse(name).withHidden(3);
    try (NDManager m = NDManager.newBaseManager()) {
      RecurrentCore core = RecurrentCores.create(spec, in, m, 11, DataType.FLOAT64);
      NDArray x = m.randomNormal(0, 1, new Shape(t, b, in), DataType.FLOAT64);
      x.setRequiresGradient(true);
      NDArray resets = m.create(new float[] {0, 0, 0, 1, 0, 0, 1, 1, 0, 0}, new Shape(t, b));
      NDArray wOut = m.randomNormal(0, 1, new Shape(t, b, 3), DataType.FLOAT64);
      NDArray wState = m.randomNormal(0, 1, new Shape(b, 3), DataType.FLOAT64);
      NDList s0 = new NDList();
      for (String state : spec.stateNames()) {
        NDArray s = m.randomNormal(0, 1, new Shape(b, 3), DataType.FLOAT64);
        // sLSTM's normaliser is positive in every reachable state (n' = f' n + i', i' > 0)
        s0.add(state.equals("n") ? s.abs().add(0.5) : s);
      }
      java.util.function.Supplier<NDArray> loss = () -> {
        CoreOutput o = core.unroll(x, resets, s0);
        NDArray l = o.outputs().mul(wOut).sum();
        for (NDArray s : o.finalState()) {
          l = l.add(s.mul(wState).sum());
        }
        return l;
      };
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        Autograd.backward(gc, loss.get());
      }
      SplittableRandom rng = new SplittableRandom(3);
      try (Autograd.Paused noGraph = Autograd.pause()) {
        NDList targets = new NDList(core.parameters().toArray(new NDArray[0]));
        targets.add(x);
        for (NDArray p : targets) {
          double[] analytic = p.getGradient().toDoubleArray();
          long n = p.size();
          for (int k = 0; k < 3; k++) {
            int idx = rng.nextInt((int) n);
            long[] at = new Shape(p.getShape().getShape()).getShape().clone();
            long rem = idx;
            for (int d = at.length - 1; d >= 0; d--) {
              long size = p.getShape().get(d);
              at[d] = rem % size;
              rem /= size;
            }
            NDIndex ix = new NDIndex(at);
            double v = p.getDouble(at);
            double eps = 1e-6;
            p.set(ix, v + eps);
            double up = loss.get().getDouble();
            p.set(ix, v - eps);
            double down = loss.get().getDouble();
            p.set(ix, v);
            double numeric = (up - down) / (2 * eps);
            assertThat(analytic[idx]).as("%s d/d%s at %d", name, p.getShape(), idx)
                .isCloseTo(numeric, org.assertj.core.api.Assertions.within(1e-6 + 1e-5 * Math.abs(numeric)));
          }
        }
      }
    }
  }
}
