package mnemo.envs;

/** An RGB picture, row-major, 3 bytes a pixel: what a person sees of an environment. */
public record Frame(int width, int height, byte[] rgb) {

  public Frame {
    if (rgb.length != width * height * 3) {
      throw new IllegalArgumentException("rgb has " + rgb.length + " bytes, " + width + "x" + height + " needs " + width * height * 3);
    }
  }

  public static Frame blank(int width, int height) {
    return new Frame(width, height, new byte[width * height * 3]);
  }

  /** The pixel at (x, y) as 0xRRGGBB. */
  public int rgbAt(int x, int y) {
    int i = (y * width + x) * 3;
    return (rgb[i] & 0xff) << 16 | (rgb[i + 1] & 0xff) << 8 | (rgb[i + 2] & 0xff);
  }

  public void set(int x, int y, int rgb24) {
    int i = (y * width + x) * 3;
    rgb[i] = (byte) (rgb24 >> 16);
    rgb[i + 1] = (byte) (rgb24 >> 8);
    rgb[i + 2] = (byte) rgb24;
  }
}
