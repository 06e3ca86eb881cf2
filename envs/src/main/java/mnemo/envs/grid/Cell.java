package mnemo.envs.grid;

/**
 * What a grid cell can hold, as MiniGrid encodes it: an object index, a colour index and a state
 * index, each a small integer (MiniGrid's {@code OBJECT_TO_IDX}, {@code COLOR_TO_IDX},
 * {@code STATE_TO_IDX}). Objects 0–10 are MiniGrid's own; {@link #APPLE} and {@link #SQUARE} are
 * Mnemo's additions for the pycolab tasks of Hung et al. and never appear in a MiniGrid task's view.
 */
public final class Cell {
  private Cell() {}

  // Objects (MiniGrid's OBJECT_TO_IDX).
  public static final int UNSEEN = 0;
  public static final int EMPTY = 1;
  public static final int WALL = 2;
  public static final int FLOOR = 3;
  public static final int DOOR = 4;
  public static final int KEY = 5;
  public static final int BALL = 6;
  public static final int BOX = 7;
  public static final int GOAL = 8;
  public static final int LAVA = 9;
  public static final int AGENT = 10;
  /** An apple of the distractor phase (Mnemo). */
  public static final int APPLE = 11;
  /** A coloured square of visual match (Mnemo). */
  public static final int SQUARE = 12;
  public static final int NUM_OBJECTS = 13;

  // Colours (MiniGrid's COLOR_TO_IDX).
  public static final int RED = 0;
  public static final int GREEN = 1;
  public static final int BLUE = 2;
  public static final int PURPLE = 3;
  public static final int YELLOW = 4;
  public static final int GREY = 5;
  public static final int NUM_COLORS = 6;

  // Door states (MiniGrid's STATE_TO_IDX).
  public static final int OPEN = 0;
  public static final int CLOSED = 1;
  public static final int LOCKED = 2;

  /** The largest index any MiniGrid view element takes (the object index of the agent). */
  public static final int MAX_MINIGRID_CODE = AGENT;

  private static final String[] OBJECT_NAMES = {
    "unseen", "empty", "wall", "floor", "door", "key", "ball", "box", "goal", "lava", "agent", "apple", "square"
  };
  private static final String[] COLOR_NAMES = {"red", "green", "blue", "purple", "yellow", "grey"};

  /** MiniGrid's COLORS as 0xRRGGBB. */
  private static final int[] COLOR_RGB = {0xff0000, 0x00ff00, 0x0000ff, 0x7027c3, 0xffff00, 0x646464};

  public static String objectName(int obj) {
    return OBJECT_NAMES[obj];
  }

  public static String colorName(int color) {
    return COLOR_NAMES[color];
  }

  /** MiniGrid's RGB for a colour index, 0xRRGGBB. */
  public static int rgb(int color) {
    return COLOR_RGB[color];
  }

  /**
   * Whether the agent may stand on the cell (MiniGrid's {@code can_overlap}): empty, floor, goal,
   * lava, open doors and apples.
   */
  public static boolean canOverlap(int obj, int state) {
    return switch (obj) {
      case EMPTY, FLOOR, GOAL, LAVA, APPLE -> true;
      case DOOR -> state == OPEN;
      default -> false;
    };
  }

  /** Whether light passes the cell (MiniGrid's {@code see_behind}): everything but walls and shut doors. */
  public static boolean seeBehind(int obj, int state) {
    return obj != WALL && !(obj == DOOR && state != OPEN);
  }
}
