package mnemo.agent.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SynthTasksTest {

  @Test
  void copyTaskLaysOutSymbolsBlanksCueAndRecall() {
    CopyTask task = new CopyTask(5);
    assertThat(task.steps()).isEqualTo(25);
    int[][][] tok = task.tokens(3, new SplittableRandom(1));
    for (int b = 0; b < 3; b++) {
      for (int t = 0; t < 25; t++) {
        int in = tok[0][t][b];
        int out = tok[1][t][b];
        if (t < 10) {
          assertThat(in).isBetween(1, 8);
          assertThat(out).isZero();
        } else if (t == 14) {
          assertThat(in).isEqualTo(CopyTask.CUE); // the last of the N blanks is the cue
        } else {
          assertThat(in).isZero();
        }
        if (t >= 15) {
          assertThat(out).isEqualTo(tok[0][t - 15][b]);
        }
      }
    }
    assertThat(task.baselineLoss()).isCloseTo(10 * Math.log(8) / 25, within(1e-12));
  }

  @Test
  void copyLossOfAPerfectPredictorIsZeroAndOfUniformIsLogVocab() {
    CopyTask task = new CopyTask(3);
    try (NDManager m = NDManager.newBaseManager()) {
      SynthTask.Batch batch = task.sample(m, 4, new SplittableRandom(2));
      NDArray perfect = batch.targets().oneHot(CopyTask.VOCAB).toType(DataType.FLOAT32, false).mul(100);
      SynthTask.Evaluation e = task.evaluate(perfect, batch);
      assertThat(e.loss().getFloat()).isCloseTo(0f, within(1e-6f));
      assertThat(e.score()).isEqualTo(1.0);
      NDArray uniform = m.zeros(new Shape(task.steps(), 4, CopyTask.VOCAB));
      assertThat((double) task.evaluate(uniform, batch).loss().getFloat()).isCloseTo(Math.log(10), within(1e-5));
    }
  }

  @Test
  void addingTaskTargetIsTheSumOfTheTwoMarkedValues() {
    AddingTask task = new AddingTask(10);
    try (NDManager m = NDManager.newBaseManager()) {
      SynthTask.Batch batch = task.sample(m, 5, new SplittableRandom(3));
      float[] x = batch.inputs().toFloatArray();
      float[] y = batch.targets().toFloatArray();
      for (int b = 0; b < 5; b++) {
        float sum = 0;
        int marks = 0;
        int firstHalf = 0;
        for (int t = 0; t < 10; t++) {
          if (x[(t * 5 + b) * 2 + 1] == 1f) {
            sum += x[(t * 5 + b) * 2];
            marks++;
            firstHalf += t < 5 ? 1 : 0;
          }
        }
        assertThat(marks).isEqualTo(2);
        assertThat(firstHalf).isEqualTo(1);
        assertThat(y[b]).isCloseTo(sum, within(1e-6f));
      }
    }
  }

  @Test
  void badLengthsAndTasksAreRejected() {
    assertThatThrownBy(() -> new CopyTask(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> new AddingTask(1)).hasMessageContaining("at least 2");
    assertThatThrownBy(() -> new SynthConfig("sort", 5, "lstm", 1, 1, 1e-3, 1, 1).newTask()).hasMessageContaining("unknown synthetic task");
    assertThatThrownBy(() -> new SynthConfig("copy", 5, "lstm", 0, 1, 1e-3, 1, 1)).hasMessageContaining("positive");
  }

  @Test
  void trainerLearnsAShortAddingTaskAndWritesItsLog(@TempDir Path dir) throws Exception {
    // T = 4 is short enough to learn in a few dozen updates: the loss must fall well below the
    // memoryless baseline (1/6).
    SynthConfig cfg = new SynthConfig("adding", 4, "ur-lstm:hidden=16", 150, 32, 1e-2, 1.0, 1);
    Path csv = dir.resolve("run.csv");
    SynthTrainer.Result r = SynthTrainer.train(cfg, csv, null);
    assertThat(r.rows()).hasSize(150);
    assertThat(r.finalLoss()).isLessThan(0.5 * r.baselineLoss());
    List<String> lines = Files.readAllLines(csv);
    assertThat(lines.get(0)).isEqualTo("step,loss,score,seconds");
    assertThat(lines).hasSize(151);
  }
}
