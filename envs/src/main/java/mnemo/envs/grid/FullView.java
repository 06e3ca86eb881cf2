package mnemo.envs.grid;

/**
 * MiniGrid's {@code FullyObsWrapper}: the whole grid encoded as (object, colour, state), uint8
 * [W, H, 3] indexed [x, y, c] (element at {@code (x * H + y) * 3 + c}), with the agent's cell
 * replaced by (agent, red, heading). Nothing is hidden.
 */
public final class FullView {
  private FullView() {}

  /** Writes the full view of {@code world} into {@code out} (length W · H · 3). */
  public static void encode(World world, byte[] out) {
    Grid g = world.grid();
    int w = g.width();
    int h = g.height();
    if (out.length != w * h * 3) {
      throw new IllegalArgumentException("full view needs " + w * h * 3 + " bytes, got " + out.length);
    }
    short[] cells = g.cells();
    for (int x = 0, o = 0; x < w; x++) {
      for (int y = 0; y < h; y++, o += 3) {
        int c = cells[y * w + x];
        out[o] = (byte) Cell.object(c);
        out[o + 1] = (byte) Cell.color(c);
        out[o + 2] = (byte) Cell.state(c);
      }
    }
    int o = (world.x() * h + world.y()) * 3;
    out[o] = Cell.AGENT;
    out[o + 1] = Cell.RED;
    out[o + 2] = (byte) world.dir();
  }
}
