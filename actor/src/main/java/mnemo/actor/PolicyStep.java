package mnemo.actor;

/**
 * The policy's answer for one step of N environments.
 *
 * @param logits {@code [N, A]} row-major behaviour logits μ(·|x_t) (unnormalized log-probabilities)
 * @param next the core state after this step
 */
public record PolicyStep(float[] logits, CoreState next) {}
