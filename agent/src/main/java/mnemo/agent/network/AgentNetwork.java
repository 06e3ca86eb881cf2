package mnemo.agent.network;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import mnemo.agent.AgentInput;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentOutput;
import mnemo.agent.AgentSpec;
import mnemo.agent.AgentStep;
import mnemo.agent.Autograd;
import mnemo.agent.ShapeCheck;
import mnemo.agent.core.CoreOutput;
import mnemo.agent.core.CoreSpec;
import mnemo.agent.core.JavaCoreStep;
import mnemo.agent.core.RecurrentCore;
import mnemo.agent.core.RecurrentCores;
import mnemo.agent.weights.NpzWeights;

/**
 * The agent network, written as plain NDArray operations on parameters it owns:
 *
 * <pre>
 * vector obs [D]:    e = relu(W2 relu(W1 x + b1) + b2)                       (torso.fc1, torso.fc2)
 * image [H, W, C]:   x/s → conv → relu → conv → relu → flatten → relu(fc)   (torso.conv1, conv2, fc)
 *                    kernels 8/4 strides 4/2 when min(H, W) ≥ 32, else 3/3 stride 1 padding 1
 * core input:        [e, one_hot(a_{t−1}) (zeros for −1), r_{t−1}]   size torsoHidden + A + 1
 * core:              any {@link CoreSpec}, reset before steps whose reset flag is 1
 * heads:             logits = W_π h + b_π  [A];  V = w_v·h + b_v             (policy, value)
 * </pre>
 *
 * Parameters are created once in {@link #manager()} with gradients attached; {@link
 * #loadWeightsFromNpz} copies into them in place. Actors whose core runs in Java take {@link #javaStep()}
 * instead of {@link #unroll} for their single steps: the same equations as Java loops ({@link JavaAgentStep}).
 */
public final class AgentNetwork implements AgentModel {

  private final AgentSpec spec;
  private final NDManager manager;
  private final RecurrentCore core;
  private final List<String> names = new ArrayList<>();
  private final List<NDArray> params = new ArrayList<>();
  private final int[] obs;
  private final int numActions;
  private final int torsoHidden;
  /** Conv geometry for image torsos: kernel, stride, padding per layer. */
  final int[] kernel;
  final int[] stride;
  final int[] padding;
  // the parameters by role (also read by JavaAgentStep)
  final NDArray conv1W;
  final NDArray conv1B;
  final NDArray conv2W;
  final NDArray conv2B;
  final NDArray fc1W;
  final NDArray fc1B;
  final NDArray fc2W;
  final NDArray fc2B;
  final NDArray policyW;
  final NDArray policyB;
  final NDArray valueW;
  final NDArray valueB;

  static final int CONV1_CHANNELS = 16;
  static final int CONV2_CHANNELS = 32;

