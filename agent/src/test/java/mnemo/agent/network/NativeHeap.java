package mnemo.agent.network;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Structure;

/**
 * Native memory in use by the process's malloc, read from glibc's {@code mallinfo2()} through JNA (which
 * comes with DJL's api): the bytes handed out and not yet freed, in the arenas ({@code uordblks}) and in
 * mmapped chunks ({@code hblkhd}), over all arenas. libtorch's CPU tensors are allocated there. Unlike
 * the RSS it does not count the freed pages an allocator keeps, nor the Java heap (the JVM maps it itself),
 * so it moves only with what is still allocated.
 */
final class NativeHeap {
  private NativeHeap() {}

  /** glibc's {@code struct mallinfo2}: ten {@code size_t}. */
  @Structure.FieldOrder({"arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
      "fordblks", "keepcost"})
  public static class MallInfo2 extends Structure implements Structure.ByValue {
    public long arena;
    public long ordblks;
    public long smblks;
    public long hblks;
    public long hblkhd;
    public long usmblks;
    public long fsmblks;
    public long uordblks;
    public long fordblks;
    public long keepcost;
  }

  interface LibC extends Library {
    MallInfo2 mallinfo2();
  }

  private static final LibC LIBC = load();

  private static LibC load() {
    try {
      LibC c = Native.load("c", LibC.class);
      c.mallinfo2(); // glibc >= 2.33
      return c;
    } catch (UnsatisfiedLinkError | RuntimeException e) {
      return null;
    }
  }

  /** Whether {@link #inUseKb} can be read here (Linux with glibc 2.33 or later). */
  static boolean available() {
    return LIBC != null;
  }

  /** kB malloc has handed out and not had back. */
  static long inUseKb() {
    MallInfo2 m = LIBC.mallinfo2();
    return (m.uordblks + m.hblkhd) / 1024;
  }
}
