package mnemo.envs.grid;

import java.util.HashMap;
import java.util.Map;
import mnemo.envs.Frame;

/**
 * Draws a {@link World} into a {@link Frame}, one square tile per cell, in one of two looks:
 * <ul>
 *   <li>{@link Style#MINIGRID}: MiniGrid's tiles (black floor with grey grid lines, walls, doors,
 *       keys, balls, boxes, goals in MiniGrid's colours; the agent a red triangle pointing its way),
 *       the cells the agent sees lightened as MiniGrid's {@code highlight};
 *   <li>{@link Style#FLAT}: pycolab's flat colours from a {@link Palette} (apples as discs, keys and
 *       doors drawn), the agent a triangle in the palette's agent colour, the cells the agent does
 *       not see darkened.
 * </ul>
 * Shapes are sampled 3×3 per pixel (anti-aliased) and each distinct tile is drawn once and cached.
 */
public final class GridPainter {

  public enum Style { MINIGRID, FLAT }

  private static final int SUBSAMPLES = 3;
  private static final int LINE_GREY = 0x646464;

  private final Style style;
  private final int tile;
  private final Palette palette;
  private final Map<Long, int[]> cache = new HashMap<>();

  /** {@code palette} is used by the FLAT style only (may be null for MINIGRID). */
  public GridPainter(Style style, int tilePixels, Palette palette) {
    if (tilePixels < 4) {
      throw new IllegalArgumentException("tiles must be at least 4 pixels, got " + tilePixels);
    }
    if (style == Style.FLAT && palette == null) {
      throw new IllegalArgumentException("the flat style needs a palette");
    }
    this.style = style;
    this.tile = tilePixels;
    this.palette = palette;
  }

  /**
   * The whole grid with the agent. {@code seen} marks, per cell ({@code y * width + x}), what the
   * agent observes (null: no marking).
   */
  public Frame paint(World world, boolean[] seen) {
    Grid g = world.grid();
    Frame f = Frame.blank(g.width() * tile, g.height() * tile);
    for (int y = 0; y < g.height(); y++) {
      for (int x = 0; x < g.width(); x++) {
        boolean agent = x == world.x() && y == world.y();
        int mark = seen == null ? 0 : seen[y * g.width() + x] ? 1 : 2;
        int[] pixels = tile(g.object(x, y), g.color(x, y), g.state(x, y), agent ? world.dir() : -1, mark);
        blit(f, pixels, x * tile, y * tile);
      }
    }
    return f;
  }

  private void blit(Frame f, int[] pixels, int x0, int y0) {
    for (int py = 0; py < tile; py++) {
      for (int px = 0; px < tile; px++) {
        f.set(x0 + px, y0 + py, pixels[py * tile + px]);
      }
    }
  }

  private int[] tile(int obj, int colour, int state, int agentDir, int mark) {
    long key = ((long) obj << 16) | ((long) colour << 12) | ((long) state << 8) | ((long) (agentDir + 1) << 4) | mark;
    return cache.computeIfAbsent(key, k -> drawTile(obj, colour, state, agentDir, mark));
  }

  private int[] drawTile(int obj, int colour, int state, int agentDir, int mark) {
    Layers layers = style == Style.MINIGRID ? miniGridLayers(obj, colour, state) : flatLayers(obj, colour, state);
    if (agentDir >= 0) {
      // MiniGrid's agent: triangle (0.12, 0.19), (0.87, 0.5), (0.12, 0.81) rotated by dir · 90°.
      double theta = 0.5 * Math.PI * agentDir;
      int agentColour = style == Style.MINIGRID ? 0xff0000 : palette.agent();
      if (style == Style.FLAT) {
        layers.add(triangle(0.10, 0.14, 0.92, 0.5, 0.10, 0.86, theta), darker(agentColour, 0.45));
      }
      layers.add(triangle(0.12, 0.19, 0.87, 0.50, 0.12, 0.81, theta), agentColour);
    }
    int[] out = new int[tile * tile];
    int n = SUBSAMPLES * SUBSAMPLES;
    for (int py = 0; py < tile; py++) {
      for (int px = 0; px < tile; px++) {
        int r = 0;
        int gsum = 0;
        int b = 0;
        for (int sy = 0; sy < SUBSAMPLES; sy++) {
          for (int sx = 0; sx < SUBSAMPLES; sx++) {
            double u = (px + (sx + 0.5) / SUBSAMPLES) / tile;
            double v = (py + (sy + 0.5) / SUBSAMPLES) / tile;
            int c = layers.colourAt(u, v);
            r += c >> 16 & 0xff;
            gsum += c >> 8 & 0xff;
            b += c & 0xff;
          }
        }
        int c = (r / n) << 16 | (gsum / n) << 8 | (b / n);
        if (mark == 1 && style == Style.MINIGRID) {
          c = blend(c, 0xffffff, 0.3); // MiniGrid's highlight_img, alpha 0.3
        } else if (mark == 2 && style == Style.FLAT) {
          c = darker(c, 0.45);
        }
        out[py * tile + px] = c;
      }
    }
    return out;
  }

