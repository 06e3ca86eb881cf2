package mnemo.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mnemo.agent.Autograd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Java cells ({@code impl=java}: {@link JavaCell}, {@link JavaUnroll}) against libtorch's on the same
 * weights, for every LSTM and GRU spec: outputs, final state, and the gradients of every parameter and of the
 * torso before the core (which also makes the initial state, so ∂L/∂x and ∂L/∂s₀ show there), with resets
 * inside the unroll, in float32 (|Δ| ≤ 2e-4 (1 + |g|)), as {@link ManualBackwardTest} does for the hand-derived
 * backward; the forward also against the references computed outside Java ({@link CoreReferenceTest}).
 */
class JavaCellTest {

  static Stream<String> specs() {
    return ManualBackwardTest.specs();
  }

  static CoreSpec torch(String name) {
    return CoreSpec.parse(name).withImpl(CoreSpec.Impl.TORCH);
  }

  static RecurrentCore java(RecurrentCore core) {
    return RecurrentCores.withImpl(core, CoreSpec.Impl.JAVA);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void gradientsMatchLibtorchWithResets(String name) {
    try (NDManager m = NDManager.newBaseManager()) {
      RecurrentCore torch = RecurrentCores.create(torch(name).withHidden(16), 8, m, 3);
      RecurrentCore java = java(torch);
      ManualBackwardTest.compare(name, ManualBackwardTest.gradients(java, m, DataType.FLOAT32, 20, 4, 8, 9, true),
          ManualBackwardTest.gradients(torch, m, DataType.FLOAT32, 20, 4, 8, 9, true), 2e-4, false);
      // T = 1 (no row scaling: the unscaled refine path), one row, no resets
      ManualBackwardTest.compare(name, ManualBackwardTest.gradients(java, m, DataType.FLOAT32, 1, 1, 8, 4, false),
          ManualBackwardTest.gradients(torch, m, DataType.FLOAT32, 1, 1, 8, 4, false), 2e-4, false);
    }
  }

  /**
   * Both kernels of the Java paths ({@link RowGemm}'s products; {@link VectorMath}'s activations and gate algebra or
   * the scalar loops) at H = 20: whole vectors and a scalar tail of each row, against libtorch.
   */
  @ParameterizedTest(name = "{0}, {1}")
  @MethodSource("specsAndKernels")
  void bothKernelsMatchLibtorch(String name, RowGemm.Kernel kernel) {
    RowGemm.Kernel start = RowGemm.kernel();
    RowGemm.use(kernel);
    try (NDManager m = NDManager.newBaseManager()) {
      RecurrentCore torch = RecurrentCores.create(torch(name).withHidden(20), 7, m, 11);
      ManualBackwardTest.compare(name, ManualBackwardTest.gradients(java(torch), m, DataType.FLOAT32, 12, 5, 7, 3, true),
          ManualBackwardTest.gradients(torch, m, DataType.FLOAT32, 12, 5, 7, 3, true), 2e-4, false);
    } finally {
      RowGemm.use(start);
    }
  }

  static Stream<org.junit.jupiter.params.provider.Arguments> specsAndKernels() {
    return specs().flatMap(s -> Stream.of(RowGemm.Kernel.values())
        .map(k -> org.junit.jupiter.params.provider.Arguments.of(s, k)));
  }

  /** The shape of the RL experiments (H = 32, B = 4 sequences, T = 52, a small input). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("rlSpecs")
  void gradientsMatchAtTheRlShape(String name) {
    try (NDManager m = NDManager.newBaseManager()) {
      RecurrentCore torch = RecurrentCores.create(torch(name).withHidden(32), 6, m, 5);
      ManualBackwardTest.compare(name, ManualBackwardTest.gradients(java(torch), m, DataType.FLOAT32, 52, 4, 6, 2, true),
          ManualBackwardTest.gradients(torch, m, DataType.FLOAT32, 52, 4, 6, 2, true), 2e-4, false);
    }
  }

  static Stream<String> rlSpecs() {
    return Stream.of("ur-lstm", "lstm", "ur-gru", "gru", "om-lstm", "o-gru");
  }

  /** Inference (no autograd): the unroll with resets and the single step give libtorch's results. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void inferenceMatchesLibtorch(String name) {
    try (NDManager m = NDManager.newBaseManager(); Autograd.Paused noGraph = Autograd.pause()) {
      RecurrentCore torch = RecurrentCores.create(torch(name).withHidden(8), 5, m, 2);
      RecurrentCore java = java(torch);
      Engine.getInstance().setRandomSeed(4);
      NDArray x = m.randomNormal(new Shape(7, 3, 5));
      NDArray resets = m.create(new float[] {0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0},
          new Shape(7, 3));
      NDList s0 = new NDList();
      for (int k = 0; k < torch.spec().numStates(); k++) {
        s0.add(m.randomNormal(new Shape(3, 8)));
      }
      CoreOutput a = java.unroll(x, resets, s0);
      CoreOutput e = torch.unroll(x, resets, s0);
      CoreReferenceTest.assertClose(a.outputs(), e.outputs(), 1e-5);
      for (int k = 0; k < s0.size(); k++) {
        CoreReferenceTest.assertClose(a.finalState().get(k), e.finalState().get(k), 1e-5);
      }
      NDList sa = java.step(x.get(0), s0);
      NDList se = torch.step(x.get(0), s0);
      for (int k = 0; k < s0.size(); k++) {
        CoreReferenceTest.assertClose(sa.get(k), se.get(k), 1e-5);
      }
    }
  }

  /** The forward against the values computed outside Java, at saturating weights (float32). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("mnemo.agent.core.CoreReferenceTest#references")
  void matchesReference(String spec, String file) throws IOException {
    CoreSpec cs = CoreSpec.parse(spec);
    if (CoreSpec.LATER_CELLS.contains(cs.name())) {
      return;
    }
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> ref = CoreReferenceTest.load(m, file);
      Map<String, NDArray> w = new HashMap<>();
      for (String n : cs.parameterNames()) {
        w.put(n, ref.get(n).toType(DataType.FLOAT32, false));
      }
      RecurrentCore core = RecurrentCores.fromWeights(cs.withImpl(CoreSpec.Impl.JAVA), w);
      NDList state = new NDList();
      for (String n : cs.stateNames()) {
        state.add(ref.get(n + "0").toType(DataType.FLOAT32, false));
      }
      CoreOutput out = core.unroll(ref.get("inputs").toType(DataType.FLOAT32, false), ref.get("resets"), state);
      CoreReferenceTest.assertClose(out.outputs(), ref.get("outputs"), 2e-5);
      for (int k = 0; k < cs.numStates(); k++) {
        CoreReferenceTest.assertClose(out.finalState().get(k), ref.get(cs.stateNames().get(k) + "_final"), 2e-5);
      }
    }
  }

  /** A reset multiplies the state by 0 as libtorch's cell does, so a NaN state still shows (a bad batch is skipped). */
  @Test
  void aNanStateStaysNanThroughAReset() {
    try (NDManager m = NDManager.newBaseManager(); Autograd.Paused noGraph = Autograd.pause()) {
      RecurrentCore core = RecurrentCores.create(CoreSpec.parse("ur-lstm:hidden=4,impl=java"), 3, m, 1);
      NDList s0 = new NDList(m.full(new Shape(2, 4), Float.NaN), m.zeros(new Shape(2, 4)));
      CoreOutput o = core.unroll(m.ones(new Shape(5, 2, 3)), m.ones(new Shape(5, 2)), s0);
      assertThat(o.outputs().isNaN().any().getBoolean()).isTrue();
    }
  }

  @Test
  void autoPicksJavaOnlyForSmallFloat32Cores() {
    try (NDManager m = NDManager.newBaseManager()) {
      GatedCore small = (GatedCore) RecurrentCores.create(CoreSpec.parse("ur-lstm:hidden=32,impl=auto"), 4, m, 1);
      GatedCore wide = (GatedCore) RecurrentCores.create(CoreSpec.parse("ur-lstm:hidden=256,impl=auto"), 4, m, 1);
      GatedCore doubles = (GatedCore) RecurrentCores.create(CoreSpec.parse("ur-lstm:hidden=32,impl=auto"), 4, m, 1,
          DataType.FLOAT64);
      GatedCore h64 = (GatedCore) RecurrentCores.create(CoreSpec.parse("ur-lstm:hidden=64,impl=auto"), 64, m, 1);
      GatedCore h512 = (GatedCore) RecurrentCores.create(CoreSpec.parse("ur-lstm:hidden=512,impl=auto"), 4, m, 1);
      RowGemm.Kernel start = RowGemm.kernel();
      try {
        for (RowGemm.Kernel kernel : RowGemm.Kernel.values()) {
          RowGemm.use(kernel);
          boolean vector = kernel == RowGemm.Kernel.VECTOR;
          assertThat(JavaUnroll.runs(small, 52, 4)).isTrue();
          assertThat(JavaUnroll.runs(small, 1, 4)).isTrue();
          assertThat(JavaUnroll.runs(doubles, 52, 4)).isFalse();
          assertThat(JavaUnroll.runs((GatedCore) RecurrentCores.withImpl(small, CoreSpec.Impl.TORCH), 52, 4)).isFalse();
          assertThat(JavaUnroll.runs(h64, 100, 32)).isTrue();
          assertThat(JavaUnroll.runs(h64, 1, 32)).isFalse();
          // the scalar loops up to B·G·H² of B = 32, H = 64; the vector kernel's up to B = 32, H = 256
          assertThat(JavaUnroll.runs(h64, 100, 64)).isEqualTo(vector);
          assertThat(JavaUnroll.runs(wide, 52, 4)).isEqualTo(vector);
          assertThat(JavaUnroll.runs(wide, 100, 32)).isEqualTo(vector);
          assertThat(JavaUnroll.runs(wide, 100, 64)).isFalse();
          assertThat(JavaUnroll.runs(h512, 52, 4)).isFalse();
        }
      } finally {
        RowGemm.use(start);
      }
      GatedCore manual = (GatedCore) RecurrentCores.create(CoreSpec.parse("ur-lstm:hidden=32,backward=manual"), 4, m, 1);
      assertThat(JavaUnroll.runs(manual, 52, 4)).isFalse();
      GatedCore javaDoubles = (GatedCore) RecurrentCores.withImpl(doubles, CoreSpec.Impl.JAVA);
      assertThatThrownBy(() -> JavaUnroll.runs(javaDoubles, 52, 4)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("float32");
    }
  }

  @Test
  void specOptionParsesAndPrints() {
    assertThat(CoreSpec.parse("ur-gru:impl=java").impl()).isEqualTo(CoreSpec.Impl.JAVA);
    assertThat(CoreSpec.parse("ur-gru:impl=java").toString()).contains("impl=java");
    assertThat(CoreSpec.parse(CoreSpec.parse("lstm:impl=torch").toString()).impl()).isEqualTo(CoreSpec.Impl.TORCH);
    assertThat(CoreSpec.parse("lstm").impl()).isEqualTo(CoreSpec.DEFAULT_IMPL);
    assertThatThrownBy(() -> CoreSpec.parse("lstm:impl=cuda")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CoreSpec.parse("min-gru:impl=java")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aForgottenCompletionFailsLoudly() {
    try (NDManager m = NDManager.newBaseManager()) {
      RecurrentCore core = RecurrentCores.create(CoreSpec.parse("ur-gru:impl=java").withHidden(4), 3, m, 1);
      NDArray x = m.randomNormal(new Shape(5, 2, 3));
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(core.unroll(x, null, core.initialState(m, 2)).outputs().sum()); // not Autograd.backward
        assertThatThrownBy(() -> core.unroll(x, null, core.initialState(m, 2)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("Autograd.backward");
      }
      Autograd.zeroGradients(core.parameters());
      assertThat(Autograd.hasPendingCompletion()).isFalse();
    }
  }
}
