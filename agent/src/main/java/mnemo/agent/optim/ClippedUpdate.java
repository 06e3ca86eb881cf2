package mnemo.agent.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.Autograd;

/**
 * The one update path of Mnemo's training loops (the learner's {@code TrainingStep} and the synthetic
 * trainer's): after backward, read every parameter's gradient g_i, clip their global norm
 * ({@link GlobalNormClip}), let the optimizer change each parameter in place, and zero every gradient.
 * A non-finite norm skips the update; the gradients are zeroed all the same, so nothing leaks into the
 * next step.
 *
 * <p>Run it outside any GradientCollector; it turns grad mode off while it runs ({@link Autograd#pause}),
 * so the in-place updates are never recorded, whatever thread trains.
 */
public final class ClippedUpdate {
  private ClippedUpdate() {}

  /**
   * @param names the parameters' ids, which key the optimizer's state
   * @param maxGradNorm the global-norm clip c; ≤ 0 turns clipping off
   * @return the global norm before clipping; non-finite when the update was skipped
   */
  public static double apply(StatefulOptimizer optimizer, List<String> names, List<NDArray> parameters,
      double maxGradNorm) {
    // Gradient handles and the optimizer's temporaries land in the parameters' manager: the scope closes them.
    Autograd.requireNoPendingCompletion("reading the gradients for an update");
    try (Autograd.Paused noGraph = Autograd.pause(); NDScope scope = new NDScope()) {
      List<NDArray> grads = new ArrayList<>(parameters.size());
      for (NDArray p : parameters) {
        NDArray g = p.getGradient();
        grads.add(g != null ? g : p.zerosLike());
      }
      double norm = GlobalNormClip.clip(grads, maxGradNorm);
      if (Double.isFinite(norm)) {
        for (int i = 0; i < parameters.size(); i++) {
          optimizer.update(names.get(i), parameters.get(i), grads.get(i));
        }
      }
      Autograd.zeroGradients(parameters);
      return norm;
    }
  }
}
