package mnemo.envs.grid;

/**
 * A top-down window of (2r+1)×(2r+1) cells centred on the agent, not rotated, as RGB: pycolab's
 * {@code ScrollingCropper} with scroll margins r (so the agent is always in the middle) and the
 * padding colour outside the board. Output shape [2r+1, 2r+1, 3], row-major (row, column, channel).
 */
public final class TopDownCrop {
  private final int radius;
  private final int side;
  private final Palette palette;

  public TopDownCrop(int radius, Palette palette) {
    if (radius < 0) {
      throw new IllegalArgumentException("crop radius must be >= 0, got " + radius);
    }
    this.radius = radius;
    this.side = 2 * radius + 1;
    this.palette = palette;
  }

  public int side() {
    return side;
  }

  /** Writes the crop around the agent of {@code world} into {@code out} (length side² · 3). */
  public void encode(World world, byte[] out) {
    Grid g = world.grid();
    int x0 = world.x() - radius;
    int y0 = world.y() - radius;
    int o = 0;
    for (int r = 0; r < side; r++) {
      int y = y0 + r;
      for (int c = 0; c < side; c++) {
        int x = x0 + c;
        int rgb;
        if (r == radius && c == radius) {
          rgb = palette.agent();
        } else if (g.inBounds(x, y)) {
          rgb = palette.rgb(g.object(x, y), g.color(x, y));
        } else {
          rgb = palette.pad();
        }
        out[o++] = (byte) (rgb >> 16);
        out[o++] = (byte) (rgb >> 8);
        out[o++] = (byte) rgb;
      }
    }
  }
}
