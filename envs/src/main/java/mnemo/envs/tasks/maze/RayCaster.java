package mnemo.envs.tasks.maze;

/**
 * A first-person renderer for a {@link Maze}: a column ray caster (Wolfenstein-style DDA) with
 * textured, distance-shaded walls whose colour depends on the room the wall faces, a shaded tiled
 * floor, a sky gradient, the targets as shaded spheres (billboards depth-tested against the wall
 * z-buffer) and a border in the current target's colour.
 *
 * <p>Geometry: cell (c, r) is the unit square [c, c+1) × [r, r+1); heading θ points along (cos θ,
 * sin θ) with rows growing downward, so the camera's right is (−sin θ, cos θ). Walls are {@link
 * #WALL_HEIGHT} high, the eye at {@link #EYE_HEIGHT}; the horizontal field of view is {@link
 * #FOV_DEGREES}. For a ray of direction d = dir + plane·u (u ∈ [−1, 1] across the image, |plane| =
 * tan(fov/2)) the DDA returns the perpendicular wall distance p, and a wall spans rows
 * {@code H/2 − f(h − e)/p … H/2 + f e/p} with focal length {@code f = (W/2) / tan(fov/2)}.
 *
 * <p>Writes straight into a caller's {@code byte[H·W·3]} (row-major RGB); no allocation per frame.
 * Not thread-safe (it keeps a z-buffer).
 */
public final class RayCaster {
  public static final double FOV_DEGREES = 80;
  public static final double WALL_HEIGHT = 1.0;
  public static final double EYE_HEIGHT = 0.5;
  /** Target spheres: radius and height of the centre above the floor, in cells. */
  public static final double TARGET_RADIUS = 0.22;
  public static final double TARGET_HEIGHT = 0.3;
  /** Border width in pixels (Memory Maze: 2 on 64×64). */
  public static final int BORDER = 2;

  private static final int TEX = 16; // texture side, texels per cell
  private static final int LEVELS = 32; // quantised light levels of the pre-shaded textures

  private final int width;
  private final int height;
  private final double focal;
  private final double tanHalf;
  private final double[] camU; // u per column
  private final double[] zbuf; // perpendicular wall distance per column
  private final double[] floorDist; // perpendicular distance of the floor seen at each row below the horizon
  private final int[] floorLevel; // shading level per row, shifted left by 8 (see floorTex)
  final int[] sky; // colour per row above the horizon (package-private for tests)
  private final int[] skyLe; // sky colour per row as little-endian words

  // Scene (set by setMaze).
  private boolean[] wall;
  private int mapWidth;
  private byte[] region; // palette entry per cell: 0 corridors, 1.. rooms
  private int[] floorBase; // region · LEVELS << 8 per cell
  /** Shaded wall texels as little-endian words 0x00BBGGRR: index ((region · LEVELS + level) << 8) | (v << 4 | u). */
  private final int[] wallTex = new int[MazeTextures.SIZE * LEVELS * TEX * TEX];
  /** Shaded floor texels as little-endian words 0x00BBGGRR: index ((region · LEVELS + level) << 8) | (v << 4 | u). */
  private final int[] floorTex = new int[MazeTextures.SIZE * LEVELS * TEX * TEX];

