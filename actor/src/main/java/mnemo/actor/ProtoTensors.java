package mnemo.actor;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.Tensor;

/** Packs Java arrays into the protocol's {@link Tensor}: little-endian, row-major, with a shape. */
final class ProtoTensors {
  private ProtoTensors() {}

  static Tensor floats(float[] data, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(data);
    return tensor(DType.FLOAT32, b, shape);
  }

  static Tensor ints(int[] data, int... shape) {
    ByteBuffer b = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(data);
    return tensor(DType.INT32, b, shape);
  }

  static Tensor bytes(byte[] data, int... shape) {
    return tensor(DType.UINT8, ByteBuffer.wrap(data), shape);
  }

  private static Tensor tensor(DType dtype, ByteBuffer data, int... shape) {
    Tensor.Builder t = Tensor.newBuilder().setDtype(dtype).setData(ByteString.copyFrom(data.array()));
    for (int d : shape) {
      t.addShape(d);
    }
    return t.build();
  }

  /** A FLOAT32 tensor's elements. */
  static float[] toFloats(Tensor t) {
    if (t.getDtype() != DType.FLOAT32) {
      throw new IllegalArgumentException("expected FLOAT32, got " + t.getDtype());
    }
    float[] out = new float[t.getData().size() / 4];
    t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  /** An INT32 tensor's elements. */
  static int[] toInts(Tensor t) {
    if (t.getDtype() != DType.INT32) {
      throw new IllegalArgumentException("expected INT32, got " + t.getDtype());
    }
    int[] out = new int[t.getData().size() / 4];
    t.getData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    return out;
  }
}
