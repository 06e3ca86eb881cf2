package mnemo.envs.tasks.minigrid;

import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Grid;
import mnemo.envs.grid.PathFinder.CellTest;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;

/**
 * MiniGrid's FourRooms (MiniGrid-FourRooms-v0): a 19×19 grid split by a wall cross at x = 9 and
 * y = 9 into four 8×8 rooms, each pair joined by a one-cell gap at a random place; the agent starts
 * on a random cell with a random heading and the green goal is on another random cell. Reward
 * 1 − 0.9 · t / T on reaching the goal, T = {@code max_steps} (100).
 */
public final class FourRooms extends MiniGridTask {
  public static final TaskFamily FAMILY = new TaskFamily(
      "gridworld/four-rooms",
      "MiniGrid FourRooms: four rooms joined by gaps, random start and goal (reward 1 - 0.9 t/T)",
      List.of(new Param("max_steps", "100", "time limit T"),
          new Param("view", "7", "side of the egocentric view (odd)"),
          new Param("see_through_walls", "false", "turn occlusion off")),
      FourRooms::new);

  private static final int SIZE = 19;

  public FourRooms(Params p) {
    super(p.canonicalId(), SIZE, SIZE, p.getInt("max_steps", 1, 1_000_000), p.getInt("view", 3, 31),
        p.getBoolean("see_through_walls"));
  }

  @Override
  protected void generate(SplittableRandom rng) {
    Grid g = world.grid();
    g.wallRect(0, 0, SIZE, SIZE);
    int roomW = SIZE / 2;
    int roomH = SIZE / 2;
    // FourRoomsEnv._gen_grid: for each room, a wall with a gap on its right and on its bottom side.
    for (int j = 0; j < 2; j++) {
      for (int i = 0; i < 2; i++) {
        int xL = i * roomW;
        int yT = j * roomH;
        int xR = xL + roomW;
        int yB = yT + roomH;
        if (i + 1 < 2) {
          g.vertWall(xR, yT, roomH);
          g.setEmpty(xR, randInt(rng, yT + 1, yB));
        }
        if (j + 1 < 2) {
          g.horzWall(xL, yB, roomW);
          g.setEmpty(randInt(rng, xL + 1, xR), yB);
        }
      }
    }
    placeAgentRandomly(rng);
    int[] goal = randomEmptyCell(rng, world.x(), world.y());
    g.set(goal[0], goal[1], Cell.GOAL, Cell.GREEN);
  }

  @Override
  protected CellTest oracleTarget() {
    return (x, y) -> world.grid().object(x, y) == Cell.GOAL;
  }
}
