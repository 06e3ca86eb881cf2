package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * What an unroll returns.
 *
 * @param outputs {@code [T, B, H]} the output h of every step
 * @param finalState the state after the last step (each array {@code [B, H]})
 */
public record CoreOutput(NDArray outputs, NDList finalState) {}