  public RayCaster(int width, int height) {
    if (width < 8 || height < 8) {
      throw new IllegalArgumentException("image must be at least 8x8, got " + width + "x" + height);
    }
    this.width = width;
    this.height = height;
    this.tanHalf = Math.tan(Math.toRadians(FOV_DEGREES) / 2);
    this.focal = (width / 2.0) / tanHalf;
    this.camU = new double[width];
    for (int x = 0; x < width; x++) {
      camU[x] = 2 * (x + 0.5) / width - 1;
    }
    this.zbuf = new double[width];
    this.floorDist = new double[height];
    this.floorLevel = new int[height];
    this.sky = new int[height];
    double mid = height / 2.0;
    for (int y = 0; y < height; y++) {
      double below = y + 0.5 - mid;
      if (below > 0) {
        floorDist[y] = focal * EYE_HEIGHT / below; // similar triangles: e / p = below / f
        floorLevel[y] = (int) Math.round(shade(floorDist[y]) * (LEVELS - 1)) << 8;
      } else {
        double a = (mid - y - 0.5) / mid; // 0 at the horizon, 1 at the top
        sky[y] = mix(0xC9D6E3, 0x5E86B8, Math.sqrt(a));
      }
    }
    for (int p = 0; p < MazeTextures.SIZE; p++) {
      int[] walls = MazeTextures.wallTexture(p, TEX);
      int[] floor = MazeTextures.floorTexture(p, TEX);
      for (int l = 0; l < LEVELS; l++) {
        int s = l * 256 / (LEVELS - 1);
        for (int i = 0; i < TEX * TEX; i++) {
          wallTex[(p * LEVELS + l) << 8 | i] = le(scale(walls[i], s));
          floorTex[(p * LEVELS + l) << 8 | i] = le(scale(floor[i], s));
        }
      }
    }
    this.skyLe = new int[height];
    for (int y = 0; y < height; y++) {
      skyLe[y] = le(sky[y]);
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Light falling off with distance: 1 at the eye, about 0.45 eight cells away. */
  private static double shade(double dist) {
    return 0.25 + 0.75 * Math.exp(-0.16 * dist);
  }

  /** Sets the maze to draw (rooms get wall and floor colours from the palette). */
  public void setMaze(Maze maze) {
    this.wall = maze.wall;
    this.mapWidth = maze.width;
    this.region = new byte[maze.wall.length];
    this.floorBase = new int[maze.wall.length];
    for (int c = 0; c < region.length; c++) {
      int rm = maze.room[c];
      region[c] = (byte) (rm < 0 ? 0 : 1 + rm % (MazeTextures.SIZE - 1));
      floorBase[c] = region[c] * LEVELS << 8;
    }
  }

  /**
   * Draws the view from (px, py) with heading {@code theta} into {@code out} ([H, W, 3] RGB).
   *
   * @param targetX target centres, x (only the first {@code numTargets})
   * @param targetY target centres, y
   * @param current the target whose colour borders the image (-1: no border)
   */
  public void render(double px, double py, double theta, double[] targetX, double[] targetY, int numTargets,
      int current, byte[] out) {
    if (out.length != width * height * 3) {
      throw new IllegalArgumentException("out has " + out.length + " bytes, needs " + width * height * 3);
    }
    double dirX = Math.cos(theta);
    double dirY = Math.sin(theta);
    double planeX = -dirY * tanHalf;
    double planeY = dirX * tanHalf;
    int mid = height / 2;
    int startCell = (int) py * mapWidth + (int) px;
    // Pixels under the border are not drawn (the border covers them), unless there is no border.
    int edge = current >= 0 ? BORDER : 0;
    int yEnd = height - edge;
    for (int x = edge; x < width - edge; x++) {
      double rdx = dirX + planeX * camU[x];
      double rdy = dirY + planeY * camU[x];
      // DDA over grid cells: side distances to the next vertical / horizontal grid line.
      int mapX = (int) px;
      int mapY = (int) py;
      double deltaX = rdx == 0 ? 1e30 : Math.abs(1 / rdx);
      double deltaY = rdy == 0 ? 1e30 : Math.abs(1 / rdy);
      int stepX;
      int stepY;
      double sideX;
      double sideY;
      if (rdx < 0) {
        stepX = -1;
        sideX = (px - mapX) * deltaX;
      } else {
        stepX = 1;
        sideX = (mapX + 1 - px) * deltaX;
      }
      if (rdy < 0) {
        stepY = -mapWidth;
        sideY = (py - mapY) * deltaY;
      } else {
        stepY = mapWidth;
        sideY = (mapY + 1 - py) * deltaY;
      }
      int cell = startCell;
      int prev = cell;
      boolean ySide = false;
      while (true) {
        prev = cell;
        if (sideX < sideY) {
          sideX += deltaX;
          cell += stepX;
          ySide = false;
        } else {
          sideY += deltaY;
          cell += stepY;
          ySide = true;
        }
        if (wall[cell]) {
          break;
        }
      }
      double perp = ySide ? sideY - deltaY : sideX - deltaX;
      if (perp < 1e-3) {
        perp = 1e-3;
      }
      zbuf[x] = perp;
      double hit = ySide ? px + perp * rdx : py + perp * rdy;
      int texX = (int) ((hit - Math.floor(hit)) * TEX);
      if ((!ySide && rdx > 0) || (ySide && rdy < 0)) {
        texX = TEX - 1 - texX;
      }
      // Distance fall-off, darker on walls facing north or south; textures are pre-shaded per level.
      int level = (int) Math.round(shade(perp) * (ySide ? 0.78 : 1.0) * (LEVELS - 1));
      int texBase = (region[prev] * LEVELS + level) << 8 | texX;
      double top = mid - focal * (WALL_HEIGHT - EYE_HEIGHT) / perp;
      double bottom = mid + focal * EYE_HEIGHT / perp;
      int y0 = Math.max(edge, (int) Math.ceil(top - 0.5));
      int y1 = Math.min(yEnd, (int) Math.ceil(bottom - 0.5));
      int i = (edge * width + x) * 3;
      int stride = width * 3;
      // Pixels are stored as 4-byte little-endian words (r, g, b, spill) whose spill byte lands on the
      // next column, drawn later; only the last column, whose spill would hit the next row, is stored
      // byte by byte.
      boolean wide = x < width - 1;
      int y = edge;
      for (; y < y0; y++, i += stride) {
        if (wide) {
          WORD.set(out, i, skyLe[y]);
        } else {
          putLe(out, i, skyLe[y]);
        }
      }
      // Texture row v = (y + 0.5 - top) · TEX·h / (bottom − top), stepped in 16.16 fixed point.
      double texPerPixel = TEX * WALL_HEIGHT / (bottom - top);
      long vPos = (long) ((y0 + 0.5 - top) * texPerPixel * 65536);
      long vStep = (long) (texPerPixel * 65536);
      for (; y < y1; y++, i += stride, vPos += vStep) {
        int rgb = wallTex[texBase | ((int) (vPos >> 16) & (TEX - 1)) << 4];
        if (wide) {
          WORD.set(out, i, rgb);
        } else {
          putLe(out, i, rgb);
        }
      }
      // Floor: the point seen at row y lies floorDist[y] along the (unnormalised) ray; in 16.16 fixed
      // point its integer part is the cell and the next 4 bits the texel.
      double pxF = px * 65536;
      double pyF = py * 65536;
      double rdxF = rdx * 65536;
      double rdyF = rdy * 65536;
      for (; y < yEnd; y++, i += stride) {
        double d = floorDist[y];
        int fx = (int) (pxF + d * rdxF);
        int fy = (int) (pyF + d * rdyF);
        int c = (fy >> 16) * mapWidth + (fx >> 16);
        int texel = ((fy >> 12) & (TEX - 1)) << 4 | ((fx >> 12) & (TEX - 1));
        int rgb = floorTex[floorBase[c] + floorLevel[y] | texel];
        if (wide) {
          WORD.set(out, i, rgb);
        } else {
          putLe(out, i, rgb);
        }
      }
    }
    drawTargets(px, py, dirX, dirY, planeX, planeY, targetX, targetY, numTargets, out);
    if (current >= 0) {
      drawBorder(out, TargetColors.rgb(current));
    }
  }

  private final int[] order = new int[TargetColors.MAX];
  private final double[] depth = new double[TargetColors.MAX];

  /** Spheres, far to near, each column drawn only where it is nearer than the wall. */
  private void drawTargets(double px, double py, double dirX, double dirY, double planeX, double planeY,
      double[] targetX, double[] targetY, int n, byte[] out) {
    double invDet = 1.0 / (planeX * dirY - dirX * planeY);
    int count = 0;
    for (int k = 0; k < n; k++) {
      double rx = targetX[k] - px;
      double ry = targetY[k] - py;
      double z = rx * dirX + ry * dirY; // depth along the view direction
      if (z > 0.35) { // nearer, the eye would be inside the sphere
        int j = count++;
        while (j > 0 && depth[j - 1] < z) { // insertion sort, far first
          depth[j] = depth[j - 1];
          order[j] = order[j - 1];
          j--;
        }
        depth[j] = z;
        order[j] = k;
      }
    }
    int mid = height / 2;
    for (int s = 0; s < count; s++) {
      int k = order[s];
      double rx = targetX[k] - px;
      double ry = targetY[k] - py;
      double camXk = invDet * (dirY * rx - dirX * ry); // position across the plane, in plane units
      double z = depth[s];
      double cx = width / 2.0 * (1 + camXk / z);
      double cy = mid - focal * (TARGET_HEIGHT - EYE_HEIGHT) / z;
      double rad = focal * TARGET_RADIUS / z;
      int x0 = Math.max(0, (int) Math.floor(cx - rad));
      int x1 = Math.min(width - 1, (int) Math.ceil(cx + rad));
      int yA = Math.max(0, (int) Math.floor(cy - rad));
      int yB = Math.min(height - 1, (int) Math.ceil(cy + rad));
      drawShadow(cx, z, rad, out);
      int base = TargetColors.rgb(k);
      double fog = shade(z);
      double inv = 1 / rad;
      for (int x = x0; x <= x1; x++) {
        if (zbuf[x] <= z) {
          continue;
        }
        double dx = (x + 0.5 - cx) * inv;
        for (int y = yA; y <= yB; y++) {
          double dy = (y + 0.5 - cy) * inv;
          double rr = dx * dx + dy * dy;
          if (rr > 1) {
            continue;
          }
          // Lambert light from the upper left plus a small highlight: l = max(0, n · L).
          double nz = Math.sqrt(1 - rr);
          double l = Math.max(0, -0.35 * dx - 0.55 * dy + 0.76 * nz);
          int lit = scale(base, (int) ((0.45 + 0.75 * l) * fog * 256));
          double spec = l > 0.93 ? (l - 0.93) / 0.07 * 0.6 : 0;
          put(out, (y * width + x) * 3, spec > 0 ? mix(lit, 0xFFFFFF, spec) : lit);
        }
      }
    }
  }

  /**
   * A soft shadow on the floor under a sphere at depth z: an ellipse centred on the floor row of depth
   * z, as wide as the sphere, as tall as the floor band between depths z − R and z + R.
   */
  private void drawShadow(double cx, double z, double rad, byte[] out) {
    int mid = height / 2;
    double cy = mid + focal * EYE_HEIGHT / z;
    double ry = Math.max(0.5, 0.5 * (focal * EYE_HEIGHT / Math.max(0.05, z - TARGET_RADIUS)
        - focal * EYE_HEIGHT / (z + TARGET_RADIUS)));
    double rx = rad * 1.1;
    int x0 = Math.max(0, (int) Math.floor(cx - rx));
    int x1 = Math.min(width - 1, (int) Math.ceil(cx + rx));
    int y0 = Math.max(mid, (int) Math.floor(cy - ry));
    int y1 = Math.min(height - 1, (int) Math.ceil(cy + ry));
    for (int x = x0; x <= x1; x++) {
      if (zbuf[x] <= z) {
        continue;
      }
      double dx = (x + 0.5 - cx) / rx;
      for (int y = y0; y <= y1; y++) {
        double dy = (y + 0.5 - cy) / ry;
        double rr = dx * dx + dy * dy;
        if (rr < 1) {
          int k = (int) (256 * (0.55 + 0.45 * rr)); // darkest under the centre
          int i = (y * width + x) * 3;
          out[i] = (byte) ((out[i] & 0xFF) * k >> 8);
          out[i + 1] = (byte) ((out[i + 1] & 0xFF) * k >> 8);
          out[i + 2] = (byte) ((out[i + 2] & 0xFF) * k >> 8);
        }
      }
    }
  }

  private void drawBorder(byte[] out, int rgb) {
    for (int y = 0; y < height; y++) {
      if (y < BORDER || y >= height - BORDER) {
        for (int x = 0; x < width; x++) {
          put(out, (y * width + x) * 3, rgb);
        }
      } else {
        for (int b = 0; b < BORDER; b++) {
          put(out, (y * width + b) * 3, rgb);
          put(out, (y * width + width - 1 - b) * 3, rgb);
        }
      }
    }
  }

  private static final java.lang.invoke.VarHandle WORD =
      java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** Stores a texel word 0x00BBGGRR as the bytes r, g, b. */
  private static void putLe(byte[] out, int i, int bgr) {
    out[i] = (byte) bgr;
    out[i + 1] = (byte) (bgr >> 8);
    out[i + 2] = (byte) (bgr >> 16);
  }

  /** 0xRRGGBB as the little-endian word of bytes r, g, b: 0x00BBGGRR. */
  private static int le(int rgb) {
    return (rgb & 0xFF) << 16 | (rgb & 0xFF00) | (rgb >> 16) & 0xFF;
  }

  private static void put(byte[] out, int i, int rgb) {
    out[i] = (byte) (rgb >> 16);
    out[i + 1] = (byte) (rgb >> 8);
    out[i + 2] = (byte) rgb;
  }

  /** {@code rgb · s / 256} per channel, saturating at 255. */
  static int scale(int rgb, int s) {
    int r = Math.min(255, ((rgb >> 16) & 0xFF) * s >> 8);
    int g = Math.min(255, ((rgb >> 8) & 0xFF) * s >> 8);
    int b = Math.min(255, (rgb & 0xFF) * s >> 8);
    return r << 16 | g << 8 | b;
  }

  /** Linear mix (1 − a)·p + a·q per channel. */
  static int mix(int p, int q, double a) {
    int r = (int) Math.round(((p >> 16) & 0xFF) * (1 - a) + ((q >> 16) & 0xFF) * a);
    int g = (int) Math.round(((p >> 8) & 0xFF) * (1 - a) + ((q >> 8) & 0xFF) * a);
    int b = (int) Math.round((p & 0xFF) * (1 - a) + (q & 0xFF) * a);
    return r << 16 | g << 8 | b;
  }
}
