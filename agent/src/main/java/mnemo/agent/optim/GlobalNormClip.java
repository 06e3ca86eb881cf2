package mnemo.agent.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * Clipping by the global norm of all gradients together (TensorFlow's {@code clip_by_global_norm}):
 *
 * <pre>
 *   n = √(Σ_i ‖g_i‖²);   if n > c:  g_i ← g_i · c / n
 * </pre>
 *
 * DJL's {@code optClipGrad} clips element-wise (and on PyTorch only from above), which is not this.
 */
public final class GlobalNormClip {
  private GlobalNormClip() {}

  /** The global norm √(Σ_i ‖g_i‖²), computed in double precision. */
  public static double globalNorm(List<NDArray> gradients) {
    if (gradients.isEmpty()) {
      return 0;
    }
    // Σ_i ‖g_i‖² over all gradients laid end to end (one concatenation, then three operations, not three
    // per parameter), accumulated in double precision and read back once
    NDList flat = new NDList(gradients.size());
    for (NDArray g : gradients) {
      flat.add(g.reshape(-1));
    }
    NDArray all = flat.size() == 1 ? flat.get(0) : NDArrays.concat(flat);
    return Math.sqrt(all.toType(DataType.FLOAT64, false).square().sum().getDouble());
  }

  /**
   * Scales {@code gradients} in place so that their global norm is at most {@code maxNorm}; returns the
   * norm before clipping. {@code maxNorm} ≤ 0 turns clipping off (the norm is still returned). A
   * non-finite norm leaves the gradients untouched: the caller skips the update.
   */
  public static double clip(List<NDArray> gradients, double maxNorm) {
    double norm = globalNorm(gradients);
    if (maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm) {
      float scale = (float) (maxNorm / norm);
      for (NDArray g : gradients) {
        g.muli(scale);
      }
    }
    return norm;
  }
}
