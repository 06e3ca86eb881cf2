package mnemo.agent.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One array in numpy's {@code .npy} format (version 1–3, C order, little-endian), held on the heap.
 *
 * @param dtype the DJL type ({@code <f4} float32, {@code <f8} float64, {@code <i8} int64,
 *     {@code <i4} int32, {@code |u1} uint8, {@code |i1} int8, {@code |b1} boolean)
 * @param shape the dimensions
 * @param data the raw little-endian bytes, row-major
 */
public record NpyArray(DataType dtype, long[] shape, byte[] data) {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  public NpyArray {
    long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    if (n * dtype.getNumOfBytes() != data.length) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype + " needs "
          + n * dtype.getNumOfBytes() + " bytes, got " + data.length);
    }
  }

  /** Copies an NDArray's contents to the heap. */
  public static NpyArray of(NDArray a) {
    ByteBuffer b = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return new NpyArray(a.getDataType(), a.getShape().getShape(), bytes);
  }

  /** A new NDArray in {@code manager} holding a copy of the data. */
  public NDArray toNDArray(NDManager manager) {
    ByteBuffer buf = manager.allocateDirect(data.length);
    buf.order(ByteOrder.LITTLE_ENDIAN).put(data).rewind();
    return manager.create(buf, new Shape(shape), dtype);
  }

  public Shape ndShape() {
    return new Shape(shape);
  }

  /** The .npy file: magic, version 1.0, a header padded to 64 bytes, then the data. */
  public byte[] encode() {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    String shp = shape.length == 1 ? "(" + shape[0] + ",)"
        : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
    String header = "{'descr': '" + descr(dtype) + "', 'fortran_order': False, 'shape': " + shp + ", }";
    int total = MAGIC.length + 4 + header.length() + 1;
    int pad = (64 - total % 64) % 64;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
    return out.array();
  }

  /** Parses an .npy file. */
  public static NpyArray decode(byte[] file) {
    ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    for (byte m : MAGIC) {
      if (!in.hasRemaining() || in.get() != m) {
        throw new IllegalArgumentException("not an .npy array (bad magic)");
      }
    }
    int major = in.get();
    in.get();
    int headerLen = major == 1 ? Short.toUnsignedInt(in.getShort()) : in.getInt();
    String header = new String(file, in.position(), headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    in.position(in.position() + headerLen);
    Matcher d = DESCR.matcher(header);
    Matcher f = FORTRAN.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !f.find() || !s.find()) {
      throw new IllegalArgumentException("unreadable .npy header: " + header.trim());
    }
    if (f.group(1).equals("True")) {
      throw new IllegalArgumentException("Fortran-ordered .npy arrays are not supported (save with np.ascontiguousarray)");
    }
    DataType type = fromDescr(d.group(1));
    long[] shape = Arrays.stream(s.group(1).split(",")).map(String::trim).filter(x -> !x.isEmpty())
        .mapToLong(Long::parseLong).toArray();
    byte[] data = Arrays.copyOfRange(file, in.position(), file.length);
    return new NpyArray(type, shape, data);
  }

  static String descr(DataType t) {
    return switch (t) {
      case FLOAT32 -> "<f4";
      case FLOAT64 -> "<f8";
      case INT64 -> "<i8";
      case INT32 -> "<i4";
      case UINT8 -> "|u1";
      case INT8 -> "|i1";
      case BOOLEAN -> "|b1";
      default -> throw new IllegalArgumentException("no .npy type for " + t);
    };
  }

  static DataType fromDescr(String descr) {
    return switch (descr.toLowerCase(Locale.ROOT)) {
      case "<f4" -> DataType.FLOAT32;
      case "<f8" -> DataType.FLOAT64;
      case "<i8" -> DataType.INT64;
      case "<i4" -> DataType.INT32;
      case "|u1", "<u1" -> DataType.UINT8;
      case "|i1", "<i1" -> DataType.INT8;
      case "|b1" -> DataType.BOOLEAN;
      default -> throw new IllegalArgumentException("unsupported .npy dtype '" + descr
          + "' (use little-endian float32/float64/int64/int32/uint8)");
    };
  }
}
