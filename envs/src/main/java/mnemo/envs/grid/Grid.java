package mnemo.envs.grid;

import java.util.Arrays;

/**
 * A rectangle of cells in three flat arrays (object, colour, state; see {@link Cell}), indexed
 * {@code y * width + x}: no object per cell, so a step touches a few bytes. Cells outside the
 * rectangle read as grey walls, as in MiniGrid's {@code Grid.slice}.
 */
public final class Grid {
  private final int width;
  private final int height;
  private final byte[] obj;
  private final byte[] color;
  private final byte[] state;

  public Grid(int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("grid must be at least 1x1, got " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    int n = width * height;
    obj = new byte[n];
    color = new byte[n];
    state = new byte[n];
    clear();
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public boolean inBounds(int x, int y) {
    return x >= 0 && y >= 0 && x < width && y < height;
  }

  /** Empties every cell. */
  public void clear() {
    Arrays.fill(obj, (byte) Cell.EMPTY);
    Arrays.fill(color, (byte) 0);
    Arrays.fill(state, (byte) 0);
  }

  /** The flat arrays, for the views in this package to read without a bounds check per call. */
  byte[] objects() {
    return obj;
  }

  byte[] colors() {
    return color;
  }

  byte[] states() {
    return state;
  }

  public int object(int x, int y) {
    return inBounds(x, y) ? obj[y * width + x] : Cell.WALL;
  }

  public int color(int x, int y) {
    return inBounds(x, y) ? color[y * width + x] : Cell.GREY;
  }

  public int state(int x, int y) {
    return inBounds(x, y) ? state[y * width + x] : 0;
  }

  public void set(int x, int y, int object, int colour, int st) {
    if (!inBounds(x, y)) {
      throw new IndexOutOfBoundsException("(" + x + ", " + y + ") outside " + width + "x" + height);
    }
    int i = y * width + x;
    obj[i] = (byte) object;
    // An empty cell is always (empty, 0, 0), as MiniGrid encodes None.
    color[i] = object == Cell.EMPTY ? 0 : (byte) colour;
    state[i] = object == Cell.EMPTY ? 0 : (byte) st;
  }

  public void set(int x, int y, int object, int colour) {
    set(x, y, object, colour, 0);
  }

  public void setEmpty(int x, int y) {
    set(x, y, Cell.EMPTY, 0, 0);
  }

  public void setWall(int x, int y) {
    set(x, y, Cell.WALL, Cell.GREY, 0);
  }

  public void setState(int x, int y, int st) {
    state[y * width + x] = (byte) st;
  }

  public boolean isEmpty(int x, int y) {
    return object(x, y) == Cell.EMPTY;
  }

  /** Whether the agent may stand on (x, y): {@link Cell#canOverlap} and inside the grid. */
  public boolean canOverlap(int x, int y) {
    return inBounds(x, y) && Cell.canOverlap(obj[y * width + x], state[y * width + x]);
  }

  /** MiniGrid's {@code horz_wall(x, y, length)}. */
  public void horzWall(int x, int y, int length) {
    for (int i = 0; i < length; i++) {
      setWall(x + i, y);
    }
  }

  /** MiniGrid's {@code vert_wall(x, y, length)}. */
  public void vertWall(int x, int y, int length) {
    for (int j = 0; j < length; j++) {
      setWall(x, y + j);
    }
  }

  /** MiniGrid's {@code wall_rect}: the border of the w×h rectangle at (x, y). */
  public void wallRect(int x, int y, int w, int h) {
    horzWall(x, y, w);
    horzWall(x, y + h - 1, w);
    vertWall(x, y, h);
    vertWall(x + w - 1, y, h);
  }

  /** Builds cells from ASCII art (rows of equal length) with {@code legend} mapping characters to cells. */
  public void fill(String[] art, CellLegend legend) {
    if (art.length != height) {
      throw new IllegalArgumentException("art has " + art.length + " rows, grid " + height);
    }
    for (int y = 0; y < height; y++) {
      if (art[y].length() != width) {
        throw new IllegalArgumentException("art row " + y + " has " + art[y].length() + " columns, grid " + width);
      }
      for (int x = 0; x < width; x++) {
        legend.put(this, x, y, art[y].charAt(x));
      }
    }
  }

  /** How {@link #fill} turns a character into a cell. */
  @FunctionalInterface
  public interface CellLegend {
    void put(Grid grid, int x, int y, char c);
  }
}