  private static Layers miniGridLayers(int obj, int colour, int state) {
    Layers l = new Layers(0x000000);
    int c = Cell.rgb(colour);
    switch (obj) {
      case Cell.WALL -> l.add(rect(0, 1, 0, 1), c);
      case Cell.GOAL -> l.add(rect(0, 1, 0, 1), c);
      case Cell.FLOOR -> l.add(rect(0.031, 1, 0.031, 1), darker(c, 0.5));
      case Cell.LAVA -> l.add(rect(0, 1, 0, 1), 0xff8000);
      case Cell.DOOR -> door(l, c, state);
      case Cell.KEY -> key(l, c);
      case Cell.BALL -> l.add(circle(0.5, 0.5, 0.31), c);
      case Cell.BOX -> {
        l.add(rect(0.12, 0.88, 0.12, 0.88), c);
        l.add(rect(0.18, 0.82, 0.18, 0.82), 0x000000);
        l.add(rect(0.16, 0.84, 0.47, 0.53), c);
      }
      case Cell.APPLE -> l.add(circle(0.5, 0.5, 0.3), 0x8cb300);
      case Cell.SQUARE -> l.add(rect(0.06, 0.94, 0.06, 0.94), c);
      default -> { }
    }
    if (obj != Cell.WALL) {
      // MiniGrid's grid lines: the top and left edge of every tile.
      l.add(rect(0, 0.031, 0, 1), LINE_GREY);
      l.add(rect(0, 1, 0, 0.031), LINE_GREY);
    }
    return l;
  }

  private Layers flatLayers(int obj, int colour, int state) {
    int floor = palette.rgb(Cell.EMPTY, 0);
    int c = palette.rgb(obj, colour);
    Layers l = new Layers(floor);
    switch (obj) {
      case Cell.APPLE -> {
        l.add(circle(0.5, 0.55, 0.3), c);
        l.add(rect(0.47, 0.53, 0.12, 0.3), 0x6b4a1c);
      }
      case Cell.KEY -> key(l, c);
      case Cell.DOOR -> {
        l.add(rect(0, 1, 0, 1), c);
        l.add(rect(0.08, 0.92, 0.08, 0.92), darker(c, 0.25));
        l.add(circle(0.75, 0.5, 0.08), darker(c, 0.6));
      }
      case Cell.BALL -> l.add(circle(0.5, 0.5, 0.31), c);
      case Cell.EMPTY, Cell.FLOOR, Cell.UNSEEN -> { }
      default -> l.add(rect(0, 1, 0, 1), c);
    }
    // A faint line on the top and left edge so cells can be counted.
    l.add(rect(0, 0.04, 0, 1), darker(l.colourAt(0.02, 0.5), 0.12));
    l.add(rect(0, 1, 0, 0.04), darker(l.colourAt(0.5, 0.02), 0.12));
    return l;
  }

