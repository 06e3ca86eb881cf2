package mnemo.agent.synth;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * The copy task (Hochreiter and Schmidhuber; as in Arjovsky et al. and Gu et al.): 10 symbols drawn
 * from an alphabet of 8, then N blanks whose last is replaced by a recall cue, then 10 blanks during
 * which the model must output the 10 symbols. Tokens: 0 blank, 1..8 symbols, 9 cue; inputs one-hot
 * over 10. T = N + 20; the target is blank everywhere except the last 10 steps.
 *
 * <p>Loss: cross-entropy averaged over all T steps. The memoryless baseline outputs blank until the
 * cue then guesses uniformly: 10·log 8 / T. Score: accuracy over the 10 recalled symbols.
 */
public final class CopyTask implements SynthTask {

  public static final int SYMBOLS = 10;
  public static final int ALPHABET = 8;
  public static final int CUE = 9;
  public static final int VOCAB = 10;

  private final int blanks;

  /** @param blanks N, the delay between the symbols and the cue */
  public CopyTask(int blanks) {
    if (blanks < 1) {
      throw new IllegalArgumentException("copy length N must be at least 1, got " + blanks);
    }
    this.blanks = blanks;
  }

  @Override
  public String name() {
    return "copy-" + blanks;
  }

  @Override
  public int steps() {
    return blanks + 2 * SYMBOLS;
  }

  @Override
  public int inputSize() {
    return VOCAB;
  }

  @Override
  public int outputSize() {
    return VOCAB;
  }

  /** Token sequences [T][B] for inputs and targets. */
  int[][][] tokens(int batchSize, SplittableRandom rng) {
    int t = steps();
    int[][] in = new int[t][batchSize];
    int[][] out = new int[t][batchSize];
    for (int b = 0; b < batchSize; b++) {
      for (int i = 0; i < SYMBOLS; i++) {
        int s = 1 + rng.nextInt(ALPHABET);
        in[i][b] = s;
        out[blanks + SYMBOLS + i][b] = s;
      }
      in[blanks + SYMBOLS - 1][b] = CUE;
    }
    return new int[][][] {in, out};
  }

  @Override
  public Batch sample(NDManager manager, int batchSize, SplittableRandom rng) {
    int[][][] tok = tokens(batchSize, rng);
    int t = steps();
    float[] x = new float[t * batchSize * VOCAB];
    long[] y = new long[t * batchSize];
    for (int i = 0; i < t; i++) {
      for (int b = 0; b < batchSize; b++) {
        x[(i * batchSize + b) * VOCAB + tok[0][i][b]] = 1f;
        y[i * batchSize + b] = tok[1][i][b];
      }
    }
    return new Batch(manager.create(x, new Shape(t, batchSize, VOCAB)), manager.create(y, new Shape(t, batchSize)));
  }

  @Override
  public Evaluation evaluate(NDArray predictions, Batch batch) {
    NDArray y = batch.targets();
    NDArray mask = y.expandDims(-1).eq(predictions.getManager().arange(0, VOCAB, 1, DataType.INT64))
        .toType(predictions.getDataType(), false);
    NDArray logp = predictions.logSoftmax(-1);
    NDArray loss = logp.mul(mask).sum().neg().div(y.size());
    // accuracy over the 10 recalled symbols
    int t = steps();
    long[] target = y.get((t - SYMBOLS) + ":").toLongArray();
    long[] guess = predictions.get((t - SYMBOLS) + ":").argMax(-1).toLongArray();
    int right = 0;
    for (int i = 0; i < target.length; i++) {
      right += target[i] == guess[i] ? 1 : 0;
    }
    return new Evaluation(loss, right / (double) target.length);
  }

  @Override
  public double baselineLoss() {
    return SYMBOLS * Math.log(ALPHABET) / steps();
  }

  @Override
  public String scoreName() {
    return "recall accuracy";
  }

  @Override
  public double solvedScore() {
    return 0.99;
  }
}
