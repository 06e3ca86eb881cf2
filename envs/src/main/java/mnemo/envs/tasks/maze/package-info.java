/**
 * Memory Maze (Pašukonis et al. 2022) in two forms sharing one maze generator: {@link
 * mnemo.envs.tasks.maze.MemoryGrid} ({@code memory-grid}, the 2D top-down grid form) and {@link
 * mnemo.envs.tasks.maze.MemoryMaze} ({@code memory-maze}, first person, drawn by {@link
 * mnemo.envs.tasks.maze.RayCaster}). Rules, parameters and scores: docs/envs/maze.md.
 */
package mnemo.envs.tasks.maze;
