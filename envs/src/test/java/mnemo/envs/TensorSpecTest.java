package mnemo.envs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TensorSpecTest {
  private final TensorSpec image = new TensorSpec("rgb", new int[] {2, 2, 3}, DType.UINT8, 0, 255);
  private final TensorSpec vec = new TensorSpec("obs", new int[] {3}, DType.FLOAT32, -1, 1);

  @Test
  void acceptsWhatFits() {
    image.check(Tensor.ofBytes(new byte[12], 2, 2, 3));
    vec.check(Tensor.ofFloats(new float[] {-1, 0, 1}, 3));
    assertThat(image.size()).isEqualTo(12);
    assertThat(Tensor.ofBytes(new byte[] {(byte) 200}, 1).get(0)).isEqualTo(200f);
  }

  @Test
  void refusesWrongShapeTypeBoundsAndNaN() {
    assertThatThrownBy(() -> vec.check(Tensor.ofFloats(new float[4], 4))).hasMessageContaining("should be FLOAT32[3]");
    assertThatThrownBy(() -> vec.check(Tensor.ofBytes(new byte[3], 3))).hasMessageContaining("got UINT8[3]");
    assertThatThrownBy(() -> vec.check(Tensor.ofFloats(new float[] {0, 1.5f, 0}, 3)))
        .hasMessageContaining("element 1 = 1.5 outside [-1.0, 1.0]");
    assertThatThrownBy(() -> vec.check(Tensor.ofFloats(new float[] {0, Float.NaN, 0}, 3)))
        .hasMessageContaining("NaN");
  }

  @Test
  void tensorsCheckTheirPayloadAgainstTheShape() {
    assertThatThrownBy(() -> Tensor.ofFloats(new float[5], 2, 3)).hasMessageContaining("shape [2, 3] needs 6");
    assertThatThrownBy(() -> new TensorSpec("x", new int[] {0}, DType.UINT8, 0, 1)).hasMessageContaining("positive");
  }

  @Test
  void theStepContractSaysWhatIsWrong() {
    EnvSpec spec = new EnvSpec("test/t", vec, 2, java.util.List.of(), 5, java.util.List.of());
    spec.checkStep(true, false, 1);
    assertThatThrownBy(() -> spec.checkStep(false, false, 0)).isInstanceOf(IllegalStateException.class)
        .hasMessage("reset test/t before stepping it");
    assertThatThrownBy(() -> spec.checkStep(true, true, 0)).isInstanceOf(IllegalStateException.class)
        .hasMessage("reset test/t before stepping it (the episode ended)");
    assertThatThrownBy(() -> spec.checkStep(true, false, 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("action 2 outside [0, 2) for test/t");
  }

  @Test
  void copyToWidensBytesUnsigned() {
    float[] dst = new float[4];
    Tensor.ofBytes(new byte[] {1, (byte) 255}, 2).copyTo(dst, 1);
    assertThat(dst).containsExactly(0f, 1f, 255f, 0f);
  }
}