  AgentNetwork(AgentSpec spec, Device device) {
    this.spec = spec;
    this.obs = spec.observationShape();
    this.numActions = spec.numActions();
    this.torsoHidden = spec.torsoHidden();
    CoreSpec coreSpec = CoreSpec.parse(spec.coreSpec());
    for (int d : obs) {
      if (d <= 0) {
        throw new IllegalArgumentException("observation shape must be positive, got " + Arrays.toString(obs));
      }
    }
    if (!spec.image() && obs.length != 1) {
      throw new IllegalArgumentException("a vector observation is [D], got " + Arrays.toString(obs)
          + " (set image=true for [H, W, C])");
    }
    this.manager = NDManager.newBaseManager(device);
    SplittableRandom rng = new SplittableRandom(spec.seed());
    if (spec.image()) {
      int h = obs[0];
      int w = obs[1];
      int c = obs[2];
      boolean large = Math.min(h, w) >= 32;
      kernel = large ? new int[] {8, 4} : new int[] {3, 3};
      stride = large ? new int[] {4, 2} : new int[] {1, 1};
      padding = large ? new int[] {0, 0} : new int[] {1, 1};
      int oh = out(out(h, 0), 1);
      int ow = out(out(w, 0), 1);
      if (oh <= 0 || ow <= 0) {
        manager.close();
        throw new IllegalArgumentException("image " + Arrays.toString(obs) + " is too small for the conv torso"
            + " (kernels 8 and 4, strides 4 and 2 when min(H, W) >= 32)");
      }
      conv1W = param("torso.conv1.weight", rng, c * kernel[0] * kernel[0], CONV1_CHANNELS, c, kernel[0], kernel[0]);
      conv1B = param("torso.conv1.bias", rng, c * kernel[0] * kernel[0], CONV1_CHANNELS);
      conv2W = param("torso.conv2.weight", rng, CONV1_CHANNELS * kernel[1] * kernel[1],
          CONV2_CHANNELS, CONV1_CHANNELS, kernel[1], kernel[1]);
      conv2B = param("torso.conv2.bias", rng, CONV1_CHANNELS * kernel[1] * kernel[1], CONV2_CHANNELS);
      int flat = CONV2_CHANNELS * oh * ow;
      fc1W = param("torso.fc.weight", rng, flat, torsoHidden, flat);
      fc1B = param("torso.fc.bias", rng, flat, torsoHidden);
      fc2W = null;
      fc2B = null;
    } else {
      kernel = stride = padding = null;
      conv1W = conv1B = conv2W = conv2B = null;
      int d = obs[0];
      fc1W = param("torso.fc1.weight", rng, d, torsoHidden, d);
      fc1B = param("torso.fc1.bias", rng, d, torsoHidden);
      fc2W = param("torso.fc2.weight", rng, torsoHidden, torsoHidden, torsoHidden);
      fc2B = param("torso.fc2.bias", rng, torsoHidden, torsoHidden);
    }
    int coreIn = torsoHidden + numActions + 1;
    core = RecurrentCores.create(coreSpec, coreIn, manager, rng.nextLong());
    for (int i = 0; i < core.parameters().size(); i++) {
      names.add("core." + core.parameterNames().get(i));
      params.add(core.parameters().get(i));
    }
    int hid = coreSpec.hidden();
    // A small policy layer starts the policy near uniform.
    policyW = param("policy.weight", rng, hid * 100.0, numActions, hid);
    policyB = zeros("policy.bias", numActions);
    valueW = param("value.weight", rng, hid, 1, hid);
    valueB = zeros("value.bias", 1);
  }

  /** A conv layer's output size along a side of n. */
  int out(int n, int layer) {
    return (n + 2 * padding[layer] - kernel[layer]) / stride[layer] + 1;
  }

