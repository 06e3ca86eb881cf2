package mnemo.agent.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import mnemo.agent.Autograd;

/**
 * Named arrays to and from numpy {@code .npz} archives (a zip of {@code NAME.npy} entries, as
 * {@code numpy.savez} writes them), and in-place refresh of live parameters from an archive.
 */
public final class NpzWeights {

  private static final ThreadLocal<ByteBuffer> SCRATCH = new ThreadLocal<>();

  private NpzWeights() {}

  /** A cleared little-endian direct buffer of at least {@code bytes}, limited to {@code bytes}. */
  private static ByteBuffer scratch(int bytes) {
    ByteBuffer b = SCRATCH.get();
    if (b == null || b.capacity() < bytes) {
      b = ByteBuffer.allocateDirect(Math.max(bytes, 1 << 16)).order(ByteOrder.LITTLE_ENDIAN);
      SCRATCH.set(b);
    }
    b.clear();
    b.limit(bytes);
    return b;
  }

  /** Writes {@code arrays} under {@code names} as an uncompressed .npz archive. */
  public static byte[] encode(List<String> names, List<NDArray> arrays) {
    if (names.size() != arrays.size()) {
      throw new IllegalArgumentException(names.size() + " names for " + arrays.size() + " arrays");
    }
    Map<String, NpyArray> m = new LinkedHashMap<>();
    for (int i = 0; i < arrays.size(); i++) {
      m.put(names.get(i), NpyArray.of(arrays.get(i)));
    }
    return write(m);
  }

  /** Writes heap arrays as an uncompressed .npz archive, in map order. */
  public static byte[] write(Map<String, NpyArray> arrays) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
        byte[] npy = e.getValue().encode();
        ZipEntry z = new ZipEntry(e.getKey() + ".npy");
        z.setMethod(ZipEntry.STORED);
        z.setSize(npy.length);
        CRC32 crc = new CRC32();
        crc.update(npy);
        z.setCrc(crc.getValue());
        zip.putNextEntry(z);
        zip.write(npy);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads an .npz archive to the heap, by name (without {@code .npy}) in file order. */
  public static Map<String, NpyArray> read(byte[] npz) {
    Map<String, NpyArray> out = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(npz))) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        String n = e.getName();
        if (!n.endsWith(".npy")) {
          throw new IllegalArgumentException("an .npz archive holds only .npy entries, found '" + n + "'");
        }
        try {
          out.put(n.substring(0, n.length() - 4), NpyArray.decode(zip.readAllBytes()));
        } catch (IllegalArgumentException ex) {
          throw new IllegalArgumentException("array '" + n + "': " + ex.getMessage(), ex);
        }
      }
    } catch (IOException ex) {
      throw new IllegalArgumentException("not a readable .npz archive: " + ex.getMessage(), ex);
    }
    if (out.isEmpty() && npz.length > 0) {
      throw new IllegalArgumentException("not a readable .npz archive (no .npy entries)");
    }
    return out;
  }

  /** Reads an .npz archive into {@code manager}, by name in file order. */
  public static Map<String, NDArray> decode(NDManager manager, byte[] npz) {
    Map<String, NDArray> out = new LinkedHashMap<>();
    for (Map.Entry<String, NpyArray> e : read(npz).entrySet()) {
      NDArray a = e.getValue().toNDArray(manager);
      a.setName(e.getKey());
      out.put(e.getKey(), a);
    }
    return out;
  }

  /**
   * Copies an archive's arrays into {@code targets} in place ({@code index_put_} into the same
   * storage: no reallocation, and views or optimizer references stay valid). Every name must be
   * present with the target's shape; extra arrays are an error. Runs without autograd; the calling
   * thread's grad mode is restored.
   *
   * @throws IllegalArgumentException on a missing or extra array or a shape mismatch (nothing is
   *     copied then)
   */
  public static void copyInto(byte[] npz, List<String> names, List<NDArray> targets) {
    if (names.size() != targets.size()) {
      throw new IllegalArgumentException(names.size() + " names for " + targets.size() + " arrays");
    }
    Map<String, NpyArray> src = read(npz);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      NpyArray s = src.get(names.get(i));
      if (s == null) {
        problems.add("missing array '" + names.get(i) + "'");
      } else if (!s.ndShape().equals(targets.get(i).getShape())) {
        problems.add("array '" + names.get(i) + "' has shape " + s.ndShape() + ", expected " + targets.get(i).getShape());
      }
    }
    for (String n : src.keySet()) {
      if (!names.contains(n)) {
        problems.add("unexpected array '" + n + "'");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("weights do not fit: " + String.join("; ", problems));
    }
    try (Autograd.Paused noGraph = Autograd.pause();
        NDManager tmp = targets.get(0).getManager().newSubManager()) {
      NDIndex all = new NDIndex("...");
      for (int i = 0; i < names.size(); i++) {
        NDArray t = targets.get(i);
        NpyArray a = src.get(names.get(i));
        // Through one reused direct buffer per thread: no direct-memory churn waiting for the GC.
        ByteBuffer buf = scratch(a.data().length);
        buf.put(a.data()).flip();
        try (NDArray staged = tmp.create(buf, a.ndShape(), a.dtype())) {
          t.set(all, staged.toType(t.getDataType(), false));
        }
      }
    }
  }
}