  /** MiniGrid's door tiles: open (a thin frame on one side), locked (filled, a key slot), closed (panels and handle). */
  private static void door(Layers l, int c, int state) {
    if (state == Cell.OPEN) {
      l.add(rect(0.88, 1.00, 0.00, 1.00), c);
      l.add(rect(0.92, 0.96, 0.04, 0.96), 0x000000);
    } else if (state == Cell.LOCKED) {
      l.add(rect(0.00, 1.00, 0.00, 1.00), c);
      l.add(rect(0.06, 0.94, 0.06, 0.94), darker(c, 0.55));
      l.add(rect(0.52, 0.75, 0.50, 0.56), c);
    } else {
      l.add(rect(0.00, 1.00, 0.00, 1.00), c);
      l.add(rect(0.04, 0.96, 0.04, 0.96), 0x000000);
      l.add(rect(0.08, 0.92, 0.08, 0.92), c);
      l.add(rect(0.12, 0.88, 0.12, 0.88), 0x000000);
      l.add(circle(0.75, 0.50, 0.08), c);
    }
  }

  /** MiniGrid's key: a shaft with two teeth and a ring. */
  private static void key(Layers l, int c) {
    l.add(rect(0.50, 0.63, 0.31, 0.88), c);
    l.add(rect(0.38, 0.50, 0.59, 0.66), c);
    l.add(rect(0.38, 0.50, 0.81, 0.88), c);
    l.add(ring(0.56, 0.28, 0.190, 0.064), c);
  }

  static int darker(int c, double amount) {
    return blend(c, 0x000000, amount);
  }

  static int blend(int c, int with, double alpha) {
    int r = (int) Math.round((c >> 16 & 0xff) * (1 - alpha) + (with >> 16 & 0xff) * alpha);
    int g = (int) Math.round((c >> 8 & 0xff) * (1 - alpha) + (with >> 8 & 0xff) * alpha);
    int b = (int) Math.round((c & 0xff) * (1 - alpha) + (with & 0xff) * alpha);
    return r << 16 | g << 8 | b;
  }

  /** A shape in tile coordinates: u right, v down, both in [0, 1]. */
  @FunctionalInterface
  private interface Shape {
    boolean contains(double u, double v);
  }

  private static Shape rect(double u0, double u1, double v0, double v1) {
    return (u, v) -> u >= u0 && u <= u1 && v >= v0 && v <= v1;
  }

  private static Shape circle(double cu, double cv, double r) {
    return (u, v) -> (u - cu) * (u - cu) + (v - cv) * (v - cv) <= r * r;
  }

  private static Shape ring(double cu, double cv, double outer, double inner) {
    return (u, v) -> {
      double d2 = (u - cu) * (u - cu) + (v - cv) * (v - cv);
      return d2 <= outer * outer && d2 > inner * inner;
    };
  }

  /** A triangle rotated by {@code theta} about the tile centre. */
  private static Shape triangle(double au, double av, double bu, double bv, double cu, double cv, double theta) {
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double[] p = new double[6];
    double[] src = {au, av, bu, bv, cu, cv};
    for (int i = 0; i < 3; i++) {
      double du = src[2 * i] - 0.5;
      double dv = src[2 * i + 1] - 0.5;
      p[2 * i] = 0.5 + du * cos - dv * sin;
      p[2 * i + 1] = 0.5 + du * sin + dv * cos;
    }
    return (u, v) -> {
      double d1 = (u - p[2]) * (p[1] - p[3]) - (p[0] - p[2]) * (v - p[3]);
      double d2 = (u - p[4]) * (p[3] - p[5]) - (p[2] - p[4]) * (v - p[5]);
      double d3 = (u - p[0]) * (p[5] - p[1]) - (p[4] - p[0]) * (v - p[1]);
      boolean neg = d1 < 0 || d2 < 0 || d3 < 0;
      boolean pos = d1 > 0 || d2 > 0 || d3 > 0;
      return !(neg && pos);
    };
  }

  /** A background and shapes painted over it in order. */
  private static final class Layers {
    private final int background;
    private final java.util.List<Shape> shapes = new java.util.ArrayList<>();
    private final java.util.List<Integer> colours = new java.util.ArrayList<>();

    Layers(int background) {
      this.background = background;
    }

    void add(Shape s, int rgb) {
      shapes.add(s);
      colours.add(rgb);
    }

    int colourAt(double u, double v) {
      for (int i = shapes.size() - 1; i >= 0; i--) {
        if (shapes.get(i).contains(u, v)) {
          return colours.get(i);
        }
      }
      return background;
    }
  }
}
