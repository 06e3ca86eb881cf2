package mnemo.learner.vtrace;

import ai.djl.ndarray.NDArray;

/**
 * V-trace's outputs; neither carries a gradient.
 *
 * @param vs {@code [T, B]} the value targets v_t
 * @param pgAdvantages {@code [T, B]} the policy-gradient advantages A_t = min(ρ̄_pg, ρ_t)(r_t + γ_t v_{t+1} − V(x_t))
 */
public record VTraceReturns(NDArray vs, NDArray pgAdvantages) {}
