package mnemo.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import mnemo.agent.weights.NpzWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every core against values computed outside Java: PyTorch's LSTMCell / GRUCell for lstm / gru, a
 * plain numpy float64 loop for the paper's variants (agent/src/test/python/make_core_references.py,
 * index.txt) and for min-gru, min-lstm and slstm (make_later_core_references.py, later-index.txt; the
 * min cores at several scan chunk lengths), at saturating weights, from a non-zero state, with
 * resets inside the sequence.
 */
class CoreReferenceTest {

  static final String DIR = "/mnemo/agent/core/reference/";

  static Stream<Arguments> references() throws IOException {
    List<Arguments> out = new ArrayList<>();
    for (String index : List.of("index.txt", "later-index.txt")) {
      try (InputStream in = CoreReferenceTest.class.getResourceAsStream(DIR + index)) {
        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
          if (!line.isBlank()) {
            String[] p = line.trim().split(" ");
            out.add(Arguments.of(p[1], p[0]));
          }
        }
      }
    }
    return out.stream();
  }

  static Map<String, NDArray> load(NDManager m, String file) throws IOException {
    try (InputStream in = CoreReferenceTest.class.getResourceAsStream(DIR + file)) {
      return NpzWeights.decode(m, in.readAllBytes());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("references")
  void matchesReferenceInDoubleAndFloat(String spec, String file) throws IOException {
    for (DataType type : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
      double tol = type == DataType.FLOAT64 ? 1e-10 : 2e-5;
      try (NDManager m = NDManager.newBaseManager()) {
        Map<String, NDArray> ref = load(m, file);
        CoreSpec cs = CoreSpec.parse(spec);
        Map<String, NDArray> w = new HashMap<>();
        for (String n : cs.parameterNames()) {
          w.put(n, ref.get(n).toType(type, false));
        }
        RecurrentCore core = RecurrentCores.fromWeights(cs, w);
        NDList state = new NDList();
        for (String n : cs.stateNames()) {
          state.add(ref.get(n + "0").toType(type, false));
        }
        CoreOutput out = core.unroll(ref.get("inputs").toType(type, false), ref.get("resets"), state);
        assertClose(out.outputs(), ref.get("outputs"), tol);
        for (int k = 0; k < cs.numStates(); k++) {
          assertClose(out.finalState().get(k), ref.get(cs.stateNames().get(k) + "_final"), tol);
        }
        // Step by step (resets applied by hand) gives the same outputs.
        NDArray inputs = ref.get("inputs").toType(type, false);
        float[] resets = ref.get("resets").toType(DataType.FLOAT32, false).toFloatArray();
        long t = inputs.getShape().get(0);
        long b = inputs.getShape().get(1);
        NDList st = state;
        List<NDArray> hs = new ArrayList<>();
        for (int i = 0; i < t; i++) {
          float[] keep = new float[(int) b];
          for (int j = 0; j < b; j++) {
            keep[j] = 1 - resets[(int) (i * b + j)];
          }
          NDArray k = m.create(keep).reshape(b, 1).toType(type, false);
          NDList masked = new NDList();
          for (NDArray a : st) {
            masked.add(a.mul(k));
          }
          st = core.step(inputs.get(i), masked);
          hs.add(st.get(0));
        }
        assertClose(ai.djl.ndarray.NDArrays.stack(new NDList(hs)), ref.get("outputs"), tol);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("references")
  void referencesSaturateTheGates(String spec, String file) throws IOException {
    // A test that cannot fail is a defect: check the weights really push pre-activations past ±4.
    try (NDManager m = NDManager.newBaseManager()) {
      Map<String, NDArray> ref = load(m, file);
      NDArray x = ref.get("inputs");
      NDArray pre = x.reshape(-1, x.getShape().get(2)).matMul(ref.get("weight_ih").transpose());
      double saturated = pre.abs().gt(4).toType(DataType.FLOAT64, false).mean().getDouble();
      assertThat(saturated).as("share of saturated pre-activations").isGreaterThan(0.1);
    }
  }

  /** Each element within tol, relative to the expected value where it exceeds 1. */
  static void assertClose(NDArray actual, NDArray expected, double tol) {
    assertThat(actual.getShape()).isEqualTo(expected.getShape());
    double[] a = actual.toType(DataType.FLOAT64, false).toDoubleArray();
    double[] e = expected.toType(DataType.FLOAT64, false).toDoubleArray();
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tol * Math.max(1, Math.abs(e[i]))));
    }
  }
}
