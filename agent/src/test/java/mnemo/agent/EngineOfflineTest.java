package mnemo.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

/** libtorch loads from the bundled native jar with downloads forbidden, and computes. */
class EngineOfflineTest {

  @Test
  void pytorchLoadsOfflineAndMultiplies() {
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
    Engine engine = Engine.getEngine("PyTorch");
    assertThat(engine.getVersion()).startsWith("2.7.1");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray a = m.create(new float[] {1, 2, 3, 4}, new ai.djl.ndarray.types.Shape(2, 2));
      NDArray b = m.create(new float[] {5, 6, 7, 8}, new ai.djl.ndarray.types.Shape(2, 2));
      // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]] worked by hand
      assertThat(a.matMul(b).toFloatArray()).containsExactly(19f, 22f, 43f, 50f);
    }
  }
}
