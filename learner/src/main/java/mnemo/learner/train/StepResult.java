package mnemo.learner.train;

/**
 * What one training step did.
 *
 * @param applied false when the update was skipped (non-finite loss or gradient norm)
 * @param loss the total loss (summed over T and the batch)
 * @param policyLoss −Σ log π(a_t|x_t) A_t
 * @param baselineLoss ½ Σ (v_t − V(x_t))² (before the baseline cost)
 * @param entropy Σ H(π(·|x_t)) (before the entropy cost)
 * @param gradNorm the global gradient norm before clipping (NaN when skipped before backward)
 * @param learningRate the learning rate of this update
 * @param transitions the real transitions the loss summed over
 */
public record StepResult(
    boolean applied, double loss, double policyLoss, double baselineLoss, double entropy, double gradNorm,
    double learningRate, long transitions) {}
