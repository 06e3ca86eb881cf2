package mnemo.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * The network's output for T steps of B environments.
 *
 * @param policyLogits {@code [T, B, A]} unnormalized log-probabilities of the actions
 * @param values {@code [T, B]} state-value estimates V(x_t)
 * @param finalState the core state after the last step (each array {@code [B, ...]})
 */
public record AgentOutput(NDArray policyLogits, NDArray values, NDList finalState) {}
