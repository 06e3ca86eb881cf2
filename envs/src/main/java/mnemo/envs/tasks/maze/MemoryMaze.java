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
 * Memory Maze (Pašukonis et al. 2022) in first person, drawn by a ray caster instead of MuJoCo.
 *
 * <p>Each episode draws a new maze ({@link MazeGenerator}, the same as Memory Grid's) with coloured
 * target spheres at cell centres. One target is current and its colour is the 2-pixel border of the
 * image; touching it (agent centre within {@link #TOUCH_RADIUS} of the target centre) earns +1 and
 * makes another target, chosen uniformly among the others, current. No early end: the episode is
 * truncated (LAST, discount 1) after {@code steps} actions.
 *
 * <p>Motion is continuous: position (x, y) in cell units and heading θ. Actions: 0 noop, 1 forward,
 * 2 left, 3 right, 4 forward+left, 5 forward+right; a turn changes θ by {@link #TURN} (π/8) and
 * forward moves {@link #SPEED} cells along the new heading. The agent is a square of half-side
 * {@link #AGENT_RADIUS} for collisions; motion is resolved one axis at a time, so the agent stops at
 * a wall and slides along it.
 *
 * <p>Observation: uint8 RGB {@code [64, 64, 3]} from {@link RayCaster}.
 */
public final class MemoryMaze implements Environment, Oracle {
  public static final TaskFamily FAMILY = new TaskFamily(
      "memory-maze",
      "Memory Maze in first person: a random maze of rooms seen as 64x64 RGB from the agent's eye, "
          + "+1 for touching the target whose colour borders the image, then a new target",
      List.of(MazeParams.SIZE, MazeParams.TARGETS,
          new Param("steps", "auto", "episode length; auto = Memory Maze's 1000 (9x9), 2000 (11x11), "
              + "3000 (13x13), 4000 (15x15), 500 for 7x7")),
      MemoryMaze::new);

  public static final int IMAGE = 64;
  /** Turn per step (radians): π/8, a right angle in 4 steps. */
  public static final double TURN = Math.PI / 8;
  /** Forward move per step, in cells. */
  public static final double SPEED = 0.33;
  /** Half-side of the agent's collision square, in cells. */
  public static final double AGENT_RADIUS = 0.2;
  /** The target counts as touched when the agent's centre is this close to the target's centre. */
  public static final double TOUCH_RADIUS = 0.4;

  private static final List<String> ACTIONS =
      List.of("noop", "forward", "left", "right", "forward_left", "forward_right");

  private final int size;
  private final int numTargets;
  private final int steps;
  private final EnvSpec spec;
  private final RayCaster caster = new RayCaster(IMAGE, IMAGE);
  private final double[] targetX = new double[TargetColors.MAX];
  private final double[] targetY = new double[TargetColors.MAX];

  private final TargetEpisode episode;
  private SplittableRandom rng;
  private Maze maze;
  private double x;
  private double y;
  private double theta;

  public MemoryMaze(Params p) {
    MazeParams shared = MazeParams.of(p);
    this.size = shared.size();
    this.numTargets = shared.numTargets();
    this.steps = MazeParams.auto(p, "steps", Math.max(500, 500 * (size - 7)), 1, 100_000_000);
    this.spec = new EnvSpec(p.canonicalId(), new TensorSpec("rgb", new int[] {IMAGE, IMAGE, 3}, DType.UINT8, 0, 255),
        ACTIONS.size(), ACTIONS, steps, List.of());
    this.episode = new TargetEpisode(steps);
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  @Override
  public TimeStep reset(long seed) {
    rng = new SplittableRandom(seed);
    Maze m = MazeGenerator.generate(size, numTargets, rng);
    double heading = rng.nextDouble() * 2 * Math.PI;
    int first = rng.nextInt(numTargets);
    return place(m, m.col(m.start) + 0.5, m.row(m.start) + 0.5, heading, first);
  }

  /** Starts an episode in a given maze and pose (tests use hand-built mazes); randomness continues from the last reset. */
  TimeStep place(Maze m, double px, double py, double heading, int firstTarget) {
    if (rng == null) {
      rng = new SplittableRandom(0);
    }
    maze = m;
    caster.setMaze(m);
    for (int k = 0; k < m.numTargets(); k++) {
      targetX[k] = m.col(m.target(k)) + 0.5;
      targetY[k] = m.row(m.target(k)) + 0.5;
    }
    x = px;
    y = py;
    theta = heading;
    episode.start(m, rng, firstTarget);
    return TimeStep.first(observe());
  }

  @Override
  public TimeStep step(int action) {
    spec.checkStep(episode.started(), episode.done(), action);
    if (action == 2 || action == 4) {
      theta -= TURN; // rows grow downward, so decreasing θ turns left on screen
    } else if (action == 3 || action == 5) {
      theta += TURN;
    }
    theta = normalize(theta);
    if (action == 1 || action == 4 || action == 5) {
      move(SPEED * Math.cos(theta), SPEED * Math.sin(theta));
    }
    double dx = x - targetX[episode.current()];
    double dy = y - targetY[episode.current()];
    return episode.step(dx * dx + dy * dy <= TOUCH_RADIUS * TOUCH_RADIUS, this::observe);
  }

  /** Moves by (dx, dy), x then y; along each axis stops the agent's square at the first wall. */
  private void move(double dx, double dy) {
    double r = AGENT_RADIUS;
    double eps = 1e-9;
    double nx = x + dx;
    int r0 = (int) Math.floor(y - r + eps);
    int r1 = (int) Math.floor(y + r - eps);
    if (dx > 0) {
      int c = (int) Math.floor(nx + r);
      if (maze.isWall(c, r0) || maze.isWall(c, r1)) {
        nx = c - r - eps;
      }
    } else if (dx < 0) {
      int c = (int) Math.floor(nx - r);
      if (maze.isWall(c, r0) || maze.isWall(c, r1)) {
        nx = c + 1 + r + eps;
      }
    }
    x = nx;
    double ny = y + dy;
    int c0 = (int) Math.floor(x - r + eps);
    int c1 = (int) Math.floor(x + r - eps);
    if (dy > 0) {
      int rr = (int) Math.floor(ny + r);
      if (maze.isWall(c0, rr) || maze.isWall(c1, rr)) {
        ny = rr - r - eps;
      }
    } else if (dy < 0) {
      int rr = (int) Math.floor(ny - r);
      if (maze.isWall(c0, rr) || maze.isWall(c1, rr)) {
        ny = rr + 1 + r + eps;
      }
    }
    y = ny;
  }

  private static double normalize(double a) {
    a %= 2 * Math.PI;
    return a < 0 ? a + 2 * Math.PI : a;
  }

  private Tensor observe() {
    byte[] rgb = new byte[IMAGE * IMAGE * 3];
    caster.render(x, y, theta, targetX, targetY, maze.numTargets(), episode.current(), rgb);
    return Tensor.ofBytes(rgb, IMAGE, IMAGE, 3);
  }

  // ---- oracle ----

  /**
   * Full knowledge: follow the shortest grid path to the current target, aiming at the farthest
   * cell centre on that path that can be reached in a straight line without touching a wall; turn
   * toward it when it is off by more than half a turn, moving forward at the same time when off by
   * less than 3 turns.
   */
  @Override
  public int oracleAction() {
    int[] distToCurrent = episode.distances();
    int cell = maze.cell((int) x, (int) y);
    double aimX = targetX[episode.current()];
    double aimY = targetY[episode.current()];
    int c = cell;
    boolean first = true;
    while (distToCurrent[c] > 0) {
      int next = maze.downhill(distToCurrent, c);
      double cx = maze.col(next) + 0.5;
      double cy = maze.row(next) + 0.5;
      if (!first && !clear(x, y, cx, cy)) {
        break;
      }
      aimX = cx;
      aimY = cy;
      first = false;
      c = next;
    }
    double want = Math.atan2(aimY - y, aimX - x);
    double diff = Math.IEEEremainder(want - theta, 2 * Math.PI); // in [−π, π]
    if (Math.abs(diff) <= TURN / 2) {
      return 1;
    }
    boolean left = diff < 0;
    if (Math.abs(diff) < 3 * TURN) {
      return left ? 4 : 5;
    }
    return left ? 2 : 3;
  }

  /** Whether the agent's square can slide from (ax, ay) to (bx, by) without meeting a wall. */
  private boolean clear(double ax, double ay, double bx, double by) {
    double len = Math.hypot(bx - ax, by - ay);
    int n = (int) Math.ceil(len / 0.05);
    double margin = AGENT_RADIUS + 0.05;
    for (int i = 0; i <= n; i++) {
      double px = ax + (bx - ax) * i / Math.max(1, n);
      double py = ay + (by - ay) * i / Math.max(1, n);
      if (maze.isWall((int) Math.floor(px - margin), (int) Math.floor(py - margin))
          || maze.isWall((int) Math.floor(px + margin), (int) Math.floor(py - margin))
          || maze.isWall((int) Math.floor(px - margin), (int) Math.floor(py + margin))
          || maze.isWall((int) Math.floor(px + margin), (int) Math.floor(py + margin))) {
        return false;
      }
    }
    return true;
  }

  // ---- state for tests and pictures ----

  public Maze maze() {
    return maze;
  }

  public double x() {
    return x;
  }

  public double y() {
    return y;
  }

  public double heading() {
    return theta;
  }

  public int currentTarget() {
    return episode.current();
  }

  @Override
  public String renderText() {
    char arrow = ">v<^".charAt((int) Math.round(theta / (Math.PI / 2)) % 4);
    int current = episode.current();
    return String.format("t=%d/%d target=%s x=%.2f y=%.2f heading=%.0f°%n", episode.t(), steps, TargetColors.NAMES[current], x, y,
        Math.toDegrees(theta)) + maze.toText(maze.cell((int) x, (int) y), arrow, current);
  }

  /**
   * For people: the agent's view upscaled 4× (256×256) beside a top-down map of the maze (256×256)
   * with the targets, the agent and its field of view.
   */
  @Override
  public Frame render() {
    int view = 4 * IMAGE;
    Frame f = Frame.blank(2 * view, view);
    byte[] rgb = new byte[IMAGE * IMAGE * 3];
    int current = episode.current();
    caster.render(x, y, theta, targetX, targetY, maze.numTargets(), current, rgb);
    for (int py = 0; py < view; py++) {
      for (int px = 0; px < view; px++) {
        int i = ((py / 4) * IMAGE + px / 4) * 3;
        f.set(px, py, (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff));
      }
    }
    TopDownMap.draw(f, view, 0, view, maze, x, y, theta, targetX, targetY, current);
    return f;
  }
}
