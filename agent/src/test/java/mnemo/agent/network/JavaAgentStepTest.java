package mnemo.agent.network;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import mnemo.agent.AgentInput;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentOutput;
import mnemo.agent.AgentSpec;
import mnemo.agent.AgentStep;
import mnemo.agent.core.CoreSpec;
import mnemo.agent.core.RowGemm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's Java step ({@link JavaAgentStep}) against the libtorch path ({@link AgentModel#unroll} of a model
 * with {@code impl=torch} and the same weights) for every LSTM and GRU spec, with a vector torso and with both
 * image torsos (3×3 convs at 7×7, 8/4-stride convs at 36×36): logits, values and the core state over several
 * steps carried from one to the next, with resets, previous actions (−1 included) and rewards, from a non-zero
 * state; float32, |Δ| ≤ 1e-4 (1 + |ref|).
 */
class JavaAgentStepTest {

  static final int A = 5;

  static Stream<String> specs() {
    List<String> names = new ArrayList<>();
    for (String n : CoreSpec.allNames()) {
      if (!List.of("min-gru", "min-lstm", "slstm").contains(n)) {
        names.add(n);
      }
    }
    names.add("ur-lstm:refine_offset=true");
    names.add("ur-gru:refine_offset=true");
    names.add("lstm:forget_bias=1");
    return names.stream();
  }

