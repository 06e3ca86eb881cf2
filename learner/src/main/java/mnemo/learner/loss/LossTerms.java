package mnemo.learner.loss;

import ai.djl.ndarray.NDArray;

/**
 * The loss and its parts, each summed over the T transitions and B columns.
 *
 * @param total the scalar to differentiate: policy + b·baseline − e·entropy
 * @param policy −Σ log π(a_t|x_t) A_t (scalar)
 * @param baseline ½ Σ (v_t − V(x_t))², before the cost b (scalar)
 * @param entropy Σ H(π(·|x_t)), before the cost e (scalar)
 * @param transitions the number of real (unmasked) transitions summed over
 */
public record LossTerms(NDArray total, NDArray policy, NDArray baseline, NDArray entropy, long transitions) {}
