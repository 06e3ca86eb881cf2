package mnemo.agent.synth;

/**
 * One synthetic-task training run.
 *
 * @param task {@code copy} or {@code adding}
 * @param length N blanks for copy, T steps for adding
 * @param coreSpec the core, e.g. {@code ur-lstm:hidden=64}
 * @param steps optimizer updates
 * @param batchSize sequences per update
 * @param learningRate Adam's step size
 * @param clipNorm the global gradient norm is clipped to this (≤ 0: no clipping)
 * @param seed seeds the weights and the data
 */
public record SynthConfig(String task, int length, String coreSpec, int steps, int batchSize, double learningRate,
    double clipNorm, long seed) {

  public SynthConfig {
    if (steps <= 0 || batchSize <= 0 || learningRate <= 0) {
      throw new IllegalArgumentException("steps, batch size and learning rate must be positive");
    }
  }

  /** The task object this config names. */
  public SynthTask newTask() {
    return switch (task) {
      case "copy" -> new CopyTask(length);
      case "adding" -> new AddingTask(length);
      default -> throw new IllegalArgumentException("unknown synthetic task '" + task + "' (copy, adding)");
    };
  }
}
