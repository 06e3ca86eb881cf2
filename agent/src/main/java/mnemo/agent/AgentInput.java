package mnemo.agent;

import ai.djl.ndarray.NDArray;

/**
 * The network's input for T steps of B environments, time-major.
 *
 * @param observations {@code [T, B, ...observation shape]} float32 (image bytes as 0..255)
 * @param prevActions {@code [T, B]} int64: the action that led to step t, or -1 where none did (a FIRST
 *     step); fed to the network as a one-hot vector (all zeros for -1)
 * @param rewards {@code [T, B]} float32: the reward received on arriving at step t (0 on FIRST)
 * @param resets {@code [T, B]} float32: 1 where step t starts an episode; the core state is reset to
 *     the initial state *before* that step
 */
public record AgentInput(NDArray observations, NDArray prevActions, NDArray rewards, NDArray resets) {}
