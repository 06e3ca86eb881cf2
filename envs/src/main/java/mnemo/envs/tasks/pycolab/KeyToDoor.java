package mnemo.envs.tasks.pycolab;

import java.util.List;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.PathFinder.CellTest;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;

/**
 * Key-to-Door (Hung et al. 2019, {@code tvt/pycolab/key_to_door.py}), the three phases of {@link
 * ThreePhaseTask}:
 * <ol>
 *   <li>Explore: the two-room board; the key lies on one of the 10 cells of the upper room, the
 *       agent starts on one of the 10 cells of the lower room; stepping on the key picks it up.
 *   <li>Distractor: apples.
 *   <li>Reward: a small room with a door in its top wall, two cells above the agent. The door is a
 *       wall unless the key was picked up in phase 1; stepping into it with the key earns {@code
 *       final_reward} and ends the episode with success. Without the key the phase runs out and the
 *       episode is truncated with success 0.
 * </ol>
 * The original also flashes a one-frame indicator on the board's top row at the pickup; Mnemo leaves
 * it out (it is seldom inside the 5×5 window). A credit-assignment control: what must be carried
 * across the delay is one bit the agent itself set.
 */
public final class KeyToDoor extends ThreePhaseTask {
  public static final TaskFamily FAMILY = new TaskFamily(
      "memory/key-to-door",
      "Hung et al.'s key-to-door: pick up a key, collect apples, then open the door with the key",
      commonParams("reward for opening the door with the key (Hung 10, Ni et al. 5)"),
      KeyToDoor::new);

  static final String[] EXPLORE_GRID = {
    "  #######  ",
    "  #kkkkk#  ",
    "  #kkkkk#  ",
    "  ##   ##  ",
    "  #+++++#  ",
    "  #+++++#  ",
    "  #######  ",
  };

  static final String[] REWARD_GRID = {
    "           ",
    "   ##d##   ",
    "   #   #   ",
    "   # + #   ",
    "   #   #   ",
    "   #####   ",
    "           ",
  };

  private boolean hasKey;
  private int keyX;
  private int keyY;

  public KeyToDoor(Params p) {
    super(p, List.of(TimeStep.SUCCESS, APPLE_REWARD));
  }

  /** Whether the agent picked up the key this episode (and has not used it yet). */
  public boolean hasKey() {
    return hasKey;
  }

  /** {x, y} where the key lay at the start. */
  public int[] keyCell() {
    return new int[] {keyX, keyY};
  }

  @Override
  protected void buildExplore() {
    hasKey = false;
    int[] slots = buildFromArt(EXPLORE_GRID, 'k');
    int s = slots[rng.nextInt(slots.length)];
    keyX = s % WIDTH;
    keyY = s / WIDTH;
    world.grid().set(keyX, keyY, Cell.KEY, 0);
  }

  @Override
  protected void buildReward() {
    buildFromArt(REWARD_GRID, '\0');
    world.grid().set(5, 1, Cell.DOOR, 0, Cell.LOCKED);
  }

  @Override
  protected boolean blocks(int object, int colour, int state) {
    return object == Cell.WALL || (object == Cell.DOOR && !hasKey);
  }

  @Override
  protected void afterExploreMove() {
    if (world.grid().object(world.x(), world.y()) == Cell.KEY) {
      world.grid().setEmpty(world.x(), world.y());
      hasKey = true;
    }
  }

  @Override
  protected int afterRewardMove() {
    if (world.grid().object(world.x(), world.y()) == Cell.DOOR) {
      hasKey = false; // the key is spent on the door
      return 1;
    }
    return 0;
  }

  @Override
  protected boolean isEnding(int x, int y) {
    return world.grid().object(x, y) == Cell.DOOR;
  }

  @Override
  protected CellTest exploreTarget() {
    return hasKey ? null : (x, y) -> world.grid().object(x, y) == Cell.KEY;
  }

  @Override
  protected CellTest rewardTarget() {
    return (x, y) -> world.grid().object(x, y) == Cell.DOOR;
  }
}
