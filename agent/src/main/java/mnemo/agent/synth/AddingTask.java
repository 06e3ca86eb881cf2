package mnemo.agent.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * The adding task (Hochreiter and Schmidhuber): T steps of (value, marker) pairs, values uniform on
 * [0, 1]; exactly two markers, one in each half; after the last step the model outputs the sum of
 * the two marked values. Loss: mean squared error of the last step's first output. The memoryless
 * baseline always answers 1: MSE = Var(U + U') = 1/6. Score: 1 − MSE / (1/6).
 */
public final class AddingTask implements SynthTask {

  private final int length;

  /** @param length T */
  public AddingTask(int length) {
    if (length < 2) {
      throw new IllegalArgumentException("adding length T must be at least 2, got " + length);
    }
    this.length = length;
  }

  @Override
  public String name() {
    return "adding-" + length;
  }

  @Override
  public int steps() {
    return length;
  }

  @Override
  public int inputSize() {
    return 2;
  }

  @Override
  public int outputSize() {
    return 1;
  }

  @Override
  public Batch sample(NDManager manager, int batchSize, SplittableRandom rng) {
    float[] x = new float[length * batchSize * 2];
    float[] y = new float[batchSize];
    int half = length / 2;
    for (int b = 0; b < batchSize; b++) {
      int m1 = rng.nextInt(half);
      int m2 = half + rng.nextInt(length - half);
      for (int t = 0; t < length; t++) {
        float v = (float) rng.nextDouble();
        x[(t * batchSize + b) * 2] = v;
        if (t == m1 || t == m2) {
          x[(t * batchSize + b) * 2 + 1] = 1f;
          y[b] += v;
        }
      }
    }
    return new Batch(manager.create(x, new Shape(length, batchSize, 2)), manager.create(y, new Shape(batchSize)));
  }

  @Override
  public Evaluation evaluate(NDArray predictions, Batch batch) {
    NDArray last = predictions.get((length - 1) + ", :, 0");
    NDArray loss = last.sub(batch.targets()).square().mean();
    double mse = loss.getFloat();
    return new Evaluation(loss, 1 - mse / baselineLoss());
  }

  @Override
  public double baselineLoss() {
    return 1.0 / 6.0;
  }

  @Override
  public String scoreName() {
    return "1 - MSE/baseline";
  }

  @Override
  public double solvedScore() {
    return 0.95;
  }
}
