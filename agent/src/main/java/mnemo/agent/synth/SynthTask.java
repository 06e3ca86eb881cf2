package mnemo.agent.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.SplittableRandom;

/**
 * A synthetic long-memory task: batches of sequences, and the loss and score of predictions.
 * Notation: T the sequence length, B the batch size, O the output size.
 */
public interface SynthTask {

  /** e.g. {@code copy-100}. */
  String name();

  /** T, the number of steps the core is unrolled. */
  int steps();

  int inputSize();

  int outputSize();

  /** A fresh batch drawn from {@code rng}: inputs {@code [T, B, inputSize]} float32 and the targets. */
  Batch sample(NDManager manager, int batchSize, SplittableRandom rng);

  /**
   * The differentiable loss and a score.
   *
   * @param predictions {@code [T, B, O]} the readout at every step
   */
  Evaluation evaluate(NDArray predictions, Batch batch);

  /** The loss of the best memoryless strategy: a model that beats it remembers something. */
  double baselineLoss();

  /** What {@link Evaluation#score()} measures, for logs and tables. */
  String scoreName();

  /** The score at or above which (averaged over a window) the task counts as solved. */
  double solvedScore();

  /** A batch: inputs {@code [T, B, I]} and task-specific targets. */
  record Batch(NDArray inputs, NDArray targets) {}

  /** A scalar differentiable loss and a plain score (higher is better). */
  record Evaluation(NDArray loss, double score) {}
}
