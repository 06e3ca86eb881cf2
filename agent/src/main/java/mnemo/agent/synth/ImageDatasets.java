package mnemo.agent.synth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The MNIST-format image datasets: where their IDX files are ({@code train-images-idx3-ubyte[.gz]},
 * {@code train-labels-idx1-ubyte[.gz]}, {@code t10k-images-idx3-ubyte[.gz]},
 * {@code t10k-labels-idx1-ubyte[.gz]}) and how they load. Fashion-MNIST comes from Debian's
 * {@code dataset-fashion-mnist} package, in {@link #FASHION_MNIST_DIR}; any folder holding the four
 * files can be given instead.
 */
public final class ImageDatasets {

  /** Where Debian's {@code dataset-fashion-mnist} installs its files. */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  /** The names {@code --dataset} accepts. */
  public static final List<String> NAMES = List.of("fashion-mnist", "mnist");

  /** A training and a test set. */
  public record Dataset(String name, ImageSet train, ImageSet test) {}

  private ImageDatasets() {}

  /**
   * Loads {@code name} from {@code dir}, or from where its package installs it when {@code dir} is null.
   *
   * @throws IOException naming the missing files and how to get them, or what is wrong with a file
   */
  public static Dataset load(String name, Path dir) throws IOException {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("unknown dataset '" + name + "' (" + String.join(", ", NAMES) + ")");
    }
    if (dir == null && !name.equals("fashion-mnist")) {
      throw new IOException(name + " has no Debian package here: give the folder of its four IDX files with --data DIR");
    }
    Path folder = dir != null ? dir : FASHION_MNIST_DIR;
    ImageSet train = load(folder, "train", name, dir == null);
    ImageSet test = load(folder, "t10k", name, dir == null);
    if (train.rows() != test.rows() || train.cols() != test.cols()) {
      throw new IOException(folder + ": training images are " + train.rows() + "x" + train.cols() + ", test images "
          + test.rows() + "x" + test.cols());
    }
    return new Dataset(name, train, test);
  }

  private static ImageSet load(Path folder, String split, String name, boolean fromPackage) throws IOException {
    Path images = find(folder, split + "-images-idx3-ubyte", name, fromPackage);
    Path labels = find(folder, split + "-labels-idx1-ubyte", name, fromPackage);
    IdxReader.IdxArray x = IdxReader.read(images);
    IdxReader.IdxArray y = IdxReader.read(labels);
    if (x.dims().length != 3) {
      throw new IOException(images + ": expected 3 dimensions (images, rows, columns), got " + x.dims().length);
    }
    if (y.dims().length != 1 || y.dims()[0] != x.dims()[0]) {
      throw new IOException(labels + ": expected one label per image (" + x.dims()[0] + ")");
    }
    for (byte b : y.data()) {
      if ((b & 0xff) > 9) {
        throw new IOException(labels + ": label " + (b & 0xff) + " outside 0..9");
      }
    }
    return new ImageSet(x.dims()[0], x.dims()[1], x.dims()[2], x.data(), y.data());
  }

  /** {@code stem.gz} or {@code stem} in {@code folder}. */
  static Path find(Path folder, String stem, String name, boolean fromPackage) throws IOException {
    for (Path p : List.of(folder.resolve(stem + ".gz"), folder.resolve(stem))) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    String how = fromPackage
        ? "install Debian's package (apt-get install dataset-fashion-mnist) or give another folder with --data DIR"
        : "--data must name a folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            + "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each optionally .gz)";
    throw new IOException(String.format(Locale.ROOT, "%s not found: no %s[.gz] in %s; %s", name, stem, folder, how));
  }
}
