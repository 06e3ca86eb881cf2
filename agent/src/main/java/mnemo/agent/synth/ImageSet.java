package mnemo.agent.synth;

/**
 * Labelled grey-scale images: {@code count} images of {@code rows × cols} unsigned-byte pixels, stored
 * image after image, row-major, and one label in {@code 0..classes-1} per image.
 */
public record ImageSet(int count, int rows, int cols, byte[] pixels, byte[] labels) {

  public ImageSet {
    if ((long) count * rows * cols != pixels.length || labels.length != count) {
      throw new IllegalArgumentException(count + " images of " + rows + "x" + cols + " need " + (long) count * rows * cols
          + " pixels and " + count + " labels, got " + pixels.length + " and " + labels.length);
    }
  }

  /** Pixels per image (T of the sequential task). */
  public int size() {
    return rows * cols;
  }

  /** Pixel {@code p} (row-major) of image {@code i}, in [0, 255]. */
  public int pixel(int i, int p) {
    return pixels[i * size() + p] & 0xff;
  }

  public int label(int i) {
    return labels[i] & 0xff;
  }

  /** The first {@code n} images (all when {@code n} is at least the count). */
  public ImageSet first(int n) {
    if (n >= count) {
      return this;
    }
    if (n < 1) {
      throw new IllegalArgumentException("a subset needs at least one image, got " + n);
    }
    return new ImageSet(n, rows, cols, java.util.Arrays.copyOf(pixels, n * size()), java.util.Arrays.copyOf(labels, n));
  }
}
