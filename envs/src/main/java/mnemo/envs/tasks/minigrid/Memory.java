package mnemo.envs.tasks.minigrid;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Direction;
import mnemo.envs.grid.Grid;
import mnemo.envs.grid.PathFinder.CellTest;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TrainingSettings;

/**
 * MiniGrid's Memory (MiniGrid-MemoryS{7,9,11,13}, -S13Random, -S17Random), rules as {@code
 * MemoryEnv}: in a size×size grid (odd size), a start room on the left holds the cue, a green key or
 * ball at (1, size/2 − 1); a hallway along the middle row leads east to a vertical corridor at x =
 * e + 1 (e = size − 3, or with {@code random} a uniform e in [4, size − 3]) whose two ends hold a
 * green key and a green ball in random order at (e + 1, size/2 ∓ 2). The agent starts on the middle
 * row at a random x in [1, e], facing east (so it may start past the cue). Stepping onto the cell
 * next to the object that matches the cue, (e + 1, size/2 ∓ 1), earns 1 − 0.9 · t / T and ends the
 * episode; the cell next to the other object ends it with 0. T = 5 · size².
 *
 * <p>{@code order=fixed} (not in MiniGrid) always puts the key at the top end and the ball at the bottom, so
 * the cue alone says which way to turn: a diagnostic that separates holding the cue from comparing it with
 * the objects in view (MiniGrid's random order asks for both: the turn is the cue XOR the order).
 * {@code fixed_order=P} (a training aid, 0 in the task) puts a share P of the episodes in that fixed order;
 * their LAST step reports {@code aided}. Why: with the order random, neither the cue nor the view alone
 * predicts the right turn, so a policy gradient from a one-in-two reward finds neither (chance at 5M frames,
 * docs/results-rl.md); in a fixed-order episode the cue alone pays. The same aid as the visual match's.
 * {@code cue_start=P} (a training aid, 0 in the task) starts a share P of the episodes on the start room's
 * first cell, x = 1, where the cue is in view from the first step; they report {@code aided}. Why: an agent
 * that starts past the cue (x ≥ 2, three starts in four at size 7) must turn back to see it, and looking
 * back pays only once the cue is used, so a policy gradient settles on walking straight to the corridor
 * (as the active T-maze's hint, docs/training.md).
 * The aids' draws come after every other draw of the episode, so with both at 0 the episodes are MiniGrid's.
 *
 * <p>Training applies both aids at 0.5 unless the task id sets them (the family's training aids; evaluation
 * plays the task as given), and asks for an unroll of {@link #unrollFor 4·size + 4} steps and an entropy
 * bonus falling from 0.01 to 0.001 ({@code TrainingSettings}); docs/results-rl.md says what each gave.
 */
public final class Memory extends MiniGridTask {
  public static final TaskFamily FAMILY = new TaskFamily(
      "minigrid/memory",
      "MiniGrid Memory: remember the key or ball in the start room, go to its twin at the corridor's end",
      List.of(new Param("size", "13", "grid side, odd, 7..17 (MiniGrid: 7, 9, 11, 13, 17)"),
          new Param("random", "false", "random hallway length (MiniGrid's MemoryS*Random)"),
          new Param("view", "7", "side of the egocentric view (odd)"),
          new Param("order", "random", "the objects at the corridor's ends: random (MiniGrid) or fixed (the key at"
              + " the top: the cue alone gives the turn)"),
          new Param("fixed_order", "0", "the share of episodes in the fixed order (reported as aided; training uses"
              + " 0.5 unless set: a training aid, evaluation plays the task as given)"),
          new Param("cue_start", "0", "the share of episodes that start next to the cue, in view from the first"
              + " step (reported as aided; training uses 0.5 unless set: a training aid)")),
      Memory::new)
      .withTrainingAids(p -> Map.of("fixed_order", "0.5", "cue_start", "0.5"))
      // an unroll of 4·size + 4 (32 at size 7) instead of the whole 5·size² time limit, and more entropy
      // at the start: docs/results-rl.md (eleventh session)
      .withTraining(p -> TrainingSettings.DEFAULTS.withUnroll(unrollFor(p.getInt("size", 7, 17)))
          .withEntropyCost(0.01, 0.001));

  /**
   * The unroll training uses at {@code size}: 4·size + 4, about 2.5 times the span from seeing the cue to
   * the decision of an agent that looks back at it (size + 5 steps), so most of its episodes fit one unroll
   * whole; the time limit (5·size², 245 at size 7) would give one update per thousand frames.
   */
  static int unrollFor(int size) {
    return 4 * size + 4;
  }

