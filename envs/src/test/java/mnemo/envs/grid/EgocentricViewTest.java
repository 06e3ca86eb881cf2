package mnemo.envs.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EgocentricViewTest {

  private static int[] at(byte[] img, int i, int j) {
    int o = (i * 7 + j) * 3;
    return new int[] {img[o], img[o + 1], img[o + 2]};
  }

  private static byte[] encode(World w, boolean seeThroughWalls) {
    byte[] out = new byte[7 * 7 * 3];
    new EgocentricView(7, seeThroughWalls).encode(w, out);
    return out;
  }

  /**
   * MiniGrid's gen_obs_grid written out literally: slice from get_view_exts (walls outside the grid),
   * rotate_left (dir + 1) times, no occlusion. Returns {@code cell(x, y)} of each view cell [i][j].
   */
  private static int[][] referenceSlice(World w, int v, java.util.function.IntBinaryOperator cell) {
    int ax = w.x();
    int ay = w.y();
    int topX;
    int topY;
    switch (w.dir()) {
      case 0 -> { topX = ax; topY = ay - v / 2; }
      case 1 -> { topX = ax - v / 2; topY = ay; }
      case 2 -> { topX = ax - v + 1; topY = ay - v / 2; }
      default -> { topX = ax - v / 2; topY = ay - v + 1; }
    }
    int[][] grid = new int[v][v];
    for (int j = 0; j < v; j++) {
      for (int i = 0; i < v; i++) {
        grid[i][j] = cell.applyAsInt(topX + i, topY + j);
      }
    }
    for (int r = 0; r < w.dir() + 1; r++) {
      int[][] rot = new int[v][v];
      for (int i = 0; i < v; i++) {
        for (int j = 0; j < v; j++) {
          rot[j][v - 1 - i] = grid[i][j]; // rotate_left: grid.set(j, height - 1 - i, v)
        }
      }
      grid = rot;
    }
    return grid;
  }

  /** The object codes of the 7x7 view, unoccluded. */
  private static int[][] referenceObjects(World w) {
    return referenceSlice(w, 7, w.grid()::object);
  }

  @Test
  void matchesMiniGridSliceAndRotateInEveryHeading() {
    World w = new World(9, 8);
    w.grid().wallRect(0, 0, 9, 8);
    w.grid().set(2, 2, Cell.BALL, Cell.BLUE);
    w.grid().set(6, 3, Cell.KEY, Cell.YELLOW);
    w.grid().set(4, 6, Cell.BOX, Cell.PURPLE);
    w.grid().set(7, 6, Cell.GOAL, Cell.GREEN);
    for (int dir = 0; dir < 4; dir++) {
      for (int x = 1; x < 8; x++) {
        for (int y = 1; y < 7; y++) {
          if (!w.grid().isEmpty(x, y)) {
            continue;
          }
          w.place(x, y, dir);
          byte[] img = encode(w, true);
          int[][] ref = referenceObjects(w);
          ref[3][6] = Cell.EMPTY; // the agent's own cell shows what it carries
          for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 7; j++) {
              assertThat(at(img, i, j)[0]).as("dir %d at (%d,%d), view (%d,%d)", dir, x, y, i, j).isEqualTo(ref[i][j]);
            }
          }
        }
      }
    }
  }

  @Test
  void encodesObjectColourAndStateAndWallsOutsideTheGrid() {
    World w = new World(5, 5);
    w.grid().set(2, 1, Cell.DOOR, Cell.YELLOW, Cell.LOCKED);
    w.place(2, 2, Direction.NORTH);
    byte[] img = encode(w, true);
    assertThat(at(img, 3, 5)).containsExactly(Cell.DOOR, Cell.YELLOW, Cell.LOCKED); // one ahead
    assertThat(at(img, 3, 4)).containsExactly(Cell.EMPTY, 0, 0);
    assertThat(at(img, 3, 0)).containsExactly(Cell.WALL, Cell.GREY, 0); // y = -4: outside
    assertThat(at(img, 3, 6)).containsExactly(Cell.EMPTY, 0, 0); // the agent's cell
    w.carry(Cell.KEY, Cell.RED);
    assertThat(at(encode(w, true), 3, 6)).containsExactly(Cell.KEY, Cell.RED, 0);
  }

  /**
   * Hand-worked occlusion: an 8×8 room, the agent at (1, 1) facing east (MiniGrid-Empty-8x8's
   * start). View columns i = 0, 1 lie beyond the north wall (i = 2) and are unseen; the wall column
   * and the east wall (row j = 0) are seen; the rest of the room is empty.
   */
  @Test
  void occlusionHidesWhatLiesBehindTheWall() {
    World w = new World(8, 8);
    w.grid().wallRect(0, 0, 8, 8);
    w.place(1, 1, Direction.EAST);
    byte[] img = encode(w, false);
    for (int j = 0; j < 7; j++) {
      assertThat(at(img, 0, j)).as("(0,%d)", j).containsExactly(0, 0, 0);
      assertThat(at(img, 1, j)).as("(1,%d)", j).containsExactly(0, 0, 0);
      assertThat(at(img, 2, j)).as("(2,%d)", j).containsExactly(Cell.WALL, Cell.GREY, 0);
    }
    for (int i = 3; i < 7; i++) {
      assertThat(at(img, i, 0)).as("(%d,0)", i).containsExactly(Cell.WALL, Cell.GREY, 0);
      for (int j = 1; j < 7; j++) {
        assertThat(at(img, i, j)).as("(%d,%d)", i, j).containsExactly(Cell.EMPTY, 0, 0);
      }
    }
    // see_through_walls shows the cells beyond: outside the grid, so walls.
    byte[] all = encode(w, true);
    assertThat(at(all, 0, 3)).containsExactly(Cell.WALL, Cell.GREY, 0);
  }

  /**
   * A wall across the corridor ahead: cells behind it are hidden, a closed door hides too and an
   * open door does not. Agent at (3, 6) facing north in a 7×7 open grid; wall at (3, 3).
   * process_vis spreads light forwards one row at a time from every lit see-through cell to its
   * sideways and forward neighbours, so the wall's column above it stays dark only where no
   * neighbour lights it: (3, 2) is lit diagonally from (2, 3) and (4, 3). A full row of wall is
   * what hides the rows beyond.
   */
  @Test
  void aRowOfWallHidesTheRowsBeyondAndDoorsFollowTheirState() {
    World w = new World(7, 7);
    for (int x = 0; x < 7; x++) {
      w.grid().setWall(x, 3);
    }
    w.place(3, 6, Direction.NORTH);
    byte[] img = encode(w, false);
    // View (i, j) = world (i, j) here (agent at the bottom centre facing north, grid = view).
    for (int i = 0; i < 7; i++) {
      assertThat(at(img, i, 3)[0]).isEqualTo(Cell.WALL);
      for (int j = 0; j < 3; j++) {
        assertThat(at(img, i, j)).as("(%d,%d)", i, j).containsExactly(0, 0, 0);
      }
    }
    w.grid().set(3, 3, Cell.DOOR, Cell.RED, Cell.CLOSED);
    assertThat(at(encode(w, false), 3, 2)).containsExactly(0, 0, 0);
    w.grid().set(3, 3, Cell.DOOR, Cell.RED, Cell.OPEN);
    byte[] open = encode(w, false);
    assertThat(at(open, 3, 3)).containsExactly(Cell.DOOR, Cell.RED, Cell.OPEN);
    // Light through the open door reaches the row beyond: (2..4, 2), then spreads along it.
    assertThat(at(open, 3, 2)).containsExactly(Cell.EMPTY, 0, 0);
    assertThat(at(open, 2, 2)).containsExactly(Cell.EMPTY, 0, 0);
    assertThat(at(open, 0, 0)).containsExactly(Cell.EMPTY, 0, 0);
    assertThat(at(open, 6, 2)).containsExactly(Cell.EMPTY, 0, 0);
  }

  /**
   * process_vis lets light through diagonal gaps: with walls right of the agent and ahead of it, the
   * lit agent cell still lights the cell diagonally ahead-right (its right sweep marks (i+1, j-1)),
   * and from there the light goes on. Agent at view (3, 6) facing north; walls at (4, 6) and (3, 5).
   */
  @Test
  void lightSlipsThroughADiagonalGapAsInMiniGrid() {
    World w = new World(7, 7);
    w.grid().setWall(4, 6);
    w.grid().setWall(3, 5);
    w.place(3, 6, Direction.NORTH);
    byte[] img = encode(w, false);
    assertThat(at(img, 4, 5)).containsExactly(Cell.EMPTY, 0, 0);
    assertThat(at(img, 5, 4)).containsExactly(Cell.EMPTY, 0, 0);
    // And symmetrically to the left: (2, 5) is lit by the left sweep.
    assertThat(at(img, 2, 5)).containsExactly(Cell.EMPTY, 0, 0);
    // Walled in on every side but the diagonals, nothing is hidden either way.
    w.grid().setWall(2, 6);
    byte[] boxed = encode(w, false);
    assertThat(at(boxed, 4, 5)).containsExactly(Cell.EMPTY, 0, 0);
    assertThat(at(boxed, 2, 5)).containsExactly(Cell.EMPTY, 0, 0);
    assertThat(at(boxed, 1, 6)).containsExactly(0, 0, 0); // behind the wall at (2, 6)
    assertThat(at(boxed, 5, 6)).containsExactly(0, 0, 0); // behind the wall at (4, 6)
  }

  /**
   * MiniGrid's whole gen_obs path written out literally (slice, rotate_left, process_vis with its
   * two sweeps per row, the agent's cell, encode with the mask) and compared with the view on
   * random rooms of walls, doors in every state, keys and balls, in every heading, with and without
   * occlusion, for view sizes 3, 5, 7 and 9.
   */
  @Test
  void matchesALiteralPortOfGenObsOnRandomRooms() {
    java.util.SplittableRandom rng = new java.util.SplittableRandom(42);
    int[] objects = {Cell.EMPTY, Cell.EMPTY, Cell.EMPTY, Cell.WALL, Cell.WALL, Cell.DOOR, Cell.KEY, Cell.BALL, Cell.GOAL};
    for (int trial = 0; trial < 400; trial++) {
      int w = 3 + rng.nextInt(10);
      int h = 3 + rng.nextInt(10);
      World world = new World(w, h);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int obj = objects[rng.nextInt(objects.length)];
          world.grid().set(x, y, obj, rng.nextInt(Cell.NUM_COLORS), obj == Cell.DOOR ? rng.nextInt(3) : 0);
        }
      }
      world.place(rng.nextInt(w), rng.nextInt(h), rng.nextInt(4));
      if (rng.nextInt(4) == 0) {
        world.carry(Cell.BALL, Cell.PURPLE);
      }
      int v = 3 + 2 * rng.nextInt(4);
      boolean stw = rng.nextInt(3) == 0;
      byte[] out = new byte[v * v * 3];
      new EgocentricView(v, stw).encode(world, out);
      assertThat(out).as("trial %d", trial).containsExactly(referenceGenObs(world, v, stw));
    }
  }

  /** MiniGridEnv.gen_obs_grid + Grid.encode, literally, on packed cells [x][y]. */
  private static byte[] referenceGenObs(World w, int v, boolean seeThroughWalls) {
    int[][] grid = referenceSlice(w, v, w.grid()::packed);
    boolean[][] mask = new boolean[v][v];
    if (seeThroughWalls) {
      for (boolean[] col : mask) {
        java.util.Arrays.fill(col, true);
      }
    } else {
      mask[v / 2][v - 1] = true;
      for (int j = v - 1; j >= 0; j--) {
        for (int i = 0; i < v - 1; i++) {
          if (!mask[i][j] || !Cell.seeBehind(Cell.object(grid[i][j]), Cell.state(grid[i][j]))) {
            continue;
          }
          mask[i + 1][j] = true;
          if (j > 0) {
            mask[i + 1][j - 1] = true;
            mask[i][j - 1] = true;
          }
        }
        for (int i = v - 1; i > 0; i--) {
          if (!mask[i][j] || !Cell.seeBehind(Cell.object(grid[i][j]), Cell.state(grid[i][j]))) {
            continue;
          }
          mask[i - 1][j] = true;
          if (j > 0) {
            mask[i - 1][j - 1] = true;
            mask[i][j - 1] = true;
          }
        }
      }
    }
    grid[v / 2][v - 1] = w.carrying() == Cell.EMPTY ? Cell.pack(Cell.EMPTY, 0, 0)
        : Cell.pack(w.carrying(), w.carryingColor(), 0);
    byte[] out = new byte[v * v * 3];
    for (int i = 0; i < v; i++) {
      for (int j = 0; j < v; j++) {
        if (mask[i][j]) {
          int o = (i * v + j) * 3;
          out[o] = (byte) Cell.object(grid[i][j]);
          out[o + 1] = (byte) Cell.color(grid[i][j]);
          out[o + 2] = (byte) Cell.state(grid[i][j]);
        }
      }
    }
    return out;
  }

  @Test
  void rejectsEvenOrTinySizes() {
    assertThatThrownBy(() -> new EgocentricView(6, false)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new EgocentricView(1, false)).isInstanceOf(IllegalArgumentException.class);
  }
}
