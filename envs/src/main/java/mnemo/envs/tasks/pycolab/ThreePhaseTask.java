package mnemo.envs.tasks.pycolab;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Frame;
import mnemo.envs.Oracle;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Direction;
import mnemo.envs.grid.Grid;
import mnemo.envs.grid.GridPainter;
import mnemo.envs.grid.GridText;
import mnemo.envs.grid.Palette;
import mnemo.envs.grid.PathFinder;
import mnemo.envs.grid.PathFinder.CellTest;
import mnemo.envs.grid.TopDownCrop;
import mnemo.envs.grid.World;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;

/**
 * The three-phase pycolab tasks of Hung et al. 2019 ({@code tvt/pycolab}): explore, distractor,
 * reward, each on its own 11×7 board, played as a pycolab {@code Story} of three chapters.
 *
 * <ul>
 *   <li>Every phase lasts a fixed number of actions ({@code explore} 15, {@code distractor} 90,
 *       {@code reward} 15) unless the reward phase ends early; the action that ends a phase returns
 *       the first observation of the next one.
 *   <li>Distractor phase ({@code common.distractor_phase}): the 7×11 apple room with {@code apples}
 *       (10) of its 22 slots filled; the agent starts at the bottom centre; stepping on an apple earns
 *       {@code apple_reward} (1); an eaten apple grows back {@code respawn} (20) steps later
 *       (pycolab's {@code frame > last_pickup + respawn_every}; 0 turns respawning off).
 *   <li>Reward phase: the subclass's ending earns {@code final_reward} (Hung 10; Ni et al. use 5)
 *       and ends the episode (discount 0). When the phase's time runs out the episode is truncated
 *       (discount 1).
 * </ul>
 *
 * <p>Observation: pycolab's {@code ScrollingCropper(5, 5, margins 2)} as RGB, uint8 [5, 5, 3], the
 * agent in the middle, outside the board the background colour; colours are pycolab's 0..1000
 * values scaled to 0..255. Actions: 0 north, 1 south, 2 west, 3 east; walking into a blocked cell
 * leaves the agent in place. The LAST step's info holds {@code success} (the final reward was
 * earned) and {@code apple_reward} (the episode's apple reward), kept apart.
 */
public abstract class ThreePhaseTask implements Environment, Oracle {
  public static final String APPLE_REWARD = "apple_reward";
  static final List<String> ACTIONS = List.of("north", "south", "west", "east");
  /** Heading of each action. */
  private static final int[] HEADING = {Direction.NORTH, Direction.SOUTH, Direction.WEST, Direction.EAST};
  /** Action of each heading. */
  private static final int[] ACTION = {3, 1, 2, 0};

  public static final int WIDTH = 11;
  public static final int HEIGHT = 7;
  private static final int CROP_RADIUS = 2;

  /** {@code common.APPLE_DISTRACTOR_GRID}. */
  static final String[] APPLE_DISTRACTOR_GRID = {
    "###########",
    "#a a a a a#",
    "# a a a a #",
    "#a a a a a#",
    "# a a a a #",
    "#a a + a a#",
    "###########",
  };

  // common.FIXED_COLOURS (pycolab 0..1000).
  static final int PLAYER_RGB = Palette.fromPycolab(898, 584, 430);
  static final int BORDER_RGB = Palette.fromPycolab(100, 100, 100);
  static final int BACKGROUND_RGB = Palette.fromPycolab(800, 800, 800);
  static final int KEY_RGB = Palette.fromPycolab(627, 321, 176);
  static final int DOOR_RGB = Palette.fromPycolab(529, 808, 922);
  static final int APPLE_RGB = Palette.fromPycolab(550, 700, 0);

  static final Palette PALETTE = new Palette(BACKGROUND_RGB, BACKGROUND_RGB, PLAYER_RGB)
      .object(Cell.WALL, BORDER_RGB)
      .object(Cell.KEY, KEY_RGB)
      .object(Cell.DOOR, DOOR_RGB)
      .object(Cell.APPLE, APPLE_RGB)
      .objectInMiniGridColors(Cell.SQUARE);

  /** The phases, in order. */
  public enum Phase { EXPLORE, DISTRACTOR, REWARD }

  /** Parameters every three-phase task has. */
  static List<Param> commonParams(String finalRewardHelp) {
    return List.of(
        new Param("explore", "15", "steps of the explore phase"),
        new Param("distractor", "90", "steps of the apple-collecting distractor phase (Ni et al. sweep 60..1000)"),
        new Param("reward", "15", "steps of the reward phase"),
        new Param("final_reward", "10", finalRewardHelp),
        new Param("apples", "10", "apples among the 22 slots of the distractor room"),
        new Param("apple_reward", "1", "reward per apple"),
        new Param("respawn", "20", "steps after which an eaten apple grows back (0: never)"));
  }

