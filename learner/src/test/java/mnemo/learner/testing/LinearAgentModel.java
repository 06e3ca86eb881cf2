package mnemo.learner.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import mnemo.agent.AgentInput;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentOutput;
import mnemo.agent.AgentSpec;

/**
 * A test stand-in for the agent network: logits = x·W_π, V = x·w_V, no recurrence (the state [B, 2]
 * passes through unchanged). Enough to test the learner's plumbing without the cores module.
 */
public final class LinearAgentModel implements AgentModel {
  private final AgentSpec spec;
  private final NDManager manager;
  private final NDArray wPolicy;
  private final NDArray wValue;

  public LinearAgentModel(AgentSpec spec, NDManager parent) {
    this.spec = spec;
    this.manager = parent.newSubManager();
    int d = spec.observationShape()[0];
    ai.djl.engine.Engine.getInstance().setRandomSeed((int) spec.seed());
    wPolicy = manager.randomNormal(0, 0.1f, new Shape(d, spec.numActions()), ai.djl.ndarray.types.DataType.FLOAT32);
    wValue = manager.randomNormal(0, 0.1f, new Shape(d, 1), ai.djl.ndarray.types.DataType.FLOAT32);
    wPolicy.setName("policy/w");
    wValue.setName("value/w");
    wPolicy.setRequiresGradient(true);
    wValue.setRequiresGradient(true);
  }

  @Override
  public AgentSpec spec() {
    return spec;
  }

  @Override
  public NDList initialState(NDManager m, int batchSize) {
    return new NDList(m.zeros(new Shape(batchSize, 2)));
  }

  @Override
  public AgentOutput unroll(AgentInput input, NDList state, boolean training) {
    NDArray x = input.observations();
    NDArray logits = x.matMul(wPolicy);
    NDArray values = x.matMul(wValue).squeeze(-1);
    return new AgentOutput(logits, values, state);
  }

  @Override
  public List<NDArray> parameters() {
    return List.of(wPolicy, wValue);
  }

  @Override
  public List<String> parameterNames() {
    return List.of("policy/w", "value/w");
  }

  @Override
  public byte[] weightsToNpz() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new NDList(wPolicy, wValue).encode(out, NDList.Encoding.NPZ);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  @Override
  public void loadWeightsFromNpz(byte[] npz) {
    try (NDManager tmp = manager.newSubManager()) {
      NDList list = NDList.decode(tmp, new ByteArrayInputStream(npz));
      for (NDArray a : list) {
        NDArray target = "policy/w".equals(a.getName()) ? wPolicy : "value/w".equals(a.getName()) ? wValue : null;
        if (target == null || !target.getShape().equals(a.getShape())) {
          throw new IllegalArgumentException("unexpected weight " + a.getName() + " " + a.getShape());
        }
        target.set(a.toByteBuffer());
      }
    }
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
