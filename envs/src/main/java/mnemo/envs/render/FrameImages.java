package mnemo.envs.render;

import java.awt.image.BufferedImage;
import mnemo.envs.Frame;

/** Conversions between {@link Frame}s and AWT images (headless-safe), and integer upscaling. */
public final class FrameImages {
  private FrameImages() {}

  /** A TYPE_INT_RGB copy of {@code frame}. */
  public static BufferedImage toImage(Frame frame) {
    BufferedImage img = new BufferedImage(frame.width(), frame.height(), BufferedImage.TYPE_INT_RGB);
    int[] row = new int[frame.width()];
    for (int y = 0; y < frame.height(); y++) {
      for (int x = 0; x < frame.width(); x++) {
        row[x] = frame.rgbAt(x, y);
      }
      img.setRGB(0, y, frame.width(), 1, row, 0, frame.width());
    }
    return img;
  }

  /** The RGB pixels of {@code img} (alpha dropped) as a Frame. */
  public static Frame fromImage(BufferedImage img) {
    Frame f = Frame.blank(img.getWidth(), img.getHeight());
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        f.set(x, y, img.getRGB(x, y) & 0xffffff);
      }
    }
    return f;
  }

  /** Every pixel of {@code frame} as a {@code k}×{@code k} block (nearest neighbour); k = 1 returns it. */
  public static Frame upscale(Frame frame, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("scale must be >= 1, got " + k);
    }
    if (k == 1) {
      return frame;
    }
    int w = frame.width() * k;
    byte[] src = frame.rgb();
    byte[] dst = new byte[w * frame.height() * k * 3];
    for (int y = 0; y < frame.height(); y++) {
      int rowStart = y * k * w * 3;
      for (int x = 0; x < frame.width(); x++) {
        int s = (y * frame.width() + x) * 3;
        for (int dx = 0; dx < k; dx++) {
          int d = rowStart + (x * k + dx) * 3;
          dst[d] = src[s];
          dst[d + 1] = src[s + 1];
          dst[d + 2] = src[s + 2];
        }
      }
      for (int dy = 1; dy < k; dy++) {
        System.arraycopy(dst, rowStart, dst, rowStart + dy * w * 3, w * 3);
      }
    }
    return new Frame(w, frame.height() * k, dst);
  }

  /** The largest integer scale that keeps {@code frame} within {@code maxSide} pixels on its longer side (at least 1). */
  public static int fitScale(Frame frame, int maxSide) {
    return Math.max(1, maxSide / Math.max(frame.width(), frame.height()));
  }
}
