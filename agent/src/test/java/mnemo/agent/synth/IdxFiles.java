package mnemo.agent.synth;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Writes small IDX files of unsigned bytes (the MNIST layout) for tests. */
final class IdxFiles {
  private IdxFiles() {}

  static void write(Path file, boolean gzip, int[] dims, byte[] data) throws IOException {
    try (OutputStream raw = Files.newOutputStream(file);
        DataOutputStream out = new DataOutputStream(gzip ? new GZIPOutputStream(raw) : raw)) {
      out.writeInt(0x00000800 | dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }

  /**
   * The four files of a dataset in {@code dir}: {@code n} training and {@code m} test images of
   * {@code rows × cols}; pixel p of image i is {@code (i * 7 + p) % 256} and the label is {@code i % 10}.
   */
  static void dataset(Path dir, int n, int m, int rows, int cols, boolean gzip) throws IOException {
    String gz = gzip ? ".gz" : "";
    for (String split : new String[] {"train", "t10k"}) {
      int count = split.equals("train") ? n : m;
      byte[] pixels = new byte[count * rows * cols];
      byte[] labels = new byte[count];
      for (int i = 0; i < count; i++) {
        for (int p = 0; p < rows * cols; p++) {
          pixels[i * rows * cols + p] = (byte) ((i * 7 + p) % 256);
        }
        labels[i] = (byte) (i % 10);
      }
      write(dir.resolve(split + "-images-idx3-ubyte" + gz), gzip, new int[] {count, rows, cols}, pixels);
      write(dir.resolve(split + "-labels-idx1-ubyte" + gz), gzip, new int[] {count}, labels);
    }
  }
}
