package mnemo.envs.grid;

/**
 * A grid with an agent in it: position, heading and what it carries. The agent is not a cell of
 * the grid (as in MiniGrid); it stands on one. Movement follows MiniGrid's rules
 * ({@link #turnLeft}, {@link #turnRight}, {@link #forward}) or pycolab's four-way walk ({@link #move}).
 */
public final class World {
  private final Grid grid;
  private int x;
  private int y;
  private int dir;
  /** The carried object (a {@link Cell} index, EMPTY for none) and its colour. */
  private int carrying = Cell.EMPTY;
  private int carryingColor;

  public World(int width, int height) {
    this.grid = new Grid(width, height);
  }

  public Grid grid() {
    return grid;
  }

  public int x() {
    return x;
  }

  public int y() {
    return y;
  }

  public int dir() {
    return dir;
  }

  public int carrying() {
    return carrying;
  }

  public int carryingColor() {
    return carryingColor;
  }

  public void carry(int object, int colour) {
    carrying = object;
    carryingColor = colour;
  }

  public void place(int px, int py, int heading) {
    if (!grid.inBounds(px, py)) {
      throw new IllegalArgumentException("agent at (" + px + ", " + py + ") outside the grid");
    }
    x = px;
    y = py;
    dir = heading & 3;
  }

  /** Clears the grid and drops what the agent carries. */
  public void clear() {
    grid.clear();
    carrying = Cell.EMPTY;
    carryingColor = 0;
  }

  public void turnLeft() {
    dir = Direction.left(dir);
  }

  public void turnRight() {
    dir = Direction.right(dir);
  }

  public int frontX() {
    return x + Direction.dx(dir);
  }

  public int frontY() {
    return y + Direction.dy(dir);
  }

  /** MiniGrid's forward: moves onto the front cell when it can be overlapped. Returns whether it moved. */
  public boolean forward() {
    int fx = frontX();
    int fy = frontY();
    if (grid.canOverlap(fx, fy)) {
      x = fx;
      y = fy;
      return true;
    }
    return false;
  }

  /**
   * pycolab's walk: turns to {@code heading} (a {@link Direction}) and steps that way unless the step
   * leaves the grid or {@code blocked} says no. Returns whether it moved.
   */
  public boolean move(int heading, Blocking blocked) {
    dir = heading & 3;
    int nx = x + Direction.dx(dir);
    int ny = y + Direction.dy(dir);
    if (!grid.inBounds(nx, ny) || blocked.blocks(grid.object(nx, ny), grid.color(nx, ny), grid.state(nx, ny))) {
      return false;
    }
    x = nx;
    y = ny;
    return true;
  }

  /** Which cells stop a four-way walk. */
  @FunctionalInterface
  public interface Blocking {
    boolean blocks(int object, int colour, int state);
  }
}
