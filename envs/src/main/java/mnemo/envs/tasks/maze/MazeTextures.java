package mnemo.envs.tasks.maze;

/**
 * Wall and floor textures of the first-person maze: entry 0 for corridors, entries 1.. for rooms,
 * so that each room looks different (as Memory Maze's per-room textures make places recognisable).
 * Colours are muted so that no wall is mistaken for a target. Textures are {@code tex × tex} texels
 * covering one cell, built procedurally (bricks on walls, tiles on floors) with a fixed hash for
 * texel noise, so every run draws the same pixels.
 */
final class MazeTextures {
  private MazeTextures() {}

  /** Wall base colours: corridor stone, then one per room (rooms beyond wrap around). */
  private static final int[] WALL = {
      0x8C8A84, // corridor: grey stone
      0xB89A72, // sandstone
      0x6F8FA6, // slate blue
      0x8AA070, // moss
      0xB07A62, // terracotta
      0x9A84B0, // lavender
      0x6FA39C, // teal
      0xC2A46A, // ochre
      0xA9868E, // dusty rose
  };

  /** Floor base colours, darker and less saturated than the walls. */
  private static final int[] FLOOR = {
      0x5E5B55, // corridor: dark stone
      0x7A6A55,
      0x4F5E6B,
      0x5B6650,
      0x6E5448,
      0x615A6E,
      0x4D6662,
      0x786A4C,
      0x6D5C60,
  };

  static final int SIZE = WALL.length;

  /** Bricks: rows of 4 texels, bricks 8 texels long, staggered, with darker mortar lines. */
  static int[] wallTexture(int p, int tex) {
    int[] t = new int[tex * tex];
    int brickH = tex / 4;
    int brickW = tex / 2;
    for (int v = 0; v < tex; v++) {
      int course = v / brickH;
      for (int u = 0; u < tex; u++) {
        int shifted = (u + (course % 2) * brickW / 2) % tex;
        boolean mortar = v % brickH == 0 || shifted % brickW == 0;
        int brick = course * 2 + shifted / brickW;
        double tone = mortar ? 0.68 : 0.9 + 0.16 * noise(p * 97 + brick) + 0.06 * noise(p * 131 + v * tex + u);
        t[v * tex + u] = RayCaster.scale(WALL[p], (int) (tone * 256));
      }
    }
    return t;
  }

  /** Square tiles of half a cell, with thin seams and a little texel noise. */
  static int[] floorTexture(int p, int tex) {
    int[] t = new int[tex * tex];
    int half = tex / 2;
    for (int v = 0; v < tex; v++) {
      for (int u = 0; u < tex; u++) {
        boolean seam = u % half == 0 || v % half == 0;
        int tile = (v / half) * 2 + u / half;
        double tone = seam ? 0.72 : 0.95 + 0.1 * noise(p * 53 + tile) + 0.05 * noise(p * 71 + v * tex + u);
        t[v * tex + u] = RayCaster.scale(FLOOR[p], (int) (tone * 256));
      }
    }
    return t;
  }

  /** A fixed hash of {@code i} into [−1, 1]. */
  private static double noise(int i) {
    long h = mnemo.proto.Seeds.mix(i * 0x9E3779B97F4A7C15L + 12345);
    return ((h >>> 11) * 0x1.0p-53) * 2 - 1;
  }
}
