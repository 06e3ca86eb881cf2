package mnemo.envs.grid;

/**
 * Flat colours for top-down pictures: one 0xRRGGBB per (object, colour) pair, the colour of the
 * padding outside the grid and the colour of the agent. Looking up a cell is one array read.
 */
public final class Palette {
  private final int[] table = new int[Cell.NUM_OBJECTS * Cell.NUM_COLORS];
  private final int pad;
  private final int agent;

  /** Every pair starts as {@code background}. */
  public Palette(int background, int pad, int agent) {
    java.util.Arrays.fill(table, background);
    this.pad = pad;
    this.agent = agent;
  }

  /** Gives {@code object} the colour {@code rgb} whatever its colour index. */
  public Palette object(int object, int rgb) {
    for (int c = 0; c < Cell.NUM_COLORS; c++) {
      table[object * Cell.NUM_COLORS + c] = rgb;
    }
    return this;
  }

  /** Gives {@code object} MiniGrid's RGB of each colour index. */
  public Palette objectInMiniGridColors(int object) {
    for (int c = 0; c < Cell.NUM_COLORS; c++) {
      table[object * Cell.NUM_COLORS + c] = Cell.rgb(c);
    }
    return this;
  }

  public int rgb(int object, int colour) {
    return table[object * Cell.NUM_COLORS + colour];
  }

  public int pad() {
    return pad;
  }

  public int agent() {
    return agent;
  }

  /** pycolab's 0..1000 colour scale to 0..255: round(v · 255 / 1000). */
  public static int fromPycolab(int r, int g, int b) {
    return scale(r) << 16 | scale(g) << 8 | scale(b);
  }

  private static int scale(int v) {
    return (int) Math.round(v * 255.0 / 1000.0);
  }
}
