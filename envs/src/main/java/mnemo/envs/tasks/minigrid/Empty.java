package mnemo.envs.tasks.minigrid;

import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Direction;
import mnemo.envs.grid.Grid;
import mnemo.envs.grid.PathFinder.CellTest;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;

/**
 * MiniGrid's Empty room (MiniGrid-Empty-{5x5,6x6,8x8,16x16}, and -Random- with {@code
 * random_start}): a size×size room walled round, the green goal in the bottom-right corner
 * (size−2, size−2), the agent at (1, 1) facing east or, with {@code random_start}, on a random
 * empty cell with a random heading. Reward 1 − 0.9 · t / T on reaching the goal, T = 4 · size².
 */
public final class Empty extends MiniGridTask {
  public static final TaskFamily FAMILY = new TaskFamily(
      "gridworld/empty",
      "MiniGrid Empty: reach the green goal in the far corner of an empty room (reward 1 - 0.9 t/T)",
      List.of(new Param("size", "8", "side of the room including walls (MiniGrid: 5, 6, 8, 16)"),
          new Param("random_start", "false", "start on a random cell with a random heading (MiniGrid's -Random-)"),
          new Param("view", "7", "side of the egocentric view (odd)"),
          new Param("see_through_walls", "false", "turn occlusion off")),
      Empty::new);

  private final int size;
  private final boolean randomStart;

  public Empty(Params p) {
    this(p.canonicalId(), p.getInt("size", 4, 64), p.getBoolean("random_start"), p.getInt("view", 3, 31),
        p.getBoolean("see_through_walls"));
  }

  private Empty(String id, int size, boolean randomStart, int view, boolean seeThroughWalls) {
    super(id, size, size, 4 * size * size, view, seeThroughWalls);
    this.size = size;
    this.randomStart = randomStart;
  }

  @Override
  protected void generate(SplittableRandom rng) {
    Grid g = world.grid();
    g.wallRect(0, 0, size, size);
    g.set(size - 2, size - 2, Cell.GOAL, Cell.GREEN);
    if (randomStart) {
      placeAgentRandomly(rng);
    } else {
      world.place(1, 1, Direction.EAST);
    }
  }

  @Override
  protected CellTest oracleTarget() {
    return (x, y) -> world.grid().object(x, y) == Cell.GOAL;
  }
}
