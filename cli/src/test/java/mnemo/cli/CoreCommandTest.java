package mnemo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import mnemo.agent.core.CoreSpec;
import mnemo.agent.weights.NpyArray;
import mnemo.agent.weights.NpzWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CoreCommandTest {

  static String[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.commandLine().execute(args);
      return new String[] {String.valueOf(code), o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void listPrintsEverySpecWithEquations() {
    String[] r = run("core", "list");
    assertThat(r[0]).isEqualTo("0");
    for (String n : CoreSpec.allNames()) {
      assertThat(r[1]).contains("\n" + n + "\n");
    }
    assertThat(r[1]).contains("g = r_g ⊙ (1 − (1 − f)²)").contains("cumax(P_F)");
    assertThat(r[1]).contains("h' = (1 − z) ⊙ h + z ⊙ h̃").contains("f' = f / (f + i)  i' = i / (f + i)")
        .contains("m' = max(log σ(f̃) + m, ĩ)");
  }

  @Test
  void initThenRunTheLaterCores(@TempDir Path dir) throws Exception {
    Path x = dir.resolve("x.npy");
    Files.write(x, new NpyArray(ai.djl.ndarray.types.DataType.FLOAT32, new long[] {5, 2, 3}, new byte[5 * 2 * 3 * 4]).encode());
    Path w = dir.resolve("min.npz");
    assertThat(run("core", "init", "--core", "min-lstm", "--input-size", "3", "--hidden", "4", "--out", w.toString())[0]).isEqualTo("0");
    Map<String, NpyArray> weights = NpzWeights.read(Files.readAllBytes(w));
    assertThat(weights.keySet()).containsExactlyInAnyOrder("weight_ih", "bias_ih");
    assertThat(weights.get("weight_ih").shape()).containsExactly(12, 3);
    Path out = dir.resolve("out.npz");
    String[] r = run("core", "run", "--core", "min-lstm", "--weights", w.toString(), "--inputs", x.toString(), "--out", out.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(NpzWeights.read(Files.readAllBytes(out)).get("outputs").shape()).containsExactly(5, 2, 4);
    Path s = dir.resolve("slstm.npz");
    run("core", "init", "--core", "slstm", "--input-size", "3", "--hidden", "4", "--out", s.toString());
    r = run("core", "run", "--core", "slstm", "--weights", s.toString(), "--inputs", x.toString(), "--out", out.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(NpzWeights.read(Files.readAllBytes(out)).keySet()).containsExactly("outputs", "h_final", "c_final", "n_final", "m_final");
  }

  @Test
  void initThenRunWritesOutputsAndFinalStates(@TempDir Path dir) throws Exception {
    Path w = dir.resolve("w.npz");
    assertThat(run("core", "init", "--core", "ur-gru", "--input-size", "3", "--hidden", "4", "--out", w.toString())[0]).isEqualTo("0");
    assertThat(NpzWeights.read(Files.readAllBytes(w)).get("weight_ih").shape()).containsExactly(16, 3);
    Path x = dir.resolve("x.npy");
    Files.write(x, new NpyArray(ai.djl.ndarray.types.DataType.FLOAT32, new long[] {5, 2, 3}, new byte[5 * 2 * 3 * 4]).encode());
    Path out = dir.resolve("out.npz");
    String[] r = run("core", "run", "--core", "ur-gru", "--weights", w.toString(), "--inputs", x.toString(), "--out", out.toString());
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    Map<String, NpyArray> o = NpzWeights.read(Files.readAllBytes(out));
    assertThat(o.keySet()).containsExactly("outputs", "h_final");
    assertThat(o.get("outputs").shape()).containsExactly(5, 2, 4);
  }

  @Test
  void runExplainsMissingArraysAndWrongShapes(@TempDir Path dir) throws Exception {
    Path w = dir.resolve("w.npz");
    run("core", "init", "--core", "lstm", "--input-size", "3", "--hidden", "4", "--out", w.toString());
    Path x = dir.resolve("x.npy");
    Files.write(x, new NpyArray(ai.djl.ndarray.types.DataType.FLOAT32, new long[] {5, 2, 6}, new byte[5 * 2 * 6 * 4]).encode());
    String[] r = run("core", "run", "--core", "lstm", "--weights", w.toString(), "--inputs", x.toString(), "--out", dir.resolve("o.npz").toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("inputs have I=6 but weight_ih expects I=3");
    Map<String, NpyArray> only = Map.of("weight_ih", NpzWeights.read(Files.readAllBytes(w)).get("weight_ih"));
    Path bad = dir.resolve("bad.npz");
    Files.write(bad, NpzWeights.write(only));
    r = run("core", "run", "--core", "lstm", "--weights", bad.toString(), "--inputs", x.toString(), "--out", dir.resolve("o.npz").toString());
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[2]).contains("has no array 'weight_hh'");
    r = run("core", "run", "--core", "gru", "--weights", w.toString(), "--inputs", x.toString(), "--out", dir.resolve("o.npz").toString());
    assertThat(r[2]).contains("weight_ih must be [12, I]");
    assertThat(List.of(r[0])).containsExactly("2");
  }
}
