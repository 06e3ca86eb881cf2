package mnemo.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.Tensor;
import mnemo.proto.env.v1.TensorSpec;

/**
 * The one codec of the {@code Tensor} message ({@code mnemo/env/v1/env.proto}), used on both sides of
 * both protocols: the environment server and its clients, the actor that packs an unroll and the
 * learner that unpacks it.
 *
 * <p>A payload is packed little-endian, row-major: FLOAT32 and INT32 take 4 bytes an element, UINT8 one.
 * Encoding throws IllegalArgumentException when the data does not fill the shape; decoding checks the
 * dtype, the shape and the payload length first ({@link #check}) and throws IllegalArgumentException
 * saying what is wrong, so a malformed message never reaches the caller as data.
 */
public final class TensorCodec {
  private TensorCodec() {}

  // ---- encoding ----

  /** A FLOAT32 tensor message of row-major {@code data}; throws when the shape does not hold its length. */
  public static Tensor floats(float[] data, int... shape) {
    byte[] le = new byte[checkLength(data.length, shape) * 4];
    ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(data);
    // No copy: nobody else holds le.
    return message(DType.FLOAT32, UnsafeByteOperations.unsafeWrap(le), shape);
  }

  /** An INT32 tensor message of row-major {@code data} (actions, step types). */
  public static Tensor ints(int[] data, int... shape) {
    byte[] le = new byte[checkLength(data.length, shape) * 4];
    ByteBuffer.wrap(le).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(data);
    return message(DType.INT32, UnsafeByteOperations.unsafeWrap(le), shape);
  }

  /** A UINT8 tensor message of row-major {@code data} (copied). */
  public static Tensor bytes(byte[] data, int... shape) {
    checkLength(data.length, shape);
    return message(DType.UINT8, ByteString.copyFrom(data), shape);
  }

  /**
   * A tensor message over the first {@code length} bytes of {@code payload}, already packed, which the
   * message <b>aliases</b> (no copy): serialize the message before writing into {@code payload} again.
   */
  public static Tensor aliasing(DType dtype, byte[] payload, int length, int... shape) {
    long want = (long) elements(shape) * bytesPerElement(dtype);
    if (length != want || length > payload.length) {
      throw new IllegalArgumentException(dtype + Arrays.toString(shape) + " needs " + want + " payload bytes, got "
          + length + " of " + payload.length);
    }
    return message(dtype, UnsafeByteOperations.unsafeWrap(payload, 0, length), shape);
  }

  private static Tensor message(DType dtype, ByteString data, int... shape) {
    Tensor.Builder b = Tensor.newBuilder().setDtype(dtype).setData(data);
    for (int d : shape) {
      b.addShape(d);
    }
    return b.build();
  }

  // ---- decoding ----

  /** A FLOAT32 tensor message's elements. */
  public static float[] toFloats(Tensor t) {
    if (t.getDtype() != DType.FLOAT32) {
      throw new IllegalArgumentException("expected FLOAT32, got " + t.getDtype());
    }
    float[] out = new float[t.getData().size() / 4];
    littleEndian(t).asFloatBuffer().get(out);
    return out;
  }

  /** An INT32 tensor message's elements. */
  public static int[] toInts(Tensor t) {
    if (t.getDtype() != DType.INT32) {
      throw new IllegalArgumentException("expected INT32, got " + t.getDtype());
    }
    int[] out = new int[t.getData().size() / 4];
    littleEndian(t).asIntBuffer().get(out);
    return out;
  }

  /** A FLOAT32 or UINT8 tensor message's elements as floats (a UINT8 element b becomes b in [0, 255]). */
  public static float[] widenToFloats(Tensor t) {
    if (t.getDtype() != DType.UINT8) {
      return toFloats(t);
    }
    ByteBuffer b = littleEndian(t);
    float[] out = new float[b.remaining()];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.get(i) & 0xff;
    }
    return out;
  }

  /** The payload as a read-only little-endian buffer (no copy). */
  public static ByteBuffer littleEndian(Tensor t) {
    return t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
  }

  // ---- checks ----

  /**
   * Checks that {@code t} is a {@code dtype} tensor of exactly {@code shape} with a payload of the
   * matching length, and returns its number of elements. The message of the IllegalArgumentException
   * (or ArithmeticException, for shapes too large to count) continues a sentence that starts with the
   * tensor's name: "must be FLOAT32, got UINT8", "must have shape [2, 3], got [3, 2]", "payload has 20
   * bytes, shape needs 24".
   */
  public static int check(Tensor t, DType dtype, int... shape) {
    if (t.getDtype() != dtype) {
      throw new IllegalArgumentException("must be " + dtype + ", got " + t.getDtype());
    }
    int[] got = shape(t);
    if (!Arrays.equals(got, shape)) {
      throw new IllegalArgumentException("must have shape " + Arrays.toString(shape) + ", got " + Arrays.toString(got));
    }
    long n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    long bytes = Math.multiplyExact(n, bytesPerElement(dtype));
    if (t.getData().size() != bytes) {
      throw new IllegalArgumentException("payload has " + t.getData().size() + " bytes, shape needs " + bytes);
    }
    return Math.toIntExact(n);
  }

  /** Throws IllegalArgumentException unless the payload's length matches the tensor's own shape and dtype. */
  public static void checkPayload(Tensor t) {
    long want = (long) elements(shape(t)) * bytesPerElement(t.getDtype());
    if (t.getData().size() != want) {
      throw new IllegalArgumentException("tensor " + t.getDtype() + t.getShapeList() + " needs " + want
          + " payload bytes, got " + t.getData().size());
    }
  }

  /** The tensor's shape as an array. */
  public static int[] shape(Tensor t) {
    return t.getShapeList().stream().mapToInt(Integer::intValue).toArray();
  }

  /** The spec's shape (one element, without any leading batch axes) as an array. */
  public static int[] shape(TensorSpec s) {
    return s.getShapeList().stream().mapToInt(Integer::intValue).toArray();
  }

  /** Bytes per element: 4 for FLOAT32 and INT32, 1 for UINT8. */
  public static int bytesPerElement(DType d) {
    return switch (d) {
      case FLOAT32, INT32 -> 4;
      case UINT8 -> 1;
      default -> throw new IllegalArgumentException("dtype " + d + " has no element size");
    };
  }

  /** The product of {@code shape}; throws on a negative dimension or more than Integer.MAX_VALUE elements. */
  public static int elements(int... shape) {
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
      n *= d;
      if (n > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
      }
    }
    return (int) n;
  }

  private static int checkLength(int length, int... shape) {
    if (elements(shape) != length) {
      throw new IllegalArgumentException(length + " elements do not fill shape " + Arrays.toString(shape));
    }
    return length;
  }
}
