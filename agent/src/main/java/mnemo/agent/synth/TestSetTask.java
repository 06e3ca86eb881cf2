package mnemo.agent.synth;

import ai.djl.ndarray.NDManager;

/**
 * A synthetic task that also has a fixed test set, scored once training is done (the sequential image
 * tasks: training batches come from the training images, the test score from the held-out ones).
 */
public interface TestSetTask extends SynthTask {

  /** The number of test examples. */
  int testSize();

  /** Test examples {@code from} (inclusive) to {@code to} (exclusive), laid out as {@link #sample} lays out a batch. */
  Batch testBatch(NDManager manager, int from, int to);
}
