package mnemo.envs.tasks.maze;

import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Frame;
import mnemo.envs.Oracle;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;

/**
 * Memory Grid: the 2D, discrete form of Memory Maze.
 *
 * <p>Each episode draws a new maze ({@link MazeGenerator}) with {@code targets} coloured targets. One
 * target is current; stepping onto it earns +1 and makes another target, chosen uniformly among the
 * others, current. Other targets and walls do nothing (moving into a wall leaves the agent in place).
 * There is no early end: the episode is truncated (LAST, discount 1) after {@code steps} actions.
 *
 * <p>Observation: uint8 RGB {@code [2v+3, 2v+3, 3]} (rows, columns, channels), one pixel per cell:
 * the top-down {@code (2v+1)²} crop centred on the agent (not rotated: the 4 actions are the compass
 * moves up, right, down, left), wrapped in a 1-pixel border of the current target's colour. Walls
 * (and anything beyond the maze) are black, floor white, targets their colour, the agent's own cell
 * grey (128, 128, 128).
 */
public final class MemoryGrid implements Environment, Oracle {
  public static final TaskFamily FAMILY = new TaskFamily(
      "memory-grid",
      "Memory Grid: a random maze of rooms, coloured targets, +1 for reaching the target whose colour "
          + "borders the egocentric top-down crop, then a new target",
      List.of(MazeParams.SIZE, MazeParams.TARGETS,
          new Param("view", "2", "view radius v: the agent sees the (2v+1)x(2v+1) cells around it"),
          new Param("steps", "auto", "episode length; auto = 100 (7x7), 200 (9x9) ... 500 (15x15); "
              + "Memory Maze's long episodes: 1000 (9x9) ... 4000 (15x15)")),
      MemoryGrid::new);

  static final int WALL_RGB = 0x000000;
  static final int FLOOR_RGB = 0xFFFFFF;
  static final int AGENT_RGB = 0x808080;

  private final int size;
  private final int numTargets;
  private final int view;
  private final int steps;
  private final int side;
  private final EnvSpec spec;

  private final TargetEpisode episode;
  private SplittableRandom rng;
  private Maze maze;
  private int agent = -1;

  public MemoryGrid(Params p) {
    MazeParams shared = MazeParams.of(p);
    this.size = shared.size();
    this.numTargets = shared.numTargets();
    this.view = p.getInt("view", 0, 32);
    this.steps = MazeParams.auto(p, "steps", 100 * (size - 5) / 2, 1, 100_000_000);
    this.side = 2 * view + 3;
    this.episode = new TargetEpisode(steps);
    this.spec = new EnvSpec(p.canonicalId(), new TensorSpec("rgb", new int[] {side, side, 3}, DType.UINT8, 0, 255),
        4, List.of("up", "right", "down", "left"), steps, List.of());
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  @Override
  public TimeStep reset(long seed) {
    rng = new SplittableRandom(seed);
    Maze m = MazeGenerator.generate(size, numTargets, rng);
    return place(m, m.start, rng.nextInt(numTargets));
  }

  /** Starts an episode in a given maze (tests use hand-built ones); randomness continues from the last reset. */
  TimeStep place(Maze m, int agentCell, int firstTarget) {
    if (rng == null) {
      rng = new SplittableRandom(0);
    }
    maze = m;
    agent = agentCell;
    episode.start(m, rng, firstTarget);
    return TimeStep.first(observe());
  }

  @Override
  public TimeStep step(int action) {
    spec.checkStep(episode.started(), episode.done(), action);
    int next = agent + maze.neighbourOffset(action);
    if (!maze.isWall(next)) {
      agent = next;
    }
    return episode.step(agent == maze.target(episode.current()), this::observe);
  }

  private Tensor observe() {
    byte[] rgb = new byte[side * side * 3];
    int border = TargetColors.rgb(episode.current());
    int ac = maze.col(agent);
    int ar = maze.row(agent);
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int colour;
        if (x == 0 || y == 0 || x == side - 1 || y == side - 1) {
          colour = border;
        } else {
          colour = cellColour(ac + x - 1 - view, ar + y - 1 - view);
        }
        int i = (y * side + x) * 3;
        rgb[i] = (byte) (colour >> 16);
        rgb[i + 1] = (byte) (colour >> 8);
        rgb[i + 2] = (byte) colour;
      }
    }
    return Tensor.ofBytes(rgb, side, side, 3);
  }

  private int cellColour(int col, int row) {
    if (maze.isWall(col, row)) {
      return WALL_RGB;
    }
    int cell = maze.cell(col, row);
    if (cell == agent) {
      return AGENT_RGB;
    }
    int k = maze.targetAt(cell);
    return k >= 0 ? TargetColors.rgb(k) : FLOOR_RGB;
  }

  /** Full knowledge: a first move on a shortest path to the current target. */
  @Override
  public int oracleAction() {
    int next = maze.downhill(episode.distances(), agent);
    for (int d = 0; d < 4; d++) {
      if (agent + maze.neighbourOffset(d) == next) {
        return d;
      }
    }
    return 0; // unreachable: every floor cell is connected
  }

  /** The maze (for tests and pictures). */
  public Maze maze() {
    return maze;
  }

  public int agentCell() {
    return agent;
  }

  public int currentTarget() {
    return episode.current();
  }

  @Override
  public String renderText() {
    int current = episode.current();
    return "t=" + episode.t() + "/" + steps + " target=" + TargetColors.NAMES[current] + "\n"
        + maze.toText(agent, '@', current);
  }

  /**
   * The whole maze, 16 pixels a cell: what the agent sees bright, the rest darkened, the agent a dark
   * disc, the current target outlined, all in a 4-pixel border of the target's colour.
   */
  @Override
  public Frame render() {
    int cell = 16;
    int w = maze.width * cell + 8;
    Frame f = Frame.blank(w, w);
    int current = episode.current();
    int border = TargetColors.rgb(current);
    for (int y = 0; y < w; y++) {
      for (int x = 0; x < w; x++) {
        f.set(x, y, border);
      }
    }
    int ac = maze.col(agent);
    int ar = maze.row(agent);
    for (int r = 0; r < maze.width; r++) {
      for (int c = 0; c < maze.width; c++) {
        int colour = cellColour(c, r);
        boolean seen = Math.abs(c - ac) <= view && Math.abs(r - ar) <= view;
        if (!seen) { // darken what the agent cannot see
          colour = (colour >> 1) & 0x7F7F7F;
        }
        int k = maze.targetAt(maze.cell(c, r));
        for (int y = 0; y < cell; y++) {
          for (int x = 0; x < cell; x++) {
            int px = colour;
            boolean edge = x < 2 || y < 2 || x >= cell - 2 || y >= cell - 2;
            if (k == current && edge) {
              px = 0x000000; // outline the current target
            }
            if (maze.cell(c, r) == agent) { // the agent: a dark disc
              double dx = x + 0.5 - cell / 2.0;
              double dy = y + 0.5 - cell / 2.0;
              px = dx * dx + dy * dy <= (cell / 2.0 - 1) * (cell / 2.0 - 1) ? 0x202020 : FLOOR_RGB;
            }
            f.set(4 + c * cell + x, 4 + r * cell + y, px);
          }
        }
      }
    }
    return f;
  }
}
