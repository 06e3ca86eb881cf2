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
  private final byte[] obj;
  private final byte[] col;
  private final byte[] st;
  private final boolean[] mask;

  public EgocentricView(int size, boolean seeThroughWalls) {
    if (size < 3 || size % 2 == 0) {
      throw new IllegalArgumentException("view size must be odd and at least 3, got " + size);
    }
    this.size = size;
    this.seeThroughWalls = seeThroughWalls;
    obj = new byte[size * size];
    col = new byte[size * size];
    st = new byte[size * size];
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
    final byte[] gObj = g.objects();
    final byte[] gCol = g.colors();
    final byte[] gSt = g.states();
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
        if (wx >= 0 && wy >= 0 && wx < gw && wy < gh) {
          int c = wy * gw + wx;
          obj[k] = gObj[c];
          col[k] = gCol[c];
          st[k] = gSt[c];
        } else {
          obj[k] = Cell.WALL;
          col[k] = Cell.GREY;
          st[k] = 0;
        }
      }
    }
    if (seeThroughWalls) {
      java.util.Arrays.fill(mask, true);
    } else {
      processVis(half, v - 1);
    }
    int agent = half * v + (v - 1);
    obj[agent] = (byte) world.carrying();
    col[agent] = (byte) (world.carrying() == Cell.EMPTY ? 0 : world.carryingColor());
    st[agent] = 0;
    for (int k = 0, o = 0, n = v * v; k < n; k++, o += 3) {
      if (mask[k]) {
        out[o] = obj[k];
        out[o + 1] = col[k];
        out[o + 2] = st[k];
      }
      // Hidden cells stay (unseen, 0, 0): the caller hands in a zeroed array.
    }
  }

  /** Which view cells the last {@link #encode} saw, indexed i * V + j. */
  public boolean visible(int i, int j) {
    return mask[i * size + j];
  }

  /** MiniGrid's Grid.process_vis on the view arrays, indices i * V + j. */
  private void processVis(int agentI, int agentJ) {
    final int v = size;
    java.util.Arrays.fill(mask, false);
    mask[agentI * v + agentJ] = true;
    for (int j = v - 1; j >= 0; j--) {
      for (int i = 0; i < v - 1; i++) {
        if (!mask[i * v + j] || !Cell.seeBehind(obj[i * v + j], st[i * v + j])) {
          continue;
        }
        mask[(i + 1) * v + j] = true;
        if (j > 0) {
          mask[(i + 1) * v + j - 1] = true;
          mask[i * v + j - 1] = true;
        }
      }
      for (int i = v - 1; i > 0; i--) {
        if (!mask[i * v + j] || !Cell.seeBehind(obj[i * v + j], st[i * v + j])) {
          continue;
        }
        mask[(i - 1) * v + j] = true;
        if (j > 0) {
          mask[(i - 1) * v + j - 1] = true;
          mask[i * v + j - 1] = true;
        }
      }
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
