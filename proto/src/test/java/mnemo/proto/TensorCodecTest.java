package mnemo.proto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.Tensor;
import org.junit.jupiter.api.Test;

class TensorCodecTest {

  @Test
  void arraysBecomeTensorMessagesAndBack() {
    // 1 = 0x00000001, -1 = 0xFFFFFFFF: least significant byte first
    Tensor ints = TensorCodec.ints(new int[] {1, -1}, 1, 2);
    assertThat(ints.getDtype()).isEqualTo(DType.INT32);
    assertThat(ints.getShapeList()).containsExactly(1, 2);
    assertThat(ints.getData().toByteArray()).containsExactly(1, 0, 0, 0, -1, -1, -1, -1);
    assertThat(TensorCodec.toInts(ints)).containsExactly(1, -1);
    // 1.0f = 0x3F800000, -2.0f = 0xC0000000
    Tensor floats = TensorCodec.floats(new float[] {1f, -2f}, 2);
    assertThat(floats.getData().toByteArray()).containsExactly(0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0);
    assertThat(TensorCodec.toFloats(floats)).containsExactly(1f, -2f);
    byte[] data = {9, 8, 7};
    Tensor bytes = TensorCodec.bytes(data, 3, 1);
    data[0] = 0;
    assertThat(bytes.getData().toByteArray()).containsExactly(9, 8, 7);
    assertThat(bytes.getDtype()).isEqualTo(DType.UINT8);
    assertThatThrownBy(() -> TensorCodec.floats(new float[3], 2, 2)).hasMessageContaining("3 elements do not fill shape [2, 2]");
    assertThatThrownBy(() -> TensorCodec.toInts(floats)).hasMessageContaining("expected INT32, got FLOAT32");
    assertThatThrownBy(() -> TensorCodec.toFloats(ints)).hasMessageContaining("expected FLOAT32, got INT32");
  }

  @Test
  void uint8WidensToFloatsFrom0To255() {
    Tensor bytes = TensorCodec.bytes(new byte[] {0, 7, (byte) 255}, 3);
    assertThat(TensorCodec.widenToFloats(bytes)).containsExactly(0f, 7f, 255f);
    assertThat(TensorCodec.widenToFloats(TensorCodec.floats(new float[] {0.5f}, 1))).containsExactly(0.5f);
  }

  @Test
  void checkNamesTheDtypeTheShapeOrThePayload() {
    Tensor t = TensorCodec.floats(new float[6], 2, 3);
    assertThat(TensorCodec.check(t, DType.FLOAT32, 2, 3)).isEqualTo(6);
    assertThatThrownBy(() -> TensorCodec.check(t, DType.UINT8, 2, 3)).hasMessage("must be UINT8, got FLOAT32");
    assertThatThrownBy(() -> TensorCodec.check(t, DType.FLOAT32, 3, 2))
        .hasMessage("must have shape [3, 2], got [2, 3]");
    Tensor short_ = t.toBuilder().setData(ByteString.copyFrom(new byte[20])).build();
    assertThatThrownBy(() -> TensorCodec.check(short_, DType.FLOAT32, 2, 3))
        .hasMessage("payload has 20 bytes, shape needs 24");
    assertThatThrownBy(() -> TensorCodec.checkPayload(short_)).hasMessageContaining("needs 24 payload bytes, got 20");
  }

  @Test
  void aliasingSharesThePayload() {
    byte[] payload = new byte[8];
    Tensor t = TensorCodec.aliasing(DType.UINT8, payload, 6, 2, 3);
    payload[0] = 5;
    assertThat(t.getData().byteAt(0)).isEqualTo((byte) 5);
    assertThat(t.getData().size()).isEqualTo(6);
    assertThatThrownBy(() -> TensorCodec.aliasing(DType.FLOAT32, payload, 6, 2, 3))
        .hasMessageContaining("needs 24 payload bytes");
  }
}