  protected final World world = new World(WIDTH, HEIGHT);
  private final TopDownCrop crop = new TopDownCrop(CROP_RADIUS, PALETTE);
  private final EnvSpec spec;
  private final int exploreSteps;
  private final int distractorSteps;
  private final int rewardSteps;
  protected final float finalReward;
  private final int numApples;
  private final float appleReward;
  private final int respawn;
  /** Per cell of the apple room: -1 no apple slot, NEVER not eaten yet, else the frame it was eaten. */
  private final int[] lastPickup = new int[WIDTH * HEIGHT];
  private static final int NEVER = Integer.MAX_VALUE / 2;

  protected SplittableRandom rng;
  private Phase phase;
  private int frame;
  private boolean started;
  private boolean done;
  private float applesEaten;
  private GridPainter painter;

  protected ThreePhaseTask(Params p, List<String> infoKeys) {
    this.exploreSteps = p.getInt("explore", 1, 1_000_000);
    this.distractorSteps = p.getInt("distractor", 0, 1_000_000);
    this.rewardSteps = p.getInt("reward", 1, 1_000_000);
    this.finalReward = (float) p.getDouble("final_reward", -Params.MAX_REWARD, Params.MAX_REWARD);
    this.numApples = p.getInt("apples", 0, 22);
    this.appleReward = (float) p.getDouble("apple_reward", -Params.MAX_REWARD, Params.MAX_REWARD);
    this.respawn = p.getInt("respawn", 0, 1_000_000);
    int side = 2 * CROP_RADIUS + 1;
    this.spec = new EnvSpec(p.canonicalId(), new TensorSpec("rgb", new int[] {side, side, 3}, DType.UINT8, 0, 255),
        4, ACTIONS, exploreSteps + distractorSteps + rewardSteps, infoKeys);
  }

  /** Builds the explore board and places the agent. */
  protected abstract void buildExplore();

  /** Builds the reward board and places the agent. */
  protected abstract void buildReward();

  /** Whether the agent may not walk onto a cell holding {@code object} in the current phase. */
  protected abstract boolean blocks(int object, int colour, int state);

  /** Called after the agent moved (or bumped) in the explore phase: pick things up. */
  protected void afterExploreMove() {}

  /** After a move in the reward phase: +1 success, -1 a wrong ending, 0 nothing happened. */
  protected abstract int afterRewardMove();

  /** Where the oracle goes in the explore phase (null: stay). */
  protected abstract CellTest exploreTarget();

  /** Where the oracle goes in the reward phase. */
  protected abstract CellTest rewardTarget();

  @Override
  public EnvSpec spec() {
    return spec;
  }

  public Phase phase() {
    return phase;
  }

  /** Actions taken in the current phase (pycolab's {@code the_plot.frame}). */
  public int frame() {
    return frame;
  }

  public World world() {
    return world;
  }

  @Override
  public TimeStep reset(long seed) {
    rng = new SplittableRandom(seed);
    applesEaten = 0f;
    started = true;
    done = false;
    enter(Phase.EXPLORE);
    return TimeStep.first(observe());
  }

  @Override
  public TimeStep step(int action) {
    spec.checkStep(started, done, action);
    frame++;
    world.move(HEADING[action], this::blocks);
    float reward = 0f;
    switch (phase) {
      case EXPLORE -> afterExploreMove();
      case DISTRACTOR -> reward = updateApples();
      case REWARD -> {
        int ending = afterRewardMove();
        if (ending != 0) {
          done = true;
          reward = ending > 0 ? finalReward : 0f;
          return TimeStep.terminal(reward, observe(), info(ending > 0));
        }
      }
    }
    if (frame >= phaseLength(phase)) {
      if (phase == Phase.REWARD) {
        done = true;
        return TimeStep.truncated(reward, observe(), info(false));
      }
      enter(phase == Phase.EXPLORE ? Phase.DISTRACTOR : Phase.REWARD);
    }
    return TimeStep.mid(reward, observe());
  }

  private Map<String, Float> info(boolean success) {
    return aided()
        ? Map.of(TimeStep.SUCCESS, success ? 1f : 0f, APPLE_REWARD, applesEaten, TimeStep.AIDED, 1f)
        : Map.of(TimeStep.SUCCESS, success ? 1f : 0f, APPLE_REWARD, applesEaten);
  }

  /** Whether this episode was made easier by a training aid (reported as {@code aided} on its LAST step). */
  protected boolean aided() {
    return false;
  }

  private int phaseLength(Phase p) {
    return switch (p) {
      case EXPLORE -> exploreSteps;
      case DISTRACTOR -> distractorSteps;
      case REWARD -> rewardSteps;
    };
  }

  private void enter(Phase next) {
    if (next == Phase.DISTRACTOR && distractorSteps == 0) {
      next = Phase.REWARD;
    }
    phase = next;
    frame = 0;
    world.clear();
    switch (next) {
      case EXPLORE -> buildExplore();
      case DISTRACTOR -> buildDistractor();
      case REWARD -> buildReward();
    }
  }

