package mnemo.agent.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NpzWeightsTest {

  @Test
  void readsArchivesWrittenByNumpy() throws Exception {
    // lstm.npz was written by numpy.savez (make_core_references.py): float64 arrays
    try (InputStream in = getClass().getResourceAsStream("/mnemo/agent/core/reference/lstm.npz")) {
      Map<String, NpyArray> a = NpzWeights.read(in.readAllBytes());
      assertThat(a.keySet()).contains("weight_ih", "weight_hh", "bias_ih", "bias_hh", "inputs", "resets", "outputs");
      assertThat(a.get("weight_ih").shape()).containsExactly(16, 5);
      assertThat(a.get("inputs").shape()).containsExactly(7, 3, 5);
      assertThat(a.get("weight_ih").dtype()).isEqualTo(DataType.FLOAT64);
    }
  }

  @Test
  void roundTripsEveryTypeWithNumpyHeaders() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray f = m.create(new float[] {1, 2, 3, 4, 5, 6}, new Shape(2, 3));
      NDArray l = m.create(new long[] {-1, 7});
      NDArray s = m.create(3.5);
      byte[] npz = NpzWeights.encode(List.of("f", "l", "s"), List.of(f, l, s));
      Map<String, NDArray> back = NpzWeights.decode(m, npz);
      assertThat(back.get("f").toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
      assertThat(back.get("f").getShape()).isEqualTo(new Shape(2, 3));
      assertThat(back.get("l").toLongArray()).containsExactly(-1, 7);
      assertThat(back.get("s").getShape()).isEqualTo(new Shape());
      byte[] npy = NpyArray.of(f).encode();
      String header = new String(npy, 10, npy[8], StandardCharsets.US_ASCII);
      assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }").endsWith("\n");
      assertThat((10 + header.length()) % 64).isZero();
      assertThat(new String(NpyArray.of(l).encode(), 10, 60, StandardCharsets.US_ASCII)).contains("'shape': (2,)");
    }
  }

  @Test
  void rejectsGarbageAndMismatches() {
    assertThatThrownBy(() -> NpzWeights.read(new byte[] {1, 2, 3})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NpyArray.decode("NUMPY".getBytes(StandardCharsets.US_ASCII))).hasMessageContaining("bad magic");
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray t = m.zeros(new Shape(2, 2));
      byte[] wrong = NpzWeights.encode(List.of("w"), List.of(m.zeros(new Shape(3))));
      assertThatThrownBy(() -> NpzWeights.copyInto(wrong, List.of("w"), List.of(t)))
          .hasMessageContaining("array 'w' has shape (3), expected (2, 2)");
      byte[] other = NpzWeights.encode(List.of("v"), List.of(m.zeros(new Shape(2, 2))));
      assertThatThrownBy(() -> NpzWeights.copyInto(other, List.of("w"), List.of(t)))
          .hasMessageContaining("missing array 'w'").hasMessageContaining("unexpected array 'v'");
    }
  }
}
