package mnemo.envs.grid;

/**
 * MiniGrid's partial observation: the V×V cells in front of the agent, rotated so the agent sits at
 * the bottom centre (V/2, V−1) facing up, each cell encoded as (object, colour, state).
 *
 * <p>The output is MiniGrid's {@code obs["image"]} exactly: shape [V, V, 3] indexed [i, j, c] with i
 * the column (left to right) and j the row (far to near), so element (i, j, c) sits at
 * {@code (i * V + j) * 3 + c}. Cells outside the grid are grey walls ({@code Grid.slice}); the
 * agent's own cell shows what it carries, or empty. Unless {@code seeThroughWalls}, occlusion follows
 * {@code Grid.process_vis}: light spreads from the agent's cell sideways and forwards through cells
 * that can be seen behind; hidden cells encode as (0, 0, 0), "unseen".
 *
 * <p>Not thread-safe: it reuses scratch arrays. {@link #encode} expects a zeroed output array.
 */
public final class EgocentricView {
  private final int size;
  private final boolean seeThroughWalls;
  /** The packed cells in view, index i * V + j. */
  private final short[] cells;
  private final boolean[] mask;

  public EgocentricView(int size, boolean seeThroughWalls) {
    if (size < 3 || size % 2 == 0) {
      throw new IllegalArgumentException("view size must be odd and at least 3, got " + size);
    }
    this.size = size;
    this.seeThroughWalls = seeThroughWalls;
    cells = new short[size * size];
    mask = new boolean[size * size];
  }

  public int size() {
    return size;
  }

  public boolean seeThroughWalls() {
    return seeThroughWalls;
  }

  /** Writes the view of {@code world} into {@code out} ([V, V, 3], see the class comment). */
  public void encode(World world, byte[] out) {
    final int v = size;
    final int half = v / 2;
    final Grid g = world.grid();
    final short[] gCells = g.cells();
    final int gw = g.width();
    final int gh = g.height();
    // Forward f = DIR_TO_VEC[dir]; right r = (-f.y, f.x). View cell (i, j) lies (v-1-j) cells ahead
    // and (i - v/2) cells to the right of the agent.
    final int fx = Direction.dx(world.dir());
    final int fy = Direction.dy(world.dir());
    final int rx = -fy;
    final int ry = fx;
    final int ax = world.x();
    final int ay = world.y();
    for (int i = 0; i < v; i++) {
      int lat = i - half;
      // Start at the far end of column i (j = 0) and walk back towards the agent.
      int wx = ax + fx * (v - 1) + rx * lat;
      int wy = ay + fy * (v - 1) + ry * lat;
      for (int j = 0, k = i * v; j < v; j++, k++, wx -= fx, wy -= fy) {
        cells[k] = wx >= 0 && wy >= 0 && wx < gw && wy < gh ? gCells[wy * gw + wx] : Cell.OUTSIDE;
      }
    }
    if (seeThroughWalls) {
      java.util.Arrays.fill(mask, true);
    } else {
      processVis(half, v - 1);
    }
    // The agent's own cell shows what it carries, or empty.
    int carried = world.carrying();
    cells[half * v + (v - 1)] = Cell.pack(carried, carried == Cell.EMPTY ? 0 : world.carryingColor(), 0);
    for (int k = 0, o = 0, n = v * v; k < n; k++, o += 3) {
      if (mask[k]) {
        int c = cells[k];
        out[o] = (byte) (c & 15);
        out[o + 1] = (byte) (c >> 4 & 7);
        out[o + 2] = (byte) (c >> 7 & 3);
      }
      // Hidden cells stay (unseen, 0, 0): the caller hands in a zeroed array.
    }
  }

  /** Which view cells the last {@link #encode} saw, indexed i * V + j. */
  public boolean visible(int i, int j) {
    return mask[i * size + j];
  }

  /**
   * MiniGrid's Grid.process_vis on the view, one row (fixed j) at a time as bit sets over the
   * columns i. process_vis seeds the agent's cell, then for j from the agent's row to the far row:
   * a rightward sweep lights i+1 from every lit cell i that can be seen behind, a leftward sweep
   * lights i−1 likewise, and every lit see-behind cell i lights (i, j−1) and its neighbour on the
   * sweep's side. As bit sets, with S = lit ∧ seeBehind: the rightward sweep is the closure of
   * lit |= (lit ∧ see) << 1, the leftward one the closure of lit |= (lit ∧ see) >> 1, and the
   * next row starts from S ∪ S<<1 ∪ S>>1 (each cell of S is marked up by the left sweep with its
   * left neighbour, and its right neighbour is marked by whichever sweep lit it).
   */
  private void processVis(int agentI, int agentJ) {
    final int v = size;
    final int all = (1 << v) - 1;
    final boolean[] see = Cell.SEE_BEHIND_PACKED;
    int lit = 1 << agentI;
    for (int j = agentJ; j >= 0; j--) {
      int clear = 0;
      for (int i = 0; i < v; i++) {
        if (see[cells[i * v + j]]) {
          clear |= 1 << i;
        }
      }
      int prev;
      do {
        prev = lit;
        lit = (lit | (lit & clear) << 1) & all;
      } while (lit != prev);
      do {
        prev = lit;
        lit |= (lit & clear) >> 1;
      } while (lit != prev);
      for (int i = 0; i < v; i++) {
        mask[i * v + j] = (lit >> i & 1) != 0;
      }
      int s = lit & clear;
      lit = (s | s << 1 | s >> 1) & all;
    }
  }

  /** The world cell shown at view cell (i, j) for an agent at (ax, ay) facing {@code dir}: {x, y}. */
  public int[] worldCell(int ax, int ay, int dir, int i, int j) {
    int fx = Direction.dx(dir);
    int fy = Direction.dy(dir);
    int ahead = size - 1 - j;
    int lat = i - size / 2;
    return new int[] {ax + fx * ahead - fy * lat, ay + fy * ahead + fx * lat};
  }
}
