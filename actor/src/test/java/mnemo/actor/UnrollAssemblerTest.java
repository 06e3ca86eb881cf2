package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import mnemo.envs.DType;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.proto.TensorCodec;
import mnemo.proto.learner.v1.Unroll;
import org.junit.jupiter.api.Test;

class UnrollAssemblerTest {
  private static final TensorSpec IMAGE = new TensorSpec("pixels", new int[] {2, 1, 1}, DType.UINT8, 0, 255);

  private static TimeStep image(int a, int b) {
    return TimeStep.first(Tensor.ofBytes(new byte[] {(byte) a, (byte) b}, 2, 1, 1));
  }

  @Test
  void imageObservationsTravelAsUint8() {
    UnrollAssembler asm = new UnrollAssembler(1, 1, IMAGE, 2);
    asm.begin(CoreState.empty());
    asm.record(new TimeStep[] {image(200, 7)}, new int[] {-1}, new int[] {1}, new float[] {0, 0});
    asm.record(new TimeStep[] {image(255, 0)}, new int[] {-1}, new int[] {0}, new float[] {0, 0});
    Unroll u = asm.build("a", 0, 0);
    assertThat(u.getObservations().getDtype()).isEqualTo(mnemo.proto.env.v1.DType.UINT8);
    assertThat(u.getObservations().getShapeList()).containsExactly(2, 1, 2, 1, 1);
    assertThat(u.getObservations().getData().toByteArray()).containsExactly(200, 7, 255, 0);
    assertThat(u.getCoreStateList()).isEmpty();
  }

  @Test
  void anUnrollEndedEarlyCarriesOnlyTheStepsRecordedAndTheNextStartsFromItsLast() {
    UnrollAssembler asm = new UnrollAssembler(5, 1, IMAGE, 2);
    asm.begin(CoreState.empty());
    for (int i = 0; i < 3; i++) {
      asm.record(new TimeStep[] {image(i, 10 + i)}, new int[] {-1}, new int[] {i % 2}, new float[] {i, -i});
    }
    Unroll u = asm.build("a", 0, 0);
    assertThat(u.getUnrollLength()).isEqualTo(2);
    assertThat(u.getObservations().getShapeList()).containsExactly(3, 1, 2, 1, 1);
    assertThat(u.getObservations().getData().toByteArray()).containsExactly(0, 10, 1, 11, 2, 12);
    assertThat(TensorCodec.toInts(u.getActions())).containsExactly(0, 1, 0);
    assertThat(TensorCodec.toFloats(u.getBehaviourLogits())).containsExactly(0, 0, 1, -1, 2, -2);
    asm.restart(CoreState.empty());
    asm.record(new TimeStep[] {image(9, 9)}, new int[] {0}, new int[] {1}, new float[] {0, 0});
    Unroll next = asm.build("a", 1, 0);
    assertThat(next.getUnrollLength()).isEqualTo(1);
    assertThat(next.getObservations().getData().toByteArray()).containsExactly(2, 12, 9, 9);
  }

  @Test
  void misuseFailsWithAClearMessage() {
    UnrollAssembler asm = new UnrollAssembler(1, 1, IMAGE, 2);
    TimeStep[] one = {image(1, 2)};
    assertThatThrownBy(() -> asm.record(one, new int[] {-1}, new int[] {0}, new float[2]))
        .hasMessageContaining("begin()");
    asm.begin(CoreState.empty());
    assertThatThrownBy(() -> asm.build("a", 0, 0)).hasMessageContaining("at least 2 steps, this one holds 0");
    assertThatThrownBy(() -> asm.restart(CoreState.empty())).hasMessageContaining("at least 2 steps");
    assertThatThrownBy(() -> asm.record(one, new int[] {-1}, new int[] {0}, new float[3]))
        .hasMessageContaining("logits");
    TimeStep floats = TimeStep.first(Tensor.ofFloats(new float[2], 2));
    assertThatThrownBy(() -> asm.record(new TimeStep[] {floats}, new int[] {-1}, new int[] {0}, new float[2]))
        .hasMessageContaining("spec says");
    asm.record(one, new int[] {-1}, new int[] {0}, new float[2]);
    asm.record(one, new int[] {-1}, new int[] {0}, new float[2]);
    assertThatThrownBy(() -> asm.record(one, new int[] {-1}, new int[] {0}, new float[2]))
        .hasMessageContaining("T+1 = 2");
    assertThatThrownBy(() -> new UnrollAssembler(0, 1, IMAGE, 2)).hasMessageContaining("T >= 1");
    assertThatThrownBy(() -> new CoreState(List.of(new float[3]), List.of(new int[] {2, 2})))
        .hasMessageContaining("needs 4");
  }
}
