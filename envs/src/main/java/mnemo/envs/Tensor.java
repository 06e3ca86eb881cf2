package mnemo.envs;

import java.util.Arrays;

/**
 * A dense observation tensor, row-major: float32 values in {@code floats} or uint8 values in {@code
 * bytes} (the other array is null). Environments hand out a fresh tensor per step; callers may keep it.
 */
public record Tensor(DType dtype, int[] shape, float[] floats, byte[] bytes) {

  public Tensor {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    int len = dtype == DType.FLOAT32 ? floats.length : bytes.length;
    if (len != n) {
      throw new IllegalArgumentException("payload has " + len + " elements, shape " + Arrays.toString(shape) + " needs " + n);
    }
  }

  public static Tensor ofFloats(float[] data, int... shape) {
    return new Tensor(DType.FLOAT32, shape, data, null);
  }

  public static Tensor ofBytes(byte[] data, int... shape) {
    return new Tensor(DType.UINT8, shape, null, data);
  }

  /** The shape array itself (no copy): do not modify. */
  public int[] shapeView() {
    return shape;
  }

  public int size() {
    return dtype == DType.FLOAT32 ? floats.length : bytes.length;
  }

  /** Element {@code i} (flat index) as a float; uint8 values are 0..255. */
  public float get(int i) {
    return dtype == DType.FLOAT32 ? floats[i] : (bytes[i] & 0xff);
  }

  /** Copies all elements, as floats, into {@code dst} from {@code offset}. */
  public void copyTo(float[] dst, int offset) {
    if (dtype == DType.FLOAT32) {
      System.arraycopy(floats, 0, dst, offset, floats.length);
    } else {
      for (int i = 0; i < bytes.length; i++) {
        dst[offset + i] = bytes[i] & 0xff;
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tensor t && dtype == t.dtype && Arrays.equals(shape, t.shape)
        && Arrays.equals(floats, t.floats) && Arrays.equals(bytes, t.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + (floats != null ? Arrays.hashCode(floats) : Arrays.hashCode(bytes));
  }

  @Override
  public String toString() {
    return dtype + Arrays.toString(shape)
        + (size() <= 16 ? (floats != null ? Arrays.toString(floats) : Arrays.toString(bytes)) : "");
  }
}
