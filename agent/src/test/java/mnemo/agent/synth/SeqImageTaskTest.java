package mnemo.agent.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Shapes, pixel order and the fixed permutation of the sequential image task; its loss and accuracy. */
class SeqImageTaskTest {

  /** n images of 3 x 4; pixel p of image i is (7i + p) mod 256, label i mod 10. */
  static ImageSet images(int n) {
    byte[] pixels = new byte[n * 12];
    byte[] labels = new byte[n];
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 12; p++) {
        pixels[i * 12 + p] = (byte) ((i * 7 + p) % 256);
      }
      labels[i] = (byte) (i % 10);
    }
    return new ImageSet(n, 3, 4, pixels, labels);
  }

  @Test
  void sequentialTaskReadsOnePixelPerStepRowByRow() {
    SeqImageTask task = new SeqImageTask("toy", images(20), images(6), false);
    assertThat(task.name()).isEqualTo("s-toy");
    assertThat(task.steps()).isEqualTo(12);
    assertThat(task.inputSize()).isEqualTo(1);
    assertThat(task.outputSize()).isEqualTo(10);
    try (NDManager m = NDManager.newBaseManager()) {
      SynthTask.Batch b = task.testBatch(m, 2, 5);
      assertThat(b.inputs().getShape()).isEqualTo(new Shape(12, 3, 1));
      assertThat(b.targets().getShape()).isEqualTo(new Shape(3));
      assertThat(b.targets().toLongArray()).containsExactly(2, 3, 4);
      float[] x = b.inputs().toFloatArray();
      for (int t = 0; t < 12; t++) {
        for (int k = 0; k < 3; k++) {
          assertThat(x[t * 3 + k]).isEqualTo(((2 + k) * 7 + t) / 255f);
        }
      }
      SynthTask.Batch s = task.sample(m, 8, new SplittableRandom(3));
      assertThat(s.inputs().getShape()).isEqualTo(new Shape(12, 8, 1));
      float[] xs = s.inputs().toFloatArray();
      long[] ys = s.targets().toLongArray();
      for (int k = 0; k < 8; k++) {
        // the first pixel identifies the training image: 7i mod 256, i < 20
        int image = Math.round(xs[k] * 255) / 7;
        assertThat(ys[k]).isEqualTo(image % 10);
      }
    }
  }

  @Test
  void permutedTaskReadsEveryPixelOnceInOneFixedOrder() {
    SeqImageTask task = new SeqImageTask("toy", images(20), images(6), true);
    assertThat(task.name()).isEqualTo("p-toy");
    int[] order = task.order();
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertThat(sorted).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    assertThat(order).isNotEqualTo(sorted);
    assertThat(new SeqImageTask("other", images(3), images(3), true).order()).as("the same for every run")
        .containsExactly(order);
    int[] big = SeqImageTask.permutation(784, SeqImageTask.PERMUTATION_SEED);
    assertThat(big).doesNotHaveDuplicates().hasSize(784);
    int fixed = 0;
    for (int i = 0; i < 784; i++) {
      fixed += big[i] == i ? 1 : 0;
    }
    assertThat(fixed).as("a random permutation keeps about one pixel in place").isLessThan(6);
    try (NDManager m = NDManager.newBaseManager()) {
      float[] x = task.testBatch(m, 1, 2).inputs().toFloatArray();
      for (int t = 0; t < 12; t++) {
        assertThat(x[t]).isEqualTo((7 + order[t]) / 255f);
      }
    }
  }

  @Test
  void lossAndAccuracyComeFromTheLastStep() {
    SeqImageTask task = new SeqImageTask("toy", images(20), images(10), false);
    try (NDManager m = NDManager.newBaseManager()) {
      SynthTask.Batch b = task.testBatch(m, 0, 10); // labels 0..9
      // wrong everywhere but at the last step, where the right class has a large logit
      float[] p = new float[12 * 10 * 10];
      for (int k = 0; k < 10; k++) {
        p[(10 * 11 + k) * 10 + k] = 50f;
        for (int t = 0; t < 11; t++) {
          p[(10 * t + k) * 10 + (k + 1) % 10] = 50f;
        }
      }
      NDArray perfect = m.create(p, new Shape(12, 10, 10));
      SynthTask.Evaluation e = task.evaluate(perfect, b);
      assertThat(e.score()).isEqualTo(1.0);
      assertThat((double) e.loss().getFloat()).isCloseTo(0, within(1e-5));
      NDArray uniform = m.zeros(new Shape(12, 10, 10), DataType.FLOAT32);
      assertThat((double) task.evaluate(uniform, b).loss().getFloat()).isCloseTo(task.baselineLoss(), within(1e-5));
    }
    assertThatThrownBy(() -> task.testBatch(NDManager.newBaseManager(), 5, 11)).hasMessageContaining("outside");
  }

  @Test
  void trainerScoresTheWholeTestSetAfterTraining() {
    // A 2 x 2 "image" whose first pixel encodes the class (k / 9): a core that keeps it for 3 steps
    // classifies the held-out images as well as the training ones.
    int n = 400;
    byte[] px = new byte[n * 4];
    byte[] lab = new byte[n];
    SplittableRandom rng = new SplittableRandom(5);
    for (int i = 0; i < n; i++) {
      int k = i % 10;
      lab[i] = (byte) k;
      px[i * 4] = (byte) (k * 255 / 9);
      for (int p = 1; p < 4; p++) {
        px[i * 4 + p] = (byte) rng.nextInt(256);
      }
    }
    ImageSet all = new ImageSet(n, 2, 2, px, lab);
    ImageSet train = all.first(300);
    ImageSet test = new ImageSet(100, 2, 2, Arrays.copyOfRange(px, 1200, 1600), Arrays.copyOfRange(lab, 300, 400));
    SeqImageTask task = new SeqImageTask("toy", train, test, false);
    SynthConfig cfg = new SynthConfig("seq-image", 4, "ur-lstm:hidden=32", 400, 32, 1e-2, 1.0, 1);
    SynthTrainer.Result r = SynthTrainer.train(cfg, task, null, null);
    assertThat(r.taskName()).isEqualTo("s-toy");
    assertThat(r.testScore()).as("test accuracy (chance 0.1)").isGreaterThan(0.9);
    assertThat(SynthTrainer.train(new SynthConfig("adding", 3, "lstm:hidden=4", 2, 2, 1e-3, 1, 1), null, null)
        .testScore()).as("no test set").isNaN();
  }
}
