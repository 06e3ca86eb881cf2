package mnemo.agent.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Sequential image classification (pixel-by-pixel MNIST of Le et al. 2015, as in Gu et al. 2020): the
 * core reads an image one pixel per step, T = rows × cols (784 for 28 × 28), each pixel a single input
 * scaled to [0, 1]; a linear readout of the state after the last pixel predicts one of 10 classes.
 * The permuted variant (pMNIST) reads the pixels in one fixed random order, the same for every image
 * and every run ({@link #PERMUTATION_SEED}), which spreads neighbouring pixels far apart in time.
 *
 * <p>Training batches are drawn uniformly from the training images; the score is the accuracy of the
 * batch. Loss: cross-entropy of the last step's prediction. The memoryless baseline predicts the
 * class frequencies: ln 10 for balanced classes. Test examples come from {@link #testBatch}.
 */
public final class SeqImageTask implements TestSetTask {

  public static final int CLASSES = 10;
  /** Seeds the fixed pixel order of the permuted task. */
  public static final long PERMUTATION_SEED = 92_916L;

  private final String dataset;
  private final ImageSet train;
  private final ImageSet test;
  private final int[] order;
  private final boolean permuted;

  /**
   * @param dataset the dataset's name, for {@link #name}
   * @param permute read the pixels in the fixed permuted order instead of row by row
   */
  public SeqImageTask(String dataset, ImageSet train, ImageSet test, boolean permute) {
    if (train.size() != test.size()) {
      throw new IllegalArgumentException("training and test images differ in size: " + train.size() + " vs " + test.size());
    }
    this.dataset = dataset;
    this.train = train;
    this.test = test;
    this.permuted = permute;
    this.order = permute ? permutation(train.size(), PERMUTATION_SEED) : identity(train.size());
  }

  /** A uniformly random permutation of {@code 0..n-1} (Fisher–Yates) fixed by {@code seed}. */
  static int[] permutation(int n, long seed) {
    int[] p = identity(n);
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  private static int[] identity(int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    return p;
  }

  /** The pixel read at step t is pixel {@code order()[t]} of the image (row-major). */
  public int[] order() {
    return order.clone();
  }

  public boolean permuted() {
    return permuted;
  }

  @Override
  public String name() {
    return (permuted ? "p" : "s") + "-" + dataset;
  }

  @Override
  public int steps() {
    return train.size();
  }

  @Override
  public int inputSize() {
    return 1;
  }

  @Override
  public int outputSize() {
    return CLASSES;
  }

  @Override
  public Batch sample(NDManager manager, int batchSize, SplittableRandom rng) {
    int[] images = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      images[b] = rng.nextInt(train.count());
    }
    return batch(manager, train, images);
  }

  @Override
  public int testSize() {
    return test.count();
  }

  @Override
  public Batch testBatch(NDManager manager, int from, int to) {
    if (from < 0 || to > test.count() || from >= to) {
      throw new IllegalArgumentException("test examples [" + from + ", " + to + ") outside [0, " + test.count() + ")");
    }
    int[] images = new int[to - from];
    for (int b = 0; b < images.length; b++) {
      images[b] = from + b;
    }
    return batch(manager, test, images);
  }

  /** Inputs {@code [T, B, 1]}: pixel {@code order[t]} of image b over 255; targets {@code [B]} int64 labels. */
  private Batch batch(NDManager manager, ImageSet set, int[] images) {
    int t = steps();
    int n = images.length;
    float[] x = new float[t * n];
    long[] y = new long[n];
    for (int b = 0; b < n; b++) {
      int i = images[b];
      for (int s = 0; s < t; s++) {
        x[s * n + b] = set.pixel(i, order[s]) / 255f;
      }
      y[b] = set.label(i);
    }
    return new Batch(manager.create(x, new Shape(t, n, 1)), manager.create(y, new Shape(n)));
  }

  /** Cross-entropy and accuracy of the last step's prediction ({@code predictions [T, B, 10]}). */
  @Override
  public Evaluation evaluate(NDArray predictions, Batch batch) {
    NDArray last = predictions.get(steps() - 1); // [B, 10]
    NDArray labels = batch.targets();
    NDArray logp = last.logSoftmax(-1);
    NDArray picked = logp.gather(labels.expandDims(-1), -1); // [B, 1]
    NDArray loss = picked.mean().neg();
    long[] guess = last.argMax(-1).toLongArray();
    long[] truth = labels.toLongArray();
    int right = 0;
    for (int b = 0; b < truth.length; b++) {
      right += guess[b] == truth[b] ? 1 : 0;
    }
    return new Evaluation(loss, right / (double) truth.length);
  }

  @Override
  public double baselineLoss() {
    return Math.log(CLASSES);
  }

  @Override
  public String scoreName() {
    return "accuracy";
  }

  @Override
  public double solvedScore() {
    return 0.9;
  }
}