  private final int size;
  private final boolean randomLength;
  private final boolean fixedOrder;
  private final double fixedOrderShare;
  private final double cueStartShare;
  private boolean aidedEpisode;
  private int successX;
  private int successY;
  private int failureX;
  private int failureY;
  private int cue;

  public Memory(Params p) {
    this(p.canonicalId(), p.getInt("size", 7, 17), p.getBoolean("random"), p.getInt("view", 3, 31),
        p.getChoice("order", "random", "fixed").equals("fixed"), p.getDouble("fixed_order", 0, 1),
        p.getDouble("cue_start", 0, 1));
  }

  private Memory(String id, int size, boolean randomLength, int view, boolean fixedOrder, double fixedOrderShare,
      double cueStartShare) {
    super(id, checkOdd(size), size, 5 * size * size, view, false, List.of(TimeStep.SUCCESS, TimeStep.AIDED));
    this.size = size;
    this.randomLength = randomLength;
    this.fixedOrder = fixedOrder;
    this.fixedOrderShare = fixedOrderShare;
    this.cueStartShare = cueStartShare;
  }

  private static int checkOdd(int size) {
    if (size % 2 == 0) {
      throw new IllegalArgumentException("minigrid/memory: parameter 'size' must be odd, got " + size);
    }
    return size;
  }

  @Override
  protected void generate(SplittableRandom rng) {
    Grid g = world.grid();
    int mid = size / 2;
    g.wallRect(0, 0, size, size);
    int upperRoomWall = mid - 2;
    int lowerRoomWall = mid + 2;
    int hallwayEnd = randomLength ? randInt(rng, 4, size - 2) : size - 3;
    // Start room.
    for (int i = 1; i < 5; i++) {
      g.setWall(i, upperRoomWall);
      g.setWall(i, lowerRoomWall);
    }
    g.setWall(4, upperRoomWall + 1);
    g.setWall(4, lowerRoomWall - 1);
    // Horizontal hallway.
    for (int i = 5; i < hallwayEnd; i++) {
      g.setWall(i, upperRoomWall + 1);
      g.setWall(i, lowerRoomWall - 1);
    }
    // Vertical hallway.
    for (int j = 0; j < size; j++) {
      if (j != mid) {
        g.setWall(hallwayEnd, j);
      }
      g.setWall(hallwayEnd + 2, j);
    }
    world.place(randInt(rng, 1, hallwayEnd + 1), mid, Direction.EAST);
    cue = rng.nextBoolean() ? Cell.KEY : Cell.BALL;
    g.set(1, mid - 1, cue, Cell.GREEN);
    boolean ballFirst = rng.nextBoolean(); // other_objs = [Ball, Key] or [Key, Ball]
    // the aid's draw only when it is on, after every other draw: with P = 0 the episodes are MiniGrid's
    aidedEpisode = !fixedOrder && fixedOrderShare > 0 && rng.nextDouble() < fixedOrderShare;
    if (fixedOrder || aidedEpisode) {
      ballFirst = false; // the key at the top end
    }
    int obj0 = ballFirst ? Cell.BALL : Cell.KEY;
    int obj1 = ballFirst ? Cell.KEY : Cell.BALL;
    if (cueStartShare > 0 && rng.nextDouble() < cueStartShare) {
      aidedEpisode = true;
      world.place(1, mid, Direction.EAST); // the cue one cell to the left, in view
    }
    int x = hallwayEnd + 1;
    g.set(x, mid - 2, obj0, Cell.GREEN);
    g.set(x, mid + 2, obj1, Cell.GREEN);
    if (cue == obj0) {
      successX = x;
      successY = mid - 1;
      failureX = x;
      failureY = mid + 1;
    } else {
      successX = x;
      successY = mid + 1;
      failureX = x;
      failureY = mid - 1;
    }
  }

  @Override
  protected boolean aided() {
    return aidedEpisode;
  }

  /** The cue's object index (KEY or BALL). */
  public int cue() {
    return cue;
  }

  /** {x, y} of the cell that ends the episode with success. */
  public int[] successCell() {
    return new int[] {successX, successY};
  }

  /** {x, y} of the cell that ends the episode with failure. */
  public int[] failureCell() {
    return new int[] {failureX, failureY};
  }

  @Override
  protected Outcome outcome() {
    if (world.x() == successX && world.y() == successY) {
      return Outcome.SUCCESS;
    }
    if (world.x() == failureX && world.y() == failureY) {
      return Outcome.FAILURE;
    }
    return Outcome.CONTINUE;
  }

  @Override
  protected CellTest oracleTarget() {
    return (x, y) -> x == successX && y == successY;
  }

  @Override
  protected CellTest oracleAvoid() {
    return (x, y) -> x == failureX && y == failureY;
  }
}
