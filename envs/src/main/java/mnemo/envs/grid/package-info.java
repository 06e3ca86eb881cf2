/**
 * The gridworld engine: a flat grid of (object, colour, state) cells with MiniGrid's index tables
 * ({@link mnemo.envs.grid.Grid}, {@link mnemo.envs.grid.Cell}), an agent with position and heading
 * ({@link mnemo.envs.grid.World}), MiniGrid's egocentric view with occlusion
 * ({@link mnemo.envs.grid.EgocentricView}), its full view ({@link mnemo.envs.grid.FullView}), pycolab's
 * agent-centred RGB crop ({@link mnemo.envs.grid.TopDownCrop}), pictures and text
 * ({@link mnemo.envs.grid.GridPainter}, {@link mnemo.envs.grid.GridText}) and shortest paths for
 * oracles ({@link mnemo.envs.grid.PathFinder}). Tasks built on it live in {@code mnemo.envs.tasks.*}.
 */
package mnemo.envs.grid;
