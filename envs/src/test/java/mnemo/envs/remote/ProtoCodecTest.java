package mnemo.envs.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import java.util.Map;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.StepType;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.proto.env.v1.TimeStepBatch;
import org.junit.jupiter.api.Test;

class ProtoCodecTest {
  private static final EnvSpec SPEC = new EnvSpec("test/task:x=1",
      new TensorSpec("obs", new int[] {2}, DType.FLOAT32, -2, 2), 3, List.of("a", "b", "c"), 7,
      List.of(TimeStep.SUCCESS));

  @Test
  void floatPayloadIsPackedLittleEndian() {
    // 1.0f = 0x3F800000, -2.0f = 0xC0000000: least significant byte first.
    mnemo.proto.env.v1.Tensor t = ProtoCodec.toProto(Tensor.ofFloats(new float[] {1f, -2f}, 2, 1));
    assertThat(t.getDtype()).isEqualTo(mnemo.proto.env.v1.DType.FLOAT32);
    assertThat(t.getShapeList()).containsExactly(2, 1);
    assertThat(t.getData().toByteArray()).containsExactly(0, 0, (byte) 0x80, 0x3F, 0, 0, 0, (byte) 0xC0);
    assertThat(ProtoCodec.fromProto(t)).isEqualTo(Tensor.ofFloats(new float[] {1f, -2f}, 2, 1));
  }

  @Test
  void uint8TensorRoundTrips() {
    Tensor t = Tensor.ofBytes(new byte[] {0, 7, (byte) 255, 3, 4, 5}, 2, 3);
    mnemo.proto.env.v1.Tensor p = ProtoCodec.toProto(t);
    assertThat(p.getData().toByteArray()).containsExactly(0, 7, (byte) 255, 3, 4, 5);
    assertThat(ProtoCodec.fromProto(p)).isEqualTo(t);
  }

  @Test
  void payloadOfTheWrongLengthIsRejected() {
    mnemo.proto.env.v1.Tensor bad = mnemo.proto.env.v1.Tensor.newBuilder().setDtype(mnemo.proto.env.v1.DType.FLOAT32)
        .addShape(3).setData(ByteString.copyFrom(new byte[8])).build();
    assertThatThrownBy(() -> ProtoCodec.fromProto(bad)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 12 payload bytes, got 8");
    mnemo.proto.env.v1.Tensor int32 = bad.toBuilder().setDtype(mnemo.proto.env.v1.DType.INT32).build();
    assertThatThrownBy(() -> ProtoCodec.fromProto(int32)).hasMessageContaining("INT32 is not supported");
  }

  @Test
  void specRoundTrips() {
    mnemo.proto.env.v1.EnvSpec p = ProtoCodec.toProto(SPEC);
    assertThat(p.getObservations(0).getShapeList()).containsExactly(2);
    assertThat(p.getAction().getNumActions()).isEqualTo(3);
    assertThat(p.getMaxEpisodeSteps()).isEqualTo(7);
    assertThat(ProtoCodec.fromProto(p)).isEqualTo(SPEC);
    assertThatThrownBy(() -> ProtoCodec.fromProto(p.toBuilder().addObservations(p.getObservations(0)).build()))
        .hasMessageContaining("exactly one");
  }

  @Test
  void batchIsStackedAlongALeadingAxisWithInfoColumns() {
    TimeStep[] steps = {
      TimeStep.first(Tensor.ofFloats(new float[] {1, 2}, 2)),
      TimeStep.terminal(-1f, Tensor.ofFloats(new float[] {-1, 0.5f}, 2), Map.of(TimeStep.SUCCESS, 0f)),
      TimeStep.truncated(0.25f, Tensor.ofFloats(new float[] {0, 0}, 2), Map.of()),
    };
    TimeStepBatch b = ProtoCodec.encode(steps, SPEC);
    assertThat(b.getStepTypesList()).containsExactly(mnemo.proto.env.v1.StepType.FIRST,
        mnemo.proto.env.v1.StepType.LAST, mnemo.proto.env.v1.StepType.LAST);
    assertThat(b.getRewardsList()).containsExactly(0f, -1f, 0.25f);
    assertThat(b.getDiscountsList()).containsExactly(1f, 0f, 1f);
    assertThat(b.getObservations(0).getShapeList()).containsExactly(3, 2);
    assertThat(ProtoCodec.fromProto(b.getObservations(0)).floats()).containsExactly(1, 2, -1, 0.5f, 0, 0);
    assertThat(b.getInfo(0).getKey()).isEqualTo(TimeStep.SUCCESS);
    assertThat(b.getInfo(0).getValuesList()).containsExactly(Float.NaN, 0f, Float.NaN);

    TimeStep[] back = ProtoCodec.decode(b, SPEC, 3);
    assertThat(back).containsExactly(steps);
    assertThat(back[1].isTerminated()).isTrue();
    assertThat(back[2].isTruncated()).isTrue();
  }

  @Test
  void encodingIntoAReusedPayloadAliasesIt() {
    TimeStep[] steps = {TimeStep.first(Tensor.ofFloats(new float[] {1, 2}, 2))};
    byte[] payload = new byte[12];
    TimeStepBatch b = ProtoCodec.encode(steps, SPEC, payload);
    assertThat(b.getObservations(0).getData().size()).isEqualTo(8);
    assertThat(ProtoCodec.decode(b, SPEC, 1)).containsExactly(steps);
    payload[2] = 0; // 1.0f = 00 00 80 3F becomes 0: the message shares the array
    payload[3] = 0;
    assertThat(ProtoCodec.decode(b, SPEC, 1)[0].observation().floats()[0]).isZero();
    assertThatThrownBy(() -> ProtoCodec.encode(steps, SPEC, new byte[7])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8 needed");
  }

  @Test
  void batchWithoutInfoHasNoColumns() {
    TimeStep[] steps = {TimeStep.mid(0f, Tensor.ofFloats(new float[] {1, 2}, 2))};
    assertThat(ProtoCodec.encode(steps, SPEC).getInfoCount()).isZero();
  }

  @Test
  void malformedBatchesAreRejected() {
    TimeStep[] steps = {TimeStep.first(Tensor.ofFloats(new float[] {1, 2}, 2)),
        TimeStep.first(Tensor.ofFloats(new float[] {1, 2}, 2))};
    TimeStepBatch b = ProtoCodec.encode(steps, SPEC);
    assertThatThrownBy(() -> ProtoCodec.decode(b, SPEC, 3)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 3 step types");
    TimeStepBatch wrongShape = b.toBuilder().setObservations(0, b.getObservations(0).toBuilder().setShape(1, 1)).build();
    assertThatThrownBy(() -> ProtoCodec.decode(wrongShape, SPEC, 2)).hasMessageContaining("observations should be");
    TimeStepBatch noType = b.toBuilder().setStepTypes(0, mnemo.proto.env.v1.StepType.STEP_TYPE_UNSPECIFIED).build();
    assertThatThrownBy(() -> ProtoCodec.decode(noType, SPEC, 2)).hasMessageContaining("not FIRST, MID or LAST");
  }

  @Test
  void encodeRejectsAnObservationThatBreaksTheSpec() {
    TimeStep[] steps = {TimeStep.first(Tensor.ofFloats(new float[] {1, 2, 3}, 3))};
    assertThatThrownBy(() -> ProtoCodec.encode(steps, SPEC)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("spec says");
  }

  @Test
  void stepTypesMapOneToOne() {
    for (StepType t : StepType.values()) {
      assertThat(ProtoCodec.fromProto(ProtoCodec.toProto(t))).isEqualTo(t);
    }
  }
}
