package mnemo.envs.tasks.maze;

import java.util.SplittableRandom;

/**
 * Random mazes of rooms and corridors after DeepMind's labmaze {@code RandomMaze}, as used by Memory
 * Maze (Pašukonis et al. 2022) and Memory Grid.
 *
 * <p>The interior is an odd {@code size × size} grid surrounded by wall. Cells at odd coordinates of
 * the full grid are <em>nodes</em>; a node and its right or lower neighbour two cells away are joined
 * by carving the cell between them. The generator
 * <ol>
 *   <li>places up to {@code maxRooms} non-overlapping rectangular rooms whose sides are odd lengths in
 *       [{@code roomMin}, {@code roomMax}] aligned on nodes (so rooms are separated by at least one
 *       wall line), carving them out whole;</li>
 *   <li>joins everything into one spanning tree by randomised Kruskal over node-to-node edges, with
 *       each room pre-merged into one component (corridors one cell wide; a room may get several
 *       doors, no loops);</li>
 *   <li>puts each target in a random cell of a different room (labmaze's one object per room; a
 *       maze with fewer rooms than targets is redrawn, and after 100 redraws the remaining targets
 *       go to random floor cells), and the agent on a random room cell holding no target.</li>
 * </ol>
 * Room settings follow Memory Maze: up to 6 rooms of 3–5 cells for sizes 7–13, up to 9 rooms of 3
 * cells for 15. Every floor cell is reachable from every other (a spanning tree over all nodes).
 * The same random stream gives the same maze.
 */
public final class MazeGenerator {
  private MazeGenerator() {}

  public static final int MIN_SIZE = 7;
  public static final int MAX_SIZE = 15;
  private static final int REDRAWS = 100;

  /** Memory Maze's number of targets for an interior size: 7→2, 9→3, 11→4, 13→5, 15→6. */
  public static int defaultTargets(int size) {
    checkSize(size);
    return (size - 3) / 2;
  }

  /** Throws IllegalArgumentException unless {@code size} is odd and in [7, 15]. */
  public static void checkSize(int size) {
    if (size < MIN_SIZE || size > MAX_SIZE || size % 2 == 0) {
      throw new IllegalArgumentException("maze size must be odd in [" + MIN_SIZE + ", " + MAX_SIZE + "], got " + size);
    }
  }

  /**
   * A new maze of interior {@code size} with {@code targets} targets in distinct cells, drawn from
   * {@code rng}.
   */
  public static Maze generate(int size, int targets, SplittableRandom rng) {
    checkSize(size);
    if (targets < 1 || targets > TargetColors.MAX) {
      throw new IllegalArgumentException("targets must be in [1, " + TargetColors.MAX + "], got " + targets);
    }
    int maxRooms = size >= 15 ? 9 : 6;
    int roomMax = size >= 15 ? 3 : 5;
    Layout layout = null;
    for (int attempt = 0; attempt < REDRAWS; attempt++) {
      layout = layout(size, maxRooms, 3, roomMax, rng);
      if (layout.rooms >= targets) {
        break;
      }
    }
    return placeObjects(size, layout, targets, rng);
  }

  /** Walls and rooms before objects are placed. */
  private record Layout(boolean[] wall, int[] room, int rooms) {}

