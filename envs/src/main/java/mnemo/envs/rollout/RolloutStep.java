package mnemo.envs.rollout;

import mnemo.envs.TimeStep;

/**
 * One step of a rollout as its listeners see it.
 *
 * @param episode 1-based episode number within the rollout
 * @param step actions taken so far in this episode (0 = the reset)
 * @param action the action that led here, or -1 on the reset
 * @param timeStep what the environment returned
 * @param episodeReturn the sum of this episode's rewards so far
 */
public record RolloutStep(int episode, int step, int action, TimeStep timeStep, double episodeReturn) {}
