package mnemo.envs.tasks.minigrid;

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
import mnemo.envs.grid.EgocentricView;
import mnemo.envs.grid.GridPainter;
import mnemo.envs.grid.GridText;
import mnemo.envs.grid.PathFinder;
import mnemo.envs.grid.PathFinder.CellTest;
import mnemo.envs.grid.World;

/**
 * What MiniGrid's tasks share ({@code MiniGridEnv.step}): three actions (0 turn left, 1 turn right,
 * 2 forward; MiniGrid's pickup/drop/toggle/done are left out as no task here needs them), the
 * egocentric [V, V, 3] uint8 view of (object, colour, state) codes, a step counter t that counts
 * actions, and the time limit T: the episode is truncated (discount 1) when t reaches T without
 * an ending. Success earns MiniGrid's {@code _reward()} = 1 − 0.9 · t / T and ends the episode
 * (discount 0); failure ends it with 0. Every LAST step reports {@code success} 1 or 0.
 */
public abstract class MiniGridTask implements Environment, Oracle {
  public static final int LEFT = 0;
  public static final int RIGHT = 1;
  public static final int FORWARD = 2;
  static final List<String> ACTIONS = List.of("left", "right", "forward");

  private static final Map<String, Float> SUCCEEDED = Map.of(TimeStep.SUCCESS, 1f);
  private static final Map<String, Float> FAILED = Map.of(TimeStep.SUCCESS, 0f);
  private static final Map<String, Float> SUCCEEDED_AIDED = Map.of(TimeStep.SUCCESS, 1f, TimeStep.AIDED, 1f);
  private static final Map<String, Float> FAILED_AIDED = Map.of(TimeStep.SUCCESS, 0f, TimeStep.AIDED, 1f);

  /** What an action led to. */
  protected enum Outcome { CONTINUE, SUCCESS, FAILURE }

  protected final World world;
  private final EgocentricView view;
  private final EnvSpec spec;
  private final int maxSteps;
  private GridPainter painter;
  private int stepCount;
  private boolean started;
  private boolean done;

  protected MiniGridTask(String canonicalId, int width, int height, int maxSteps, int viewSize, boolean seeThroughWalls) {
    this(canonicalId, width, height, maxSteps, viewSize, seeThroughWalls, List.of(TimeStep.SUCCESS));
  }

  /** @param infoKeys what LAST steps report: {@code success}, and {@code aided} for a task with a training aid */
  protected MiniGridTask(String canonicalId, int width, int height, int maxSteps, int viewSize, boolean seeThroughWalls,
      List<String> infoKeys) {
    if (maxSteps <= 0) {
      throw new IllegalArgumentException(canonicalId + ": max steps must be positive, got " + maxSteps);
    }
    this.world = new World(width, height);
    this.view = new EgocentricView(viewSize, seeThroughWalls);
    this.maxSteps = maxSteps;
    this.spec = new EnvSpec(canonicalId,
        new TensorSpec("image", new int[] {viewSize, viewSize, 3}, DType.UINT8, 0, Cell.MAX_MINIGRID_CODE),
        3, ACTIONS, maxSteps, infoKeys);
  }

  /** Builds a new episode's grid and places the agent (MiniGrid's {@code _gen_grid}). */
  protected abstract void generate(SplittableRandom rng);

  /**
   * Whether this episode was made easier by a training aid: its LAST step then reports {@code aided} 1 too
   * (none by default).
   */
  protected boolean aided() {
    return false;
  }

  /** Where the oracle walks to. */
  protected abstract CellTest oracleTarget();

  /** Cells the oracle never steps on (none by default). */
  protected CellTest oracleAvoid() {
    return (x, y) -> false;
  }

