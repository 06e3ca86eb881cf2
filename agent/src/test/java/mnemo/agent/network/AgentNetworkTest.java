package mnemo.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.concurrent.CompletableFuture;
import mnemo.agent.AgentInput;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentOutput;
import mnemo.agent.AgentSpec;
import mnemo.agent.Autograd;
import mnemo.agent.network.AgentNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentNetworkTest {

  static final int A = 4;

  static AgentSpec vectorSpec(String core) {
    return new AgentSpec(new int[] {6}, false, A, core, 16, 7);
  }

  static AgentInput input(NDManager m, int t, int b, long[] obsShape, long seed, float[] resets) {
    Shape os = new Shape(t, b).addAll(new Shape(obsShape));
    NDArray obs = m.randomUniform(0, 255, os, DataType.FLOAT32);
    long[] actions = new long[t * b];
    float[] rewards = new float[t * b];
    java.util.Random r = new java.util.Random(seed);
    for (int i = 0; i < actions.length; i++) {
      actions[i] = r.nextInt(A + 1) - 1;
      rewards[i] = r.nextFloat() - 0.5f;
    }
    return new AgentInput(obs, m.create(actions, new Shape(t, b)), m.create(rewards, new Shape(t, b)),
        m.create(resets == null ? new float[t * b] : resets, new Shape(t, b)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ur-lstm:hidden=8", "lstm:hidden=8", "gru:hidden=8", "om-lstm:hidden=8", "ur-gru:hidden=8"})
  void vectorNetworkShapes(String core) {
    try (AgentModel net = AgentNetworks.create(vectorSpec(core), Device.cpu()); NDManager m = NDManager.newBaseManager()) {
      AgentOutput out = net.unroll(input(m, 5, 3, new long[] {6}, 1, null), net.initialState(m, 3), false);
      assertThat(out.policyLogits().getShape()).isEqualTo(new Shape(5, 3, A));
      assertThat(out.values().getShape()).isEqualTo(new Shape(5, 3));
      assertThat(out.finalState().get(0).getShape()).isEqualTo(new Shape(3, 8));
      assertThat(out.policyLogits().getManager()).isSameAs(m);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"5,5,3", "7,7,3", "64,64,3"})
  void imageNetworkShapes(String dims) {
    int[] d = java.util.Arrays.stream(dims.split(",")).mapToInt(Integer::parseInt).toArray();
    AgentSpec spec = new AgentSpec(d, true, A, "ur-lstm:hidden=8", 16, 3);
    try (AgentModel net = AgentNetworks.create(spec, Device.cpu()); NDManager m = NDManager.newBaseManager()) {
      AgentInput in = input(m, 2, 2, new long[] {d[0], d[1], d[2]}, 2, null);
      AgentOutput out = net.unroll(in, net.initialState(m, 2), false);
      assertThat(out.policyLogits().getShape()).isEqualTo(new Shape(2, 2, A));
      // uint8 observations give the same result as their float values
      AgentInput bytes = new AgentInput(in.observations().toType(DataType.UINT8, false), in.prevActions(),
          in.rewards(), in.resets());
      AgentOutput out2 = net.unroll(bytes, net.initialState(m, 2), false);
      float[] a = out.policyLogits().toFloatArray();
      float[] b = out2.policyLogits().toFloatArray();
      // randomUniform floats truncate to bytes, so only compare approximately
      for (int i = 0; i < a.length; i++) {
        assertThat(b[i]).isCloseTo(a[i], within(0.05f));
      }
    }
  }

  @Test
  void resetRestartsFromTheInitialStateInsideTheUnroll() {
    try (AgentModel net = AgentNetworks.create(vectorSpec("ur-lstm:hidden=8"), Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      int t = 6;
      float[] resets = new float[t * 2];
      resets[3 * 2 + 1] = 1; // entry 1 restarts at step 3
      AgentInput in = input(m, t, 2, new long[] {6}, 5, resets);
      NDList start = new NDList(m.randomNormal(new Shape(2, 8)), m.randomNormal(new Shape(2, 8)));
      AgentOutput full = net.unroll(in, start, false);
      // Steps 3..5 of entry 1 alone, from the zero state.
      NDArray idx = m.create(new long[] {1});
      AgentInput tail = new AgentInput(in.observations().get("3:, 1:2"), in.prevActions().get("3:, 1:2"),
          in.rewards().get("3:, 1:2"), m.zeros(new Shape(3, 1)));
      AgentOutput part = net.unroll(tail, net.initialState(m, 1), false);
      assertThat(full.values().get("3:, 1:2").toFloatArray()).usingComparatorWithPrecision(1e-6f)
          .containsExactly(part.values().toFloatArray());
      // and entry 0 was not reset: its value at step 3 differs from a fresh start
      AgentInput tail0 = new AgentInput(in.observations().get("3:, 0:1"), in.prevActions().get("3:, 0:1"),
          in.rewards().get("3:, 0:1"), m.zeros(new Shape(3, 1)));
      AgentOutput part0 = net.unroll(tail0, net.initialState(m, 1), false);
      assertThat(Math.abs(full.values().getFloat(3, 0) - part0.values().getFloat(0, 0))).isGreaterThan(1e-6f);
      idx.close();
    }
  }

  @Test
  void prevActionMinusOneIsAllZeros() {
    // a = −1 must act like no action: compare against the same input with the action column zeroed by hand
    try (AgentModel net = AgentNetworks.create(vectorSpec("gru:hidden=8"), Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      AgentInput in = input(m, 1, 1, new long[] {6}, 9, null);
      AgentInput none = new AgentInput(in.observations(), m.create(new long[] {-1}, new Shape(1, 1)), in.rewards(), in.resets());
      AgentOutput o1 = net.unroll(none, net.initialState(m, 1), false);
      // With all columns of the core's action weights zeroed, any action gives the −1 result.
      AgentNetwork n = (AgentNetwork) net;
      NDArray wih = n.core().parameters().get(0);
      try (ai.djl.ndarray.NDScope s = new ai.djl.ndarray.NDScope()) {
        ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        wih.set(new ai.djl.ndarray.index.NDIndex(":, 16:20"), 0f);
      }
      for (long a = 0; a < A; a++) {
        AgentInput act = new AgentInput(in.observations(), m.create(new long[] {a}, new Shape(1, 1)), in.rewards(), in.resets());
        assertThat(net.unroll(act, net.initialState(m, 1), false).values().getFloat(0, 0))
            .isCloseTo(o1.values().getFloat(0, 0), within(1e-6f));
      }
    }
  }

  @Test
  void trainingRecordsGradientsForEveryParameterAndInferenceDoesNot() throws Exception {
    try (AgentModel net = AgentNetworks.create(vectorSpec("ur-lstm:hidden=8"), Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      AgentInput in = input(m, 4, 2, new long[] {6}, 3, new float[] {0, 0, 1, 0, 0, 0, 0, 1});
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        AgentOutput out = net.unroll(in, net.initialState(m, 2), true);
        Autograd.backward(gc, out.values().sum().add(out.policyLogits().square().sum()));
      }
      for (int i = 0; i < net.parameters().size(); i++) {
        try (NDArray g = net.parameters().get(i).getGradient()) {
          assertThat(g.abs().sum().getFloat()).as(net.parameterNames().get(i)).isGreaterThan(0f);
          ai.djl.pytorch.jni.JniUtils.zeroGrad((ai.djl.pytorch.engine.PtNDArray) net.parameters().get(i));
        }
      }
      // Inference on another thread (grad mode is per thread): no graph is built.
      Boolean requires = CompletableFuture.supplyAsync(() -> {
        ai.djl.pytorch.jni.JniUtils.setGradMode(true); // as a fresh thread may have it
        try (NDManager m2 = NDManager.newBaseManager()) {
          AgentOutput out = net.unroll(input(m2, 2, 2, new long[] {6}, 4, null), net.initialState(m2, 2), false);
          boolean r = out.values().hasGradient()
              || ai.djl.pytorch.jni.JniUtils.requiresGrad((ai.djl.pytorch.engine.PtNDArray) out.values());
          assertThat(ai.djl.pytorch.jni.JniUtils.isGradMode()).as("grad mode restored").isTrue();
          return r;
        }
      }).get();
      assertThat(requires).isFalse();
    }
  }

  @Test
  void weightsRoundTripThroughNpzIntoALiveNetworkInPlace() {
    AgentSpec spec = vectorSpec("ur-lstm:hidden=8");
    AgentSpec other = new AgentSpec(new int[] {6}, false, A, "ur-lstm:hidden=8", 16, 99);
    try (AgentModel a = AgentNetworks.create(spec, Device.cpu()); AgentModel b = AgentNetworks.create(other, Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      AgentInput in = input(m, 3, 2, new long[] {6}, 11, null);
      float[] va = a.unroll(in, a.initialState(m, 2), false).values().toFloatArray();
      float[] vb = b.unroll(in, b.initialState(m, 2), false).values().toFloatArray();
      assertThat(vb).isNotEqualTo(va);
      NDArray firstParam = b.parameters().get(0);
      NDArray view = firstParam.reshape(-1); // shares storage: sees the refresh only if it is in place
      b.loadWeightsFromNpz(a.weightsToNpz());
      assertThat(b.parameters().get(0)).isSameAs(firstParam);
      assertThat(view.toFloatArray()).containsExactly(a.parameters().get(0).toFloatArray());
      assertThat(b.unroll(in, b.initialState(m, 2), false).values().toFloatArray()).containsExactly(va);
    }
  }

  @Test
  void refreshingWeightsManyTimesKeepsNativeMemoryFlat() throws Exception {
    AgentSpec spec = new AgentSpec(new int[] {64}, false, A, "ur-lstm:hidden=256", 256, 1);
    try (AgentModel src = AgentNetworks.create(spec, Device.cpu()); AgentModel dst = AgentNetworks.create(spec, Device.cpu())) {
      byte[] npz = src.weightsToNpz();
      assertThat(npz.length).isGreaterThan(1_000_000);
      int arrays = ((ai.djl.ndarray.BaseNDManager) dst.manager()).getManagedArrays().size();
      org.junit.jupiter.api.Assumptions.assumeTrue(NativeHeap.available(), "needs glibc's mallinfo2 (Linux, glibc >= 2.33)");
      // native memory malloc has handed out (NativeHeap), kB, after a warm-up and after each window
      int windows = 4;
      int perWindow = 100;
      long[] nativeKb = new long[windows + 1];
      for (int w = 0; w <= windows; w++) {
        for (int i = 0; i < perWindow; i++) {
          dst.loadWeightsFromNpz(npz);
        }
        nativeKb[w] = NativeHeap.inUseKb();
      }
      assertThat(((ai.djl.ndarray.BaseNDManager) dst.manager()).getManagedArrays()).hasSize(arrays);
      // Keeping each refresh's native copy adds perWindow·npz.length (~240 MB) in every window: a planted
      // leak (a detached duplicate of each staged array) read 321, 564, 813, 1054, 1285 MB here. Counted in
      // bytes still allocated, not in RSS (which moved by 100-660 MB over 400 refreshes with the freed pages
      // the allocator kept and the heap's, and failed this test 3 times in 7 full runs of the module), the
      // refreshes without the leak moved by 2-12 MB over the four windows; the bound is a quarter of one
      // window's leak for all four.
      long leakKb = (long) perWindow * npz.length / 1024;
      long growth = nativeKb[windows] - nativeKb[0];
      assertThat(growth).as("malloc'd kB after warm-up and each window of %d refreshes: %s", perWindow,
          java.util.Arrays.toString(nativeKb)).isLessThan(leakKb / 4);
    }
  }

  @Test
  void wrongWeightsAndInputsAreRejectedClearly() {
    try (AgentModel net = AgentNetworks.create(vectorSpec("ur-lstm:hidden=8"), Device.cpu());
        AgentModel big = AgentNetworks.create(vectorSpec("ur-lstm:hidden=16"), Device.cpu());
        NDManager m = NDManager.newBaseManager()) {
      assertThatThrownBy(() -> net.loadWeightsFromNpz(big.weightsToNpz()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("core.weight_hh").hasMessageContaining("shape");
      assertThatThrownBy(() -> net.loadWeightsFromNpz(new byte[] {1, 2, 3}))
          .isInstanceOf(IllegalArgumentException.class);
      AgentInput bad = input(m, 2, 2, new long[] {5}, 1, null);
      assertThatThrownBy(() -> net.unroll(bad, net.initialState(m, 2), false))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("observations must be [T, B, 6]");
      AgentInput ok = input(m, 2, 2, new long[] {6}, 1, null);
      assertThatThrownBy(() -> net.unroll(ok, net.initialState(m, 3), false))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("state");
      assertThatThrownBy(() -> AgentNetworks.create(vectorSpec("xx-lstm"), Device.cpu()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown core");
      assertThatThrownBy(() -> AgentNetworks.create(new AgentSpec(new int[] {2, 3}, false, A, "gru", 8, 1), Device.cpu()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a vector observation is [D]");

    }
  }
}
