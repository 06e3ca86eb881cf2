package mnemo.agent.synth;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of LeCun's MNIST files (and Fashion-MNIST's), plain or gzip-compressed: a
 * big-endian header {@code 0x00 0x00 type rank}, then {@code rank} big-endian int32 dimensions, then
 * the elements row-major. Only unsigned bytes (type {@code 0x08}) are read: images and labels.
 */
public final class IdxReader {

  /** The unsigned-byte element type. */
  static final int UBYTE = 0x08;

  /** The dimensions and the elements (unsigned bytes, row-major) of one IDX file. */
  public record IdxArray(int[] dims, byte[] data) {}

  private IdxReader() {}

  /** Reads {@code file}; gzip is recognised by its magic bytes, not the name. */
  public static IdxArray read(Path file) throws IOException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
      raw.mark(2);
      boolean gzip = raw.read() == 0x1f && raw.read() == 0x8b;
      raw.reset();
      try (DataInputStream in = new DataInputStream(gzip ? new BufferedInputStream(new GZIPInputStream(raw)) : raw)) {
        return read(in, file);
      }
    }
  }

  private static IdxArray read(DataInputStream in, Path file) throws IOException {
    int magic;
    try {
      magic = in.readInt();
    } catch (EOFException e) {
      throw new IOException(file + " is not an IDX file: shorter than its 4-byte header");
    }
    int type = (magic >>> 8) & 0xff;
    int rank = magic & 0xff;
    if ((magic >>> 16) != 0 || type != UBYTE || rank < 1 || rank > 4) {
      throw new IOException(String.format("%s is not an IDX file of unsigned bytes (header 0x%08x; expected "
          + "0x000008RR with rank RR in 1..4)", file, magic));
    }
    int[] dims = new int[rank];
    long count = 1;
    for (int i = 0; i < rank; i++) {
      dims[i] = in.readInt();
      if (dims[i] < 1) {
        throw new IOException(file + ": dimension " + i + " is " + dims[i]);
      }
      count *= dims[i];
    }
    if (count > Integer.MAX_VALUE - 8) {
      throw new IOException(file + ": " + count + " elements are too many");
    }
    byte[] data = new byte[(int) count];
    try {
      in.readFully(data);
    } catch (EOFException e) {
      throw new IOException(file + " is truncated: its header announces " + count + " elements");
    }
    return new IdxArray(dims, data);
  }
}