  /** A parameter drawn from Uniform(−1/√fanIn, 1/√fanIn) (PyTorch's default for linear and conv layers). */
  private NDArray param(String name, SplittableRandom rng, double fanIn, long... shape) {
    Shape s = new Shape(shape);
    float[] v = new float[(int) s.size()];
    double k = 1.0 / Math.sqrt(fanIn);
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (-k + 2 * k * rng.nextDouble());
    }
    return register(name, manager.create(v, s));
  }

  private NDArray zeros(String name, long... shape) {
    return register(name, manager.zeros(new Shape(shape), DataType.FLOAT32));
  }

  private NDArray register(String name, NDArray a) {
    a.setRequiresGradient(true);
    names.add(name);
    params.add(a);
    return a;
  }

  @Override
  public AgentSpec spec() {
    return spec;
  }

  /** The recurrent core (its parameters are among {@link #parameters()}, prefixed {@code core.}). */
  public RecurrentCore core() {
    return core;
  }

  @Override
  public NDList initialState(NDManager m, int batchSize) {
    return core.initialState(m, batchSize);
  }

  /** {@link JavaAgentStep} when the core has a Java step ({@link JavaCoreStep#of}). */
  @Override
  public Optional<AgentStep> javaStep() {
    return JavaCoreStep.of(core).map(c -> new JavaAgentStep(this, c));
  }

  @Override
  public AgentOutput unroll(AgentInput input, NDList state, boolean training) {
    if (training) {
      return forward(input, state);
    }
    // Grad mode is per thread: actor threads would otherwise record graphs they never use.
    try (Autograd.Paused noGraph = Autograd.pause()) {
      return forward(input, state);
    }
  }

  private AgentOutput forward(AgentInput in, NDList state) {
    NDArray o = in.observations();
    Shape os = o.getShape();
    if (os.dimension() != 2 + obs.length) {
      throw new IllegalArgumentException("observations must be [T, B, " + joined(obs) + "], got " + os);
    }
    for (int i = 0; i < obs.length; i++) {
      if (os.get(2 + i) != obs[i]) {
        throw new IllegalArgumentException("observations must be [T, B, " + joined(obs) + "], got " + os);
      }
    }
    long t = os.get(0);
    long b = os.get(1);
    Shape tb = new Shape(t, b);
    ShapeCheck.require("prevActions", "[T, B]", in.prevActions(), tb);
    ShapeCheck.require("rewards", "[T, B]", in.rewards(), tb);
    ShapeCheck.require("resets", "[T, B]", in.resets(), tb);
    NDManager out = o.getManager();
    AgentOutput result;
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray x = o.toType(DataType.FLOAT32, false);
      NDArray e;
      if (spec.image()) {
        // [T·B, H, W, C] → [T·B, C, H, W], scaled to [0, 1] by the spec's image scale s
        NDArray img = x.reshape(t * b, obs[0], obs[1], obs[2]).transpose(0, 3, 1, 2).div(spec.imageScale());
        NDArray c1 = Conv2d.conv2d(img, conv1W, conv1B, new Shape(stride[0], stride[0]),
            new Shape(padding[0], padding[0])).singletonOrThrow().getNDArrayInternal().relu();
        NDArray c2 = Conv2d.conv2d(c1, conv2W, conv2B, new Shape(stride[1], stride[1]),
            new Shape(padding[1], padding[1])).singletonOrThrow().getNDArrayInternal().relu();
        e = Linear.linear(c2.reshape(t * b, -1), fc1W, fc1B).singletonOrThrow().getNDArrayInternal().relu();
      } else {
        NDArray e1 = Linear.linear(x.reshape(t * b, obs[0]), fc1W, fc1B).singletonOrThrow().getNDArrayInternal().relu();
        e = Linear.linear(e1, fc2W, fc2B).singletonOrThrow().getNDArrayInternal().relu();
      }
      // one_hot(a_{t−1}): a −1 matches no column, giving zeros
      NDArray actions = in.prevActions().toType(DataType.INT64, false).reshape(t * b, 1);
      NDArray columns = actions.getManager().arange(0, numActions, 1, DataType.INT64).reshape(1, numActions);
      NDArray oneHot = actions.eq(columns).toType(DataType.FLOAT32, false);
      NDArray reward = in.rewards().toType(DataType.FLOAT32, false).reshape(t * b, 1);
      NDArray coreIn = NDArrays.concat(new NDList(e, oneHot, reward), 1).reshape(t, b, -1);
      CoreOutput co = core.unroll(coreIn, in.resets(), state);
      NDArray hs = co.outputs().reshape(t * b, -1);
      NDArray logits = Linear.linear(hs, policyW, policyB).singletonOrThrow().reshape(t, b, numActions);
      NDArray values = Linear.linear(hs, valueW, valueB).singletonOrThrow().reshape(t, b);
      NDList fin = co.finalState();
      for (NDArray a : List.of(logits, values)) {
        a.attach(out);
        NDScope.unregister(a);
      }
      for (NDArray a : fin) {
        a.attach(out);
        NDScope.unregister(a);
      }
      result = new AgentOutput(logits, values, fin);
    }
    for (NDArray a : List.of(result.policyLogits(), result.values())) {
      NDScope.register(a);
    }
    for (NDArray a : result.finalState()) {
      NDScope.register(a);
    }
    return result;
  }

  private static String joined(int[] s) {
    return Arrays.toString(s).replaceAll("[\\[\\]]", "");
  }

  @Override
  public List<NDArray> parameters() {
    return Collections.unmodifiableList(params);
  }

  @Override
  public List<String> parameterNames() {
    return Collections.unmodifiableList(names);
  }

  @Override
  public byte[] weightsToNpz() {
    return NpzWeights.encode(names, params);
  }

  @Override
  public void loadWeightsFromNpz(byte[] npz) {
    NpzWeights.copyInto(npz, names, params);
  }

  @Override
  public NDManager manager() {
    return manager;
  }

  @Override
  public void close() {
    manager.close();
  }
}