  /** {@code distractor_phase}: keep {@code apples} random slots of the apple grid. */
  private void buildDistractor() {
    Grid g = world.grid();
    java.util.Arrays.fill(lastPickup, -1);
    int[] slots = buildFromArt(APPLE_DISTRACTOR_GRID, 'a');
    int n = slots.length;
    shuffle(slots, n);
    for (int i = 0; i < numApples; i++) {
      int s = slots[i];
      g.set(s % WIDTH, s / WIDTH, Cell.APPLE, 0);
      lastPickup[s] = NEVER;
    }
  }

  /** AppleDrape.update: eat the apple underfoot, then grow back the ones eaten long enough ago. */
  private float updateApples() {
    Grid g = world.grid();
    float reward = 0f;
    int here = world.y() * WIDTH + world.x();
    if (g.object(world.x(), world.y()) == Cell.APPLE) {
      g.setEmpty(world.x(), world.y());
      lastPickup[here] = frame;
      reward = appleReward;
      applesEaten += appleReward;
    }
    if (respawn > 0) {
      for (int i = 0; i < lastPickup.length; i++) {
        // respawn_cond = frame > last_pickup + respawn_every, for slots that held an apple.
        if (lastPickup[i] >= 0 && lastPickup[i] != NEVER && frame > lastPickup[i] + respawn) {
          g.set(i % WIDTH, i / WIDTH, Cell.APPLE, 0);
          lastPickup[i] = NEVER;
        }
      }
    }
    return reward;
  }

  /** Fisher–Yates on the first n entries. */
  protected final void shuffle(int[] a, int n) {
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /**
   * Builds a board from ASCII art: '#' wall, '+' agent slot; {@code slotChar} cells are candidate
   * places for one object. Returns the flat indices of the slots; places the agent on a random '+'.
   */
  protected final int[] buildFromArt(String[] art, char slotChar) {
    int[] slots = new int[WIDTH * HEIGHT];
    int[] starts = new int[WIDTH * HEIGHT];
    int[] counts = new int[2];
    world.grid().fill(art, (g, x, y, c) -> {
      if (c == '#') {
        g.setWall(x, y);
      } else if (c == '+') {
        starts[counts[1]++] = y * WIDTH + x;
      } else if (c == slotChar) {
        slots[counts[0]++] = y * WIDTH + x;
      }
    });
    int start = starts[rng.nextInt(counts[1])];
    world.place(start % WIDTH, start / WIDTH, Direction.NORTH);
    return java.util.Arrays.copyOf(slots, counts[0]);
  }

  private Tensor observe() {
    byte[] out = new byte[(2 * CROP_RADIUS + 1) * (2 * CROP_RADIUS + 1) * 3];
    crop.encode(world, out);
    return Tensor.ofBytes(out, 2 * CROP_RADIUS + 1, 2 * CROP_RADIUS + 1, 3);
  }

  /** Whether (x, y) is inside the agent's 5×5 window. */
  protected final boolean inView(int x, int y) {
    return Math.abs(x - world.x()) <= CROP_RADIUS && Math.abs(y - world.y()) <= CROP_RADIUS;
  }

  /**
   * Shortest paths with full knowledge: in the explore phase to the subclass's target, in the
   * distractor phase to the nearest apple, in the reward phase to the subclass's target; otherwise
   * it walks into a wall to stay put.
   */
  @Override
  public int oracleAction() {
    Grid g = world.grid();
    CellTest target = switch (phase) {
      case EXPLORE -> exploreTarget();
      case DISTRACTOR -> (x, y) -> g.object(x, y) == Cell.APPLE;
      case REWARD -> rewardTarget();
    };
    if (target != null) {
      CellTest passable = (x, y) -> !blocks(g.object(x, y), g.color(x, y), g.state(x, y))
          && !(phase == Phase.REWARD && isEnding(x, y));
      int heading = PathFinder.firstMove(g, world.x(), world.y(), passable, target);
      if (heading >= 0) {
        return ACTION[heading];
      }
    }
    for (int h = 0; h < 4; h++) {
      int nx = world.x() + Direction.dx(h);
      int ny = world.y() + Direction.dy(h);
      if (!g.inBounds(nx, ny) || blocks(g.object(nx, ny), g.color(nx, ny), g.state(nx, ny))) {
        return ACTION[h];
      }
    }
    return 0;
  }

  /** Whether stepping on (x, y) in the reward phase ends the episode (the oracle avoids wrong endings). */
  protected abstract boolean isEnding(int x, int y);

  @Override
  public Frame render() {
    if (painter == null) {
      painter = new GridPainter(GridPainter.Style.FLAT, 24, PALETTE);
    }
    boolean[] seen = new boolean[WIDTH * HEIGHT];
    for (int y = 0; y < HEIGHT; y++) {
      for (int x = 0; x < WIDTH; x++) {
        seen[y * WIDTH + x] = !started || inView(x, y);
      }
    }
    return painter.paint(world, seen);
  }

  @Override
  public String renderText() {
    return spec.taskId() + " " + (phase == null ? "" : phase.name().toLowerCase()) + " t=" + frame + "\n"
        + GridText.render(world);
  }
}
