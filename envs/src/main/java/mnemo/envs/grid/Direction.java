package mnemo.envs.grid;

/**
 * Headings as MiniGrid numbers them: 0 east (+x), 1 south (+y), 2 west, 3 north. x grows to the
 * right and y downwards, as on screen.
 */
public final class Direction {
  private Direction() {}

  public static final int EAST = 0;
  public static final int SOUTH = 1;
  public static final int WEST = 2;
  public static final int NORTH = 3;

  /** MiniGrid's DIR_TO_VEC. */
  private static final int[] DX = {1, 0, -1, 0};
  private static final int[] DY = {0, 1, 0, -1};

  public static int dx(int dir) {
    return DX[dir];
  }

  public static int dy(int dir) {
    return DY[dir];
  }

  public static int left(int dir) {
    return (dir + 3) & 3;
  }

  public static int right(int dir) {
    return (dir + 1) & 3;
  }
}