  /** The spec with {@code hidden} and {@code impl} options added. */
  static String with(String core, int hidden, String impl) {
    return core + (core.contains(":") ? "," : ":") + "hidden=" + hidden + ",impl=" + impl;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void vectorTorsoMatchesLibtorch(String core) {
    compare(new int[] {6}, false, core, 12, 4);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void smallImageTorsoMatchesLibtorch(String core) {
    compare(new int[] {7, 7, 3}, true, core, 8, 3);
  }

  /** MiniGrid's coded images enter both at x / 10 (the task's declared maximum), not x / 255. */
  @Test
  void codedImageScaleMatchesLibtorch() {
    compare(new int[] {7, 7, 3}, true, "ur-lstm", 8, 3, 10f);
  }

  @Test
  void largeImageTorsoMatchesLibtorch() {
    compare(new int[] {36, 36, 3}, true, "ur-lstm", 8, 2);
    compare(new int[] {36, 36, 3}, true, "gru", 8, 2);
  }

  @Test
  void refreshReadsWeightsLoadedAfterTheStepWasMade() {
    AgentSpec javaSpec = new AgentSpec(new int[] {6}, false, A, with("ur-lstm", 8, "java"), 16, 1);
    AgentSpec other = new AgentSpec(new int[] {6}, false, A, with("ur-lstm", 8, "torch"), 16, 2);
    try (AgentModel net = AgentNetworks.create(javaSpec, Device.cpu());
        AgentModel source = AgentNetworks.create(other, Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      AgentStep step = net.javaStep().orElseThrow();
      Steps in = Steps.random(1, 3, new int[] {6}, false, 4);
      float[][] state = randomState(2, 3, 8, 5);
      float[] before = step.step(in.obs[0], in.actions[0], in.rewards[0], in.resets[0], state, 3).logits();
      net.loadWeightsFromNpz(source.weightsToNpz());
      // the step holds its own copy until refresh()
      assertThat(step.step(in.obs[0], in.actions[0], in.rewards[0], in.resets[0], state, 3).logits())
          .containsExactly(before);
      step.refresh();
      float[] after = step.step(in.obs[0], in.actions[0], in.rewards[0], in.resets[0], state, 3).logits();
      AgentOutput ref = source.unroll(in.input(m, 0), asList(m, state, 3, 8), false);
      assertClose("logits after refresh", after, ref.policyLogits().toFloatArray());
    }
  }

  @Test
  void torchImplHasNoJavaStepAndTheLaterCellsNeither() {
    for (String core : List.of(with("ur-lstm", 8, "torch"), "min-gru:hidden=8", "slstm:hidden=8")) {
      try (AgentModel net = AgentNetworks.create(new AgentSpec(new int[] {6}, false, A, core, 16, 1), Device.cpu())) {
        assertThat(net.javaStep()).as(core).isEmpty();
      }
    }
    try (AgentModel net = AgentNetworks.create(new AgentSpec(new int[] {6}, false, A, with("gru", 8, "auto"), 16, 1),
        Device.cpu())) {
      assertThat(net.javaStep()).isPresent();
    }
  }

  /** {@code impl=auto}: the Java step takes a batch up to its multiply-add bound, which the vector kernel raises. */
  @Test
  void autoTakesBatchesUpToTheKernelsBound() {
    // 7×7×3 image, 64-unit torso, ur-lstm at H = 256: about 0.7 M multiply-adds a row
    try (AgentModel net = AgentNetworks.create(new AgentSpec(new int[] {7, 7, 3}, true, A, with("ur-lstm", 256, "auto"),
        64, 1), Device.cpu())) {
      AgentStep step = net.javaStep().orElseThrow();
      RowGemm.Kernel start = RowGemm.kernel();
      try {
        RowGemm.use(RowGemm.Kernel.SCALAR);
        assertThat(step.takes(8)).isTrue();
        assertThat(step.takes(16)).isFalse();
        RowGemm.use(RowGemm.Kernel.VECTOR);
        assertThat(step.takes(16)).isTrue();
        assertThat(step.takes(64)).isFalse();
      } finally {
        RowGemm.use(start);
      }
    }
    try (AgentModel net = AgentNetworks.create(new AgentSpec(new int[] {6}, false, A, with("ur-lstm", 8, "java"), 16, 1),
        Device.cpu())) {
      assertThat(net.javaStep().orElseThrow().takes(100_000)).as("impl=java takes every batch").isTrue();
    }
  }

  /** {@code steps} Java steps of a batch of b against the libtorch model's unroll of each step in turn. */
  static void compare(int[] obs, boolean image, String core, int hidden, int b) {
    compare(obs, image, core, hidden, b, AgentSpec.PIXEL_SCALE);
  }

  static void compare(int[] obs, boolean image, String core, int hidden, int b, float scale) {
    int steps = 4;
    AgentSpec javaSpec = new AgentSpec(obs, image, A, with(core, hidden, "java"), 16, 5, scale);
    AgentSpec torchSpec = new AgentSpec(obs, image, A, with(core, hidden, "torch"), 16, 6, scale);
    try (AgentModel java = AgentNetworks.create(javaSpec, Device.cpu());
        AgentModel torch = AgentNetworks.create(torchSpec, Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      torch.loadWeightsFromNpz(java.weightsToNpz());
      AgentStep step = java.javaStep().orElseThrow();
      Steps in = Steps.random(steps, b, obs, image, 7);
      float[][] state = randomState(step.numStates(), b, hidden, 8);
      NDList torchState = asList(m, state, b, hidden);
      assertThat(step.numStates()).isEqualTo(torch.initialState(m, 1).size());
      for (int t = 0; t < steps; t++) {
        AgentStep.Result r = step.step(in.obs[t], in.actions[t], in.rewards[t], in.resets[t], state, b);
        AgentOutput ref = torch.unroll(in.input(m, t), torchState, false);
        String at = core + " " + Arrays.toString(obs) + " step " + t;
        assertClose(at + " logits", r.logits(), ref.policyLogits().toFloatArray());
        assertClose(at + " values", r.values(), ref.values().toFloatArray());
        for (int k = 0; k < r.state().length; k++) {
          assertClose(at + " state " + k, r.state()[k], ref.finalState().get(k).toFloatArray());
        }
        state = r.state();
        torchState = ref.finalState();
      }
    }
  }

  static void assertClose(String what, float[] actual, float[] expected) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < actual.length; i++) {
      assertThat((double) Math.abs(actual[i] - expected[i])).as(what + " [" + i + "]: " + actual[i] + " vs " + expected[i])
          .isLessThanOrEqualTo(1e-4 * (1 + Math.abs(expected[i])));
    }
  }

  /** Random inputs of T steps of a batch: row 1 resets at t = 2, actions in −1..A−1, rewards in (−1, 1). */
  record Steps(float[][] obs, int[][] actions, float[][] rewards, float[][] resets, int[] obsShape) {

    static Steps random(int t, int b, int[] obsShape, boolean image, long seed) {
      SplittableRandom rng = new SplittableRandom(seed);
      int size = 1;
      for (int d : obsShape) {
        size *= d;
      }
      float[][] obs = new float[t][b * size];
      int[][] actions = new int[t][b];
      float[][] rewards = new float[t][b];
      float[][] resets = new float[t][b];
      for (int i = 0; i < t; i++) {
        for (int k = 0; k < obs[i].length; k++) {
          obs[i][k] = image ? rng.nextInt(256) : (float) rng.nextDouble(-2, 2);
        }
        for (int r = 0; r < b; r++) {
          actions[i][r] = rng.nextInt(A + 1) - 1;
          rewards[i][r] = (float) rng.nextDouble(-1, 1);
        }
      }
      if (t > 2 && b > 1) {
        resets[2][1] = 1;
      }
      return new Steps(obs, actions, rewards, resets, obsShape);
    }

    /** Step t as the libtorch model's input [1, B, ...]. */
    AgentInput input(NDManager m, int t) {
      int b = actions[t].length;
      long[] a = new long[b];
      for (int r = 0; r < b; r++) {
        a[r] = actions[t][r];
      }
      Shape os = new Shape(1, b).addAll(new Shape(Arrays.stream(obsShape).asLongStream().toArray()));
      return new AgentInput(m.create(obs[t], os), m.create(a, new Shape(1, b)), m.create(rewards[t], new Shape(1, b)),
          m.create(resets[t], new Shape(1, b)));
    }
  }

  /** A random state in (−1, 1): {@code n} arrays [B·H]. */
  static float[][] randomState(int n, int b, int hidden, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    float[][] s = new float[n][b * hidden];
    for (float[] a : s) {
      for (int i = 0; i < a.length; i++) {
        a[i] = (float) rng.nextDouble(-1, 1);
      }
    }
    return s;
  }

  static NDList asList(NDManager m, float[][] state, int b, int hidden) {
    NDList l = new NDList();
    for (float[] a : state) {
      l.add(m.create(a, new Shape(b, hidden)));
    }
    return l;
  }
}