  private static Layout layout(int size, int maxRooms, int roomMin, int roomMax, SplittableRandom rng) {
    int width = size + 2;
    int nodes = (size + 1) / 2; // nodes per axis, at full-grid coordinates 1, 3, ..., size
    boolean[] wall = new boolean[width * width];
    java.util.Arrays.fill(wall, true);
    int[] room = new int[width * width];
    java.util.Arrays.fill(room, -1);
    int[] nodeRoom = new int[nodes * nodes];
    java.util.Arrays.fill(nodeRoom, -1);

    // 1. Rooms: spans of (len + 1) / 2 nodes; a room's nodes must all be free.
    int rooms = 0;
    for (int tries = 0; tries < 20 * maxRooms && rooms < maxRooms; tries++) {
      int w = oddIn(roomMin, roomMax, rng);
      int h = oddIn(roomMin, roomMax, rng);
      int spanX = (w + 1) / 2;
      int spanY = (h + 1) / 2;
      if (spanX > nodes || spanY > nodes) {
        continue;
      }
      int nx = rng.nextInt(nodes - spanX + 1);
      int ny = rng.nextInt(nodes - spanY + 1);
      boolean free = true;
      for (int j = ny; j < ny + spanY && free; j++) {
        for (int i = nx; i < nx + spanX; i++) {
          if (nodeRoom[j * nodes + i] >= 0) {
            free = false;
            break;
          }
        }
      }
      if (!free) {
        continue;
      }
      for (int j = ny; j < ny + spanY; j++) {
        for (int i = nx; i < nx + spanX; i++) {
          nodeRoom[j * nodes + i] = rooms;
        }
      }
      for (int r = 2 * ny + 1; r <= 2 * (ny + spanY - 1) + 1; r++) {
        for (int c = 2 * nx + 1; c <= 2 * (nx + spanX - 1) + 1; c++) {
          wall[r * width + c] = false;
          room[r * width + c] = rooms;
        }
      }
      rooms++;
    }

    // 2. Kruskal over node edges; rooms start as single components.
    int[] parent = new int[nodes * nodes];
    for (int v = 0; v < parent.length; v++) {
      parent[v] = v;
    }
    int[] roomRoot = new int[rooms];
    java.util.Arrays.fill(roomRoot, -1);
    for (int v = 0; v < parent.length; v++) {
      int rm = nodeRoom[v];
      if (rm >= 0) {
        if (roomRoot[rm] < 0) {
          roomRoot[rm] = v;
        }
        parent[v] = roomRoot[rm];
      }
      int r = 2 * (v / nodes) + 1;
      int c = 2 * (v % nodes) + 1;
      wall[r * width + c] = false;
    }
    // Edge e < nodes*nodes: node e to its right neighbour; otherwise node e - nodes*nodes to the one below.
    int nn = nodes * nodes;
    int[] edges = new int[2 * nn];
    int count = 0;
    for (int v = 0; v < nn; v++) {
      if (v % nodes < nodes - 1) {
        edges[count++] = v;
      }
      if (v / nodes < nodes - 1) {
        edges[count++] = nn + v;
      }
    }
    for (int i = count - 1; i > 0; i--) { // Fisher–Yates
      int j = rng.nextInt(i + 1);
      int t = edges[i];
      edges[i] = edges[j];
      edges[j] = t;
    }
    for (int k = 0; k < count; k++) {
      int e = edges[k];
      int a = e < nn ? e : e - nn;
      int b = e < nn ? a + 1 : a + nodes;
      int ra = find(parent, a);
      int rb = find(parent, b);
      if (ra == rb) {
        continue;
      }
      parent[ra] = rb;
      int r = (a / nodes) + (b / nodes) + 1; // midpoint row: (2ya+1 + 2yb+1) / 2
      int c = (a % nodes) + (b % nodes) + 1;
      wall[r * width + c] = false;
    }
    return new Layout(wall, room, rooms);
  }

  private static Maze placeObjects(int size, Layout layout, int targets, SplittableRandom rng) {
    int width = size + 2;
    int cells = width * width;
    int[] roomSize = new int[layout.rooms];
    for (int c = 0; c < cells; c++) {
      if (layout.room[c] >= 0) {
        roomSize[layout.room[c]]++;
      }
    }
    int[] order = new int[layout.rooms];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    for (int i = order.length - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int[] target = new int[targets];
    boolean[] taken = new boolean[cells];
    for (int k = 0; k < targets; k++) {
      int cell;
      if (k < order.length) {
        int rm = order[k];
        cell = nthCell(layout, c -> layout.room[c] == rm, rng.nextInt(roomSize[rm]));
      } else {
        int free = 0;
        for (int c = 0; c < cells; c++) {
          free += !layout.wall[c] && !taken[c] ? 1 : 0;
        }
        cell = nthCell(layout, c -> !layout.wall[c] && !taken[c], rng.nextInt(free));
      }
      target[k] = cell;
      taken[cell] = true;
    }
    int spawnable = 0;
    for (int c = 0; c < cells; c++) {
      spawnable += spawnable(layout, taken, c) ? 1 : 0;
    }
    int start;
    if (spawnable > 0) {
      start = nthCell(layout, c -> spawnable(layout, taken, c), rng.nextInt(spawnable));
    } else { // no room cell left: any free floor cell (a size-7 maze can be all corridors)
      int free = 0;
      for (int c = 0; c < cells; c++) {
        free += !layout.wall[c] && !taken[c] ? 1 : 0;
      }
      start = nthCell(layout, c -> !layout.wall[c] && !taken[c], rng.nextInt(free));
    }
    return new Maze(size, layout.wall, layout.room, layout.rooms, target, start);
  }

  private static boolean spawnable(Layout layout, boolean[] taken, int c) {
    return layout.room[c] >= 0 && !taken[c];
  }

  private static int nthCell(Layout layout, java.util.function.IntPredicate ok, int n) {
    for (int c = 0; c < layout.wall.length; c++) {
      if (ok.test(c) && n-- == 0) {
        return c;
      }
    }
    throw new IllegalStateException("no such cell");
  }

  private static int oddIn(int lo, int hi, SplittableRandom rng) {
    int choices = (hi - lo) / 2 + 1;
    return lo + 2 * rng.nextInt(choices);
  }

  private static int find(int[] parent, int v) {
    while (parent[v] != v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  }
}
