package mnemo.envs.render;

import java.util.List;
import mnemo.envs.Frame;

/**
 * Lays a strip of text lines (step, action, reward, return …) under a frame, in the 5×7 {@link
 * BitmapFont}: white on near-black, so every GIF of a run carries its own numbers.
 */
public final class Caption {
  private static final int BACKGROUND = 0x161616;
  private static final int INK = 0xf0f0f0;
  private static final int PAD = 3;

  private Caption() {}

  /** Height in pixels of a strip of {@code lines} lines at font scale {@code scale}. */
  public static int stripHeight(int lines, int scale) {
    return lines == 0 ? 0 : lines * (BitmapFont.height(scale) + PAD + 1) + PAD - 1;
  }

  /**
   * {@code frame} centred on top of a caption strip with {@code lines}; the result is {@code
   * max(frame.width, minWidth)} wide, so a sequence of frames with one {@code minWidth} keeps one size.
   * Text wider than the strip is clipped.
   */
  public static Frame below(Frame frame, int minWidth, int scale, List<String> lines) {
    int w = Math.max(frame.width(), minWidth);
    int strip = stripHeight(lines.size(), scale);
    Frame out = Frame.blank(w, frame.height() + strip);
    for (int y = 0; y < out.height(); y++) {
      for (int x = 0; x < w; x++) {
        out.set(x, y, BACKGROUND);
      }
    }
    int x0 = (w - frame.width()) / 2;
    for (int y = 0; y < frame.height(); y++) {
      System.arraycopy(frame.rgb(), y * frame.width() * 3, out.rgb(), (y * w + x0) * 3, frame.width() * 3);
    }
    int y = frame.height() + PAD;
    for (String line : lines) {
      BitmapFont.draw(out, PAD, y, line, INK, scale);
      y += BitmapFont.height(scale) + PAD + 1;
    }
    return out;
  }
}
