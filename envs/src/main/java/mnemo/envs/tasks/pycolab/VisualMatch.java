package mnemo.envs.tasks.pycolab;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Grid;
import mnemo.envs.grid.PathFinder;
import mnemo.envs.grid.PathFinder.CellTest;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;

/**
 * Passive and Active Visual Match (Hung et al. 2019, {@code tvt/pycolab/active_visual_match.py} and
 * its passive form), the three phases of {@link ThreePhaseTask}:
 * <ol>
 *   <li>Explore. {@code passive}: the agent stands in a 3×3 room whose ring of 8 cells is wall except
 *       one, a square of the target colour, so the colour is in view from the first observation.
 *       {@code active}: the two-room board of the original; one of the 26 wall cells of its outline is
 *       the coloured square, the agent starts on one of the 10 cells of the lower room and must walk
 *       until the square is in its 5×5 window. The square cannot be walked on.
 *   <li>Distractor: apples.
 *   <li>Reward: squares of the three colours red, green, blue (pycolab's three equally spaced hues)
 *       in random order along the top of a room; the agent starts below. Stepping onto the square of
 *       the colour seen in phase 1 earns {@code final_reward} and ends the episode with success;
 *       stepping onto another ends it with 0 (the original hides every square after the first touch,
 *       so no second choice could earn anything: Mnemo ends the episode there).
 * </ol>
 * {@code order=fixed} (not in the original) puts the squares in the order red, green, blue from left to
 * right, so the colour held in memory alone says where to go: the task without the comparison of the
 * remembered colour against the squares in view (docs/results-rl.md uses it to tell the two apart).
 *
 * <p>{@code fixed_order} (a training aid, 0 by default): the share of episodes whose squares come in that fixed
 * order; they report {@code aided}, so the length curriculum does not count them. Why: with the squares
 * in a random order a policy-gradient agent has to find, from a one-in-three reward, both that the colour
 * seen first matters and which square in view has it; in a fixed-order episode the colour alone says where
 * to go, which teaches the first; the comparison is left to the other episodes. Measured at
 * {@code distractor=0} with 0.5, 5M frames: 66 % and 54 % on the random order in two seeds, against chance
 * without the aid (docs/results-rl.md, ninth session). {@code room_start} (a training aid, 0 by default): the share of
 * episodes whose reward phase starts on a random free cell of the reward room, so a side square is often in view
 * and the search is learned (tenth session).
 *
 * <p>Training applies both aids at 0.5 and counts an apple as 0.1 unless the task id sets them (the family's
 * training aids); evaluation plays the task as given.
 */
public final class VisualMatch extends ThreePhaseTask {
  /**
   * The apple reward training counts, a tenth of Hung et al.'s 1: with rewards clipped to ±1 their final
   * reward of 10 counts as one apple, so 90 steps of apple collecting drown the one reward memory earns; at
   * 0.1 it is worth ten apples again (docs/results-rl.md, thirteenth session).
   */
  static final String TRAINING_APPLE_REWARD = "0.1";

  public static final TaskFamily FAMILY = new TaskFamily(
      "memory/visual-match",
      "Hung et al.'s visual match: see a colour, collect apples, then touch the square of that colour",
      params(),
      VisualMatch::new).withMemoryParam("distractor")
      // training aids, where the id leaves them unset (evaluation plays the task as given):
      // docs/results-rl.md, ninth, tenth and thirteenth sessions
      .withTrainingAids(p -> Map.of("fixed_order", "0.5", "room_start", "0.5",
          "apple_reward", TRAINING_APPLE_REWARD));

  private static List<Param> params() {
    List<Param> p = new ArrayList<>();
    p.add(new Param("mode", "passive", "passive (the colour is shown next to the agent) or active (find it)"));
    p.add(new Param("order", "random", "the squares' colours from left to right: random (the original) or fixed "
        + "(red, green, blue: the colour alone gives the place, no comparison with the squares in view)"));
    p.add(new Param("fixed_order", "0", "a training aid: the share of episodes in the fixed order (reported as aided;"
        + " training uses 0.5 unless set)"));
    p.add(new Param("room_start", "0", "a training aid: the share of episodes whose reward phase starts on a random"
        + " free cell of the reward room instead of its entrance (reported as aided; training uses 0.5 unless set)"));
    p.addAll(commonParams("reward for touching the matching colour (Hung 10, Ni et al. 5)"));
    return p;
  }

  /** The 3×3 room of passive visual match: 'p' slots ring the agent. */
  static final String[] PASSIVE_EXPLORE_GRID = {
    "           ",
    "    ppp    ",
    "    p+p    ",
    "    ppp    ",
    "           ",
    "           ",
    "           ",
  };

  /** The two rooms of active visual match: the square is one of the 'p' cells of the outline. */
  static final String[] ACTIVE_EXPLORE_GRID = {
    "  ppppppp  ",
    "  p     p  ",
    "  p     p  ",
    "  pp   pp  ",
    "  p+++++p  ",
    "  p+++++p  ",
    "  ppppppp  ",
  };