  /** The outcome of the action just taken: the goal succeeds, lava fails (MiniGridEnv.step). */
  protected Outcome outcome() {
    int obj = world.grid().object(world.x(), world.y());
    return obj == Cell.GOAL ? Outcome.SUCCESS : obj == Cell.LAVA ? Outcome.FAILURE : Outcome.CONTINUE;
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  public int maxSteps() {
    return maxSteps;
  }

  /** Actions taken so far in this episode (MiniGrid's {@code step_count}). */
  public int stepCount() {
    return stepCount;
  }

  /** The grid and agent (read-only use: tests and renderers). */
  public World world() {
    return world;
  }

  @Override
  public TimeStep reset(long seed) {
    world.clear();
    generate(new SplittableRandom(seed));
    stepCount = 0;
    started = true;
    done = false;
    return TimeStep.first(observe());
  }

  @Override
  public TimeStep step(int action) {
    spec.checkStep(started, done, action);
    stepCount++;
    switch (action) {
      case LEFT -> world.turnLeft();
      case RIGHT -> world.turnRight();
      default -> world.forward();
    }
    Outcome o = outcome();
    if (o == Outcome.SUCCESS) {
      done = true;
      // MiniGrid's _reward(): 1 - 0.9 * (step_count / max_steps).
      float reward = 1f - 0.9f * ((float) stepCount / maxSteps);
      return TimeStep.terminal(reward, observe(), aided() ? SUCCEEDED_AIDED : SUCCEEDED);
    }
    if (o == Outcome.FAILURE) {
      done = true;
      return TimeStep.terminal(0f, observe(), aided() ? FAILED_AIDED : FAILED);
    }
    if (stepCount >= maxSteps) {
      done = true;
      return TimeStep.truncated(0f, observe(), aided() ? FAILED_AIDED : FAILED);
    }
    return TimeStep.mid(0f, observe());
  }

  private Tensor observe() {
    int v = view.size();
    byte[] out = new byte[v * v * 3];
    view.encode(world, out);
    return Tensor.ofBytes(out, v, v, 3);
  }

  /** A shortest path to the target (BFS over position and heading); LEFT when there is none. */
  @Override
  public int oracleAction() {
    int a = PathFinder.firstTurnAction(world, oracleTarget(), oracleAvoid());
    return a < 0 ? LEFT : a;
  }

  /** MiniGrid's picture: the whole grid, the cells the agent sees lightened. */
  @Override
  public Frame render() {
    if (painter == null) {
      painter = new GridPainter(GridPainter.Style.MINIGRID, 24, null);
    }
    int w = world.grid().width();
    boolean[] seen = new boolean[w * world.grid().height()];
    if (started) {
      int v = view.size();
      for (int i = 0; i < v; i++) {
        for (int j = 0; j < v; j++) {
          if (view.visible(i, j)) {
            int[] c = view.worldCell(world.x(), world.y(), world.dir(), i, j);
            if (world.grid().inBounds(c[0], c[1])) {
              seen[c[1] * w + c[0]] = true;
            }
          }
        }
      }
    }
    return painter.paint(world, seen);
  }

  @Override
  public String renderText() {
    return spec.taskId() + " t=" + stepCount + "/" + maxSteps + "\n" + GridText.render(world);
  }

  /** MiniGrid's {@code _rand_int(low, high)}: uniform in [low, high). */
  static int randInt(SplittableRandom rng, int low, int high) {
    return low + rng.nextInt(high - low);
  }

  /**
   * MiniGrid's {@code place_agent()}: a uniformly random empty cell of the whole grid (rejection
   * sampling as {@code place_obj}) and a random heading.
   */
  void placeAgentRandomly(SplittableRandom rng) {
    int[] p = randomEmptyCell(rng, -1, -1);
    world.place(p[0], p[1], rng.nextInt(4));
  }

  /** MiniGrid's {@code place_obj} position: a random empty cell other than (notX, notY). */
  int[] randomEmptyCell(SplittableRandom rng, int notX, int notY) {
    var g = world.grid();
    for (int tries = 0; tries < 100_000; tries++) {
      int x = rng.nextInt(g.width());
      int y = rng.nextInt(g.height());
      if (g.isEmpty(x, y) && !(x == notX && y == notY)) {
        return new int[] {x, y};
      }
    }
    throw new IllegalStateException(spec.taskId() + ": no empty cell to place an object");
  }
}
