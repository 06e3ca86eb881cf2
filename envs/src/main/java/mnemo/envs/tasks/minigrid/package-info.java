/**
 * MiniGrid's tasks on the grid engine: {@code gridworld/empty}, {@code gridworld/four-rooms} and
 * {@code minigrid/memory}, with MiniGrid's three movement actions and 7×7×3 egocentric view.
 */
package mnemo.envs.tasks.minigrid;
