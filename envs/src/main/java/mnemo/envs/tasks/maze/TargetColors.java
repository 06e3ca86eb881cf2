package mnemo.envs.tasks.maze;

/**
 * The colours of Memory Maze's targets (Pašukonis et al. 2022), in order: target k has colour k.
 * The first letters of the names are distinct (used by the text pictures).
 */
public final class TargetColors {
  private TargetColors() {}

  /** Most targets a maze can hold: one per colour. */
  public static final int MAX = 6;

  public static final String[] NAMES = {"red", "green", "blue", "purple", "yellow", "salmon"};

  private static final int[] RGB = {
      0xAA261E, // red (170, 38, 30)
      0x63AA58, // green (99, 170, 88)
      0x278CD9, // blue (39, 140, 217)
      0x5D69C7, // purple (93, 105, 199)
      0xDCC13B, // yellow (220, 193, 59)
      0xDC806B, // salmon (220, 128, 107)
  };

  /** Colour of target {@code k} as 0xRRGGBB. */
  public static int rgb(int k) {
    return RGB[k];
  }
}
