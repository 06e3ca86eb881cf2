package mnemo.actor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.AgentInput;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentOutput;
import mnemo.agent.AgentSpec;
import mnemo.agent.AgentStep;
import mnemo.agent.Autograd;
import mnemo.envs.EnvSpec;
import mnemo.envs.TimeStep;
import mnemo.proto.config.v1.ExperimentConfig;

/**
 * A {@link Policy} running an {@link AgentModel} one step at a time without autograd. When the model has a
 * Java step ({@link AgentModel#javaStep()}: the core's impl resolves to Java on the CPU) that takes the batch,
 * steps run there, on weights it copies at each {@link #loadWeights}; otherwise every step's arrays live in a
 * sub-manager closed at the end of the step. The core state is carried on the heap ({@link CoreState}),
 * so native memory stays flat however long the actor runs.
 */
public final class AgentPolicy implements Policy {
  private final AgentModel model;
  private final int[] obsShape;
  private final int obsSize;
  /** The Java step, or null: then {@link AgentModel#unroll} at T = 1. */
  private final AgentStep javaStep;
  private Thread gradOffThread;

  public AgentPolicy(AgentModel model) {
    this.model = model;
    this.javaStep = model.javaStep().orElse(null);
    this.obsShape = model.spec().observationShape();
    int n = 1;
    for (int d : obsShape) {
      n *= d;
    }
    this.obsSize = n;
  }

  /** The agent spec for a task and an experiment: observation shape and actions from the task. */
  public static AgentSpec specFor(EnvSpec env, ExperimentConfig config) {
    return AgentSpec.forExperiment(env.observation().shape(), env.observation().dtype() == mnemo.envs.DType.UINT8,
        env.numActions(), config);
  }

  public AgentModel model() {
    return model;
  }

  @Override
  public int numActions() {
    return model.spec().numActions();
  }

  @Override
  public CoreState initialState(int n) {
    if (javaStep != null) {
      List<float[]> arrays = new ArrayList<>();
      List<int[]> shapes = new ArrayList<>();
      for (int k = 0; k < javaStep.numStates(); k++) {
        arrays.add(new float[n * javaStep.hidden()]);
        shapes.add(new int[] {n, javaStep.hidden()});
      }
      return new CoreState(arrays, shapes);
    }
    gradOff();
    try (NDManager m = model.manager().newSubManager()) {
      return toHeap(model.initialState(m, n));
    }
  }

  @Override
  public PolicyStep step(TimeStep[] steps, int[] prevActions, CoreState state) {
    int n = steps.length;
    float[] obs = new float[n * obsSize];
    long[] prev = new long[n];
    float[] rewards = new float[n];
    float[] resets = new float[n];
    for (int i = 0; i < n; i++) {
      steps[i].observation().copyTo(obs, i * obsSize);
      prev[i] = prevActions[i];
      rewards[i] = steps[i].reward();
      resets[i] = steps[i].isFirst() ? 1f : 0f;
    }
    if (javaStep != null && javaStep.takes(n)) {
      AgentStep.Result r = javaStep.step(obs, prevActions, rewards, resets, state.arrays().toArray(new float[0][]), n);
      return new PolicyStep(r.logits(), new CoreState(List.of(r.state()), state.shapes()));
    }
    gradOff();
    long[] obsDims = new long[2 + obsShape.length];
    obsDims[0] = 1;
    obsDims[1] = n;
    for (int k = 0; k < obsShape.length; k++) {
      obsDims[2 + k] = obsShape[k];
    }
    try (NDManager m = model.manager().newSubManager()) {
      AgentInput in = new AgentInput(
          m.create(obs, new Shape(obsDims)),
          m.create(prev, new Shape(1, n)),
          m.create(rewards, new Shape(1, n)),
          m.create(resets, new Shape(1, n)));
      NDList s = new NDList();
      for (int k = 0; k < state.arrays().size(); k++) {
        s.add(m.create(state.arrays().get(k), shape(state.shapes().get(k))));
      }
      AgentOutput out = model.unroll(in, s, false);
      return new PolicyStep(out.policyLogits().toFloatArray(), toHeap(out.finalState()));
    }
  }

  @Override
  public void loadWeights(byte[] npz) {
    model.loadWeightsFromNpz(npz);
    if (javaStep != null) {
      javaStep.refresh();
    }
  }

  @Override
  public void close() {
    model.close();
  }

  /** Grad mode is per thread in libtorch: switch it off on each thread that runs inference. */
  private void gradOff() {
    if (gradOffThread != Thread.currentThread()) {
      Autograd.disableOnThisThread();
      gradOffThread = Thread.currentThread();
    }
  }

  private static Shape shape(int[] dims) {
    long[] l = new long[dims.length];
    for (int i = 0; i < dims.length; i++) {
      l[i] = dims[i];
    }
    return new Shape(l);
  }

  private static CoreState toHeap(NDList list) {
    List<float[]> arrays = new ArrayList<>(list.size());
    List<int[]> shapes = new ArrayList<>(list.size());
    for (NDArray a : list) {
      arrays.add(a.toFloatArray());
      long[] d = a.getShape().getShape();
      int[] s = new int[d.length];
      for (int i = 0; i < d.length; i++) {
        s[i] = (int) d[i];
      }
      shapes.add(s);
    }
    return new CoreState(arrays, shapes);
  }
}