  /** The reward room: the three squares at 'b', 'c', 'e'. */
  static final String[] REWARD_GRID = {
    "###########",
    "# b  c  e #",
    "#         #",
    "#         #",
    "####   ####",
    "   # + #   ",
    "   #####   ",
  };

  private static final int[] COLOURS = {Cell.RED, Cell.GREEN, Cell.BLUE};

  private final boolean active;
  private final boolean fixedOrder;
  private final double fixedOrderShare;
  private final double roomStartShare;
  private boolean aidedEpisode;
  private boolean roomStarted;
  private int target;
  private final int[] squareColours = new int[3];
  private int cueX;
  private int cueY;

  public VisualMatch(Params p) {
    super(p, List.of(TimeStep.SUCCESS, APPLE_REWARD, TimeStep.AIDED));
    this.active = p.getChoice("mode", "passive", "active").equals("active");
    this.fixedOrder = p.getChoice("order", "random", "fixed").equals("fixed");
    this.fixedOrderShare = p.getDouble("fixed_order", 0, 1);
    this.roomStartShare = p.getDouble("room_start", 0, 1);
  }

  /** The colour to remember (a {@link Cell} colour index). */
  public int targetColour() {
    return target;
  }

  @Override
  protected boolean aided() {
    return aidedEpisode || roomStarted;
  }

  /** {x, y} of the coloured square of the explore phase. */
  public int[] cueCell() {
    return new int[] {cueX, cueY};
  }

  @Override
  protected void buildExplore() {
    // get_shuffled_symbol_colour_map: the three squares get red, green, blue in random order; the
    // target is one of the three symbols.
    System.arraycopy(COLOURS, 0, squareColours, 0, 3);
    // a draw only when the aid is on, so that the task's own episodes are the same with it off
    aidedEpisode = !fixedOrder && fixedOrderShare > 0 && rng.nextDouble() < fixedOrderShare;
    roomStarted = false;
    if (!fixedOrder && !aidedEpisode) {
      shuffle(squareColours, 3);
    }
    target = squareColours[rng.nextInt(3)];
    int[] slots = buildFromArt(active ? ACTIVE_EXPLORE_GRID : PASSIVE_EXPLORE_GRID, 'p');
    int keep = rng.nextInt(slots.length);
    Grid g = world.grid();
    for (int i = 0; i < slots.length; i++) {
      int x = slots[i] % WIDTH;
      int y = slots[i] / WIDTH;
      if (i == keep) {
        g.set(x, y, Cell.SQUARE, target);
        cueX = x;
        cueY = y;
      } else {
        g.setWall(x, y);
      }
    }
  }

  @Override
  protected void buildReward() {
    buildFromArt(REWARD_GRID, '\0');
    Grid g = world.grid();
    g.set(2, 1, Cell.SQUARE, squareColours[0]);
    g.set(5, 1, Cell.SQUARE, squareColours[1]);
    g.set(8, 1, Cell.SQUARE, squareColours[2]);
    // the room-start aid's draw only when it is on, after the phase's own draws
    if (roomStartShare > 0 && rng.nextDouble() < roomStartShare) {
      roomStarted = true;
      // the room's free cells, entrance included: those a walk from the entrance reaches past no wall or square
      int[] cells = PathFinder.reachable(g, world.x(), world.y(),
          (x, y) -> g.object(x, y) != Cell.WALL && g.object(x, y) != Cell.SQUARE);
      int c = cells[rng.nextInt(cells.length)];
      world.place(c % WIDTH, c / WIDTH, world.dir());
    }
  }

  @Override
  protected boolean blocks(int object, int colour, int state) {
    return object == Cell.WALL || (object == Cell.SQUARE && phase() == Phase.EXPLORE);
  }

  @Override
  protected int afterRewardMove() {
    Grid g = world.grid();
    if (g.object(world.x(), world.y()) != Cell.SQUARE) {
      return 0;
    }
    return g.color(world.x(), world.y()) == target ? 1 : -1;
  }

  @Override
  protected boolean isEnding(int x, int y) {
    return world.grid().object(x, y) == Cell.SQUARE;
  }

  /** Active: walk until the square is in the 5×5 window. Passive: it already is. */
  @Override
  protected CellTest exploreTarget() {
    if (!active) {
      return null;
    }
    Grid g = world.grid();
    return (x, y) -> Math.abs(x - cueX) <= 2 && Math.abs(y - cueY) <= 2
        && !blocks(g.object(x, y), g.color(x, y), g.state(x, y));
  }

  @Override
  protected CellTest rewardTarget() {
    Grid g = world.grid();
    return (x, y) -> g.object(x, y) == Cell.SQUARE && g.color(x, y) == target;
  }
}
