package mnemo.envs.grid;

import java.util.Arrays;

/**
 * Breadth-first shortest paths for oracles: four-way walks (pycolab) and MiniGrid's
 * turn-left/turn-right/forward moves, where the state is (x, y, heading).
 */
public final class PathFinder {
  private PathFinder() {}

  /** A test on a cell. */
  @FunctionalInterface
  public interface CellTest {
    boolean test(int x, int y);
  }

  /**
   * The heading (a {@link Direction}) of the first move on a shortest four-way walk from (x, y) to a
   * cell where {@code target} holds, walking only on cells where {@code passable} holds (a target
   * cell is entered even when not passable); -1 when no target is reachable or (x, y) is one.
   */
  public static int firstMove(Grid g, int x, int y, CellTest passable, CellTest target) {
    Walk walk = nearest(g, x, y, passable, target);
    return walk == null ? -1 : walk.firstMove();
  }

  /** The number of four-way moves from (x, y) to the nearest target cell, or -1 when unreachable. */
  public static int distance(Grid g, int x, int y, CellTest passable, CellTest target) {
    Walk walk = nearest(g, x, y, passable, target);
    return walk == null ? -1 : walk.length();
  }

  /** A shortest walk to the nearest target: its first heading (-1 when it is empty) and its length. */
  private record Walk(int firstMove, int length) {}

  /**
   * The cells (flat indices y · width + x) that four-way walks from (x, y) reach on cells where {@code passable}
   * holds, (x, y) first, in breadth-first order.
   */
  public static int[] reachable(Grid g, int x, int y, CellTest passable) {
    FourWaySearch search = new FourWaySearch(g, x, y);
    search.run(passable, (cx, cy) -> false);
    return Arrays.copyOf(search.queue, search.tail);
  }

  /** Breadth-first search of four-way walks (rules as in {@link #firstMove}); null when no target is reachable. */
  private static Walk nearest(Grid g, int x, int y, CellTest passable, CellTest target) {
    if (target.test(x, y)) {
      return new Walk(-1, 0);
    }
    return new FourWaySearch(g, x, y).run(passable, target);
  }

  /** One breadth-first search from a cell; {@code queue[0, tail)} holds the passable cells it reached. */
  private static final class FourWaySearch {
    final Grid g;
    final int w;
    final int[] first; // first heading of the walk that reached each cell, -1 at the start
    final int[] dist; // -1: not reached yet
    final int[] queue;
    int tail;

    FourWaySearch(Grid g, int x, int y) {
      this.g = g;
      this.w = g.width();
      int n = w * g.height();
      first = new int[n];
      dist = new int[n];
      Arrays.fill(dist, -1);
      queue = new int[n];
      first[y * w + x] = -1;
      dist[y * w + x] = 0;
      queue[tail++] = y * w + x;
    }

    /** Searches until a target cell is entered (its walk) or every reachable cell was visited (null). */
    Walk run(CellTest passable, CellTest target) {
      int head = 0;
      while (head < tail) {
        int cur = queue[head++];
        int cx = cur % w;
        int cy = cur / w;
        for (int d = 0; d < 4; d++) {
          int nx = cx + Direction.dx(d);
          int ny = cy + Direction.dy(d);
          int next = ny * w + nx;
          if (!g.inBounds(nx, ny) || dist[next] >= 0) {
            continue;
          }
          first[next] = first[cur] == -1 ? d : first[cur];
          dist[next] = dist[cur] + 1;
          if (target.test(nx, ny)) {
            return new Walk(first[next], dist[next]);
          }
          if (passable.test(nx, ny)) {
            queue[tail++] = next;
          }
        }
      }
      return null;
    }
  }

  /** MiniGrid's actions as numbered by the grid tasks. */
  public static final int LEFT = 0;
  public static final int RIGHT = 1;
  public static final int FORWARD = 2;

  /**
   * The first action (LEFT, RIGHT or FORWARD) of a shortest MiniGrid action sequence that brings the
   * agent of {@code world} onto a cell where {@code target} holds, moving forward only onto cells
   * the agent may overlap and never onto cells where {@code avoid} holds; -1 when unreachable or
   * already there.
   */
  public static int firstTurnAction(World world, CellTest target, CellTest avoid) {
    Grid g = world.grid();
    int w = g.width();
    int n = w * g.height() * 4;
    if (target.test(world.x(), world.y())) {
      return -1;
    }
    int[] first = new int[n];
    Arrays.fill(first, -2);
    int[] queue = new int[n];
    int head = 0;
    int tail = 0;
    int start = (world.y() * w + world.x()) * 4 + world.dir();
    first[start] = -1;
    queue[tail++] = start;
    while (head < tail) {
      int cur = queue[head++];
      int dir = cur & 3;
      int cell = cur >> 2;
      int cx = cell % w;
      int cy = cell / w;
      for (int a = 0; a < 3; a++) {
        int nx = cx;
        int ny = cy;
        int nd = dir;
        if (a == LEFT) {
          nd = Direction.left(dir);
        } else if (a == RIGHT) {
          nd = Direction.right(dir);
        } else {
          nx = cx + Direction.dx(dir);
          ny = cy + Direction.dy(dir);
          if (!g.canOverlap(nx, ny) || avoid.test(nx, ny)) {
            continue;
          }
        }
        int next = (ny * w + nx) * 4 + nd;
        if (first[next] != -2) {
          continue;
        }
        int act = first[cur] == -1 ? a : first[cur];
        if (target.test(nx, ny)) {
          return act;
        }
        first[next] = act;
        queue[tail++] = next;
      }
    }
    return -1;
  }
}
