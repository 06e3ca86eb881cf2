package mnemo.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Optional;

/**
 * The agent network: torso (MLP for vectors, conv net for images; previous action one-hot and reward
 * appended) → recurrent core → policy logits and value. The learner trains it; actors run it without
 * autograd. Its parameters live in {@link #manager()}; results of {@link #unroll} belong to the
 * manager of the input arrays, so callers own their intermediates.
 */
public interface AgentModel extends AutoCloseable {

  AgentSpec spec();

  /** The core's initial state for {@code batchSize} environments, created in {@code manager}. */
  NDList initialState(NDManager manager, int batchSize);

  /**
   * Runs the network over T steps from {@code state} (the core state before step 0), resetting the
   * core state to the initial state before every step whose {@code resets} entry is 1. With {@code
   * training} true the computation is recorded for backpropagation by the caller's GradientCollector.
   */
  AgentOutput unroll(AgentInput input, NDList state, boolean training);

  /**
   * The single step as Java loops on weights copied to float arrays ({@link AgentStep}), when the core's impl
   * resolves to Java for inference on the CPU; empty otherwise (then {@link #unroll} is the way). Each call
   * returns a new step holding its own copy of the weights.
   */
  default Optional<AgentStep> javaStep() {
    return Optional.empty();
  }

  /** The trainable parameters, in a fixed order (the order of {@link #parameterNames()}). */
  List<NDArray> parameters();

  List<String> parameterNames();

  /** All weights as a numpy .npz archive (names from {@link #parameterNames()}). */
  byte[] weightsToNpz();

  /** Copies weights from an .npz archive into the live arrays (no reallocation); checks names and shapes. */
  void loadWeightsFromNpz(byte[] npz);

  /** The manager that owns the parameters. */
  NDManager manager();

  @Override
  void close();
}
