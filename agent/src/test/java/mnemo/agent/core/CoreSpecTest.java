package mnemo.agent.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class CoreSpecTest {

  @Test
  void parsesNamesAndOptions() {
    CoreSpec s = CoreSpec.parse("ur-lstm:hidden=128,refine_offset=true");
    assertThat(s.cell()).isEqualTo(CoreSpec.Cell.TIED_LSTM);
    assertThat(s.main()).isEqualTo(CoreSpec.MainGate.UNIFORM);
    assertThat(s.aux()).isEqualTo(CoreSpec.AuxGate.REFINE);
    assertThat(s.hidden()).isEqualTo(128);
    assertThat(s.refineOffset()).isTrue();
    assertThat(CoreSpec.parse("c-lstm:tmax=1000").tmax()).isEqualTo(1000);
    assertThat(CoreSpec.parse("om-lstm").blockNames()).containsExactly("forget", "master_forget", "master_input", "candidate", "output");
    assertThat(CoreSpec.parse("ur-gru").blockNames()).containsExactly("reset", "update", "candidate", "refine");
    assertThat(CoreSpec.parse("lstm").blockNames()).containsExactly("input", "forget", "cell", "output");
    assertThat(CoreSpec.parse("gru:hidden=8:forget_bias=1").forgetBias()).isEqualTo(1.0);
    assertThat(CoreSpec.parse("tied-lstm").numBlocks()).isEqualTo(3);
    assertThat(CoreSpec.parse("min-gru:chunk=4").chunk()).isEqualTo(4);
    assertThat(CoreSpec.parse("min-lstm").parameterNames()).containsExactly("weight_ih", "bias_ih");
    assertThat(CoreSpec.parse("slstm").stateNames()).containsExactly("h", "c", "n", "m");
    assertThat(CoreSpec.parse("slstm").blockNames()).containsExactly("input", "forget", "candidate", "output");
  }

  @Test
  void everyNameRoundTrips() {
    assertThat(CoreSpec.allNames()).hasSize(28).contains("min-gru", "min-lstm", "slstm", "ur-lstm", "u-lstm", "r-lstm", "c-lstm", "o-lstm", "om-lstm",
        "or-lstm", "cr-lstm", "ur-gru", "u-gru", "r-gru", "lstm", "gru");
    for (String n : CoreSpec.allNames()) {
      CoreSpec s = CoreSpec.parse(n);
      assertThat(s.name()).isEqualTo(n);
      assertThat(CoreSpec.parse(s.toString())).isEqualTo(s);
    }
  }

  @Test
  void rejectsBadSpecsWithClearMessages() {
    assertThatThrownBy(() -> CoreSpec.parse("xr-lstm")).hasMessageContaining("unknown core 'xr-lstm'").hasMessageContaining("ur-lstm");
    assertThatThrownBy(() -> CoreSpec.parse("ur-lstm:size=3")).hasMessageContaining("unknown core option 'size'");
    assertThatThrownBy(() -> CoreSpec.parse("ur-lstm:tmax=3")).hasMessageContaining("tmax applies to the chrono");
    assertThatThrownBy(() -> CoreSpec.parse("u-lstm:refine_offset=true")).hasMessageContaining("refine_offset applies");
    assertThatThrownBy(() -> CoreSpec.parse("ur-lstm:forget_bias=1")).hasMessageContaining("forget_bias applies");
    assertThatThrownBy(() -> CoreSpec.parse("lstm:hidden=x")).hasMessageContaining("bad value 'x'");
    assertThatThrownBy(() -> CoreSpec.parse("lstm:hidden=0")).hasMessageContaining("hidden must be positive");
    assertThatThrownBy(() -> CoreSpec.parse("lstm:hidden")).hasMessageContaining("not KEY=VALUE");
    assertThatThrownBy(() -> CoreSpec.parse("")).hasMessageContaining("empty core spec");
    assertThatThrownBy(() -> CoreSpec.parse("ur-lstm:refine_offset=yes")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> CoreSpec.parse("ur-lstm:chunk=4")).hasMessageContaining("chunk applies to the scanned cores");
    assertThatThrownBy(() -> CoreSpec.parse("min-gru:chunk=0")).hasMessageContaining("chunk must be at least 1");
    assertThatThrownBy(() -> CoreSpec.parse("min-gru:forget_bias=1")).hasMessageContaining("no forget gate");
  }

  @Test
  void uniformInitSpreadsTheForgetActivationOverOneOverDToOneMinusOneOverD() {
    int d = 512;
    double[] b = biasOfBlock("u-lstm:hidden=" + d, 0);
    double[] s = Arrays.stream(b).map(v -> 1 / (1 + Math.exp(-v))).sorted().toArray();
    assertThat(s[0]).isGreaterThanOrEqualTo(1.0 / d - 1e-9);
    assertThat(s[d - 1]).isLessThanOrEqualTo(1 - 1.0 / d + 1e-9);
    // uniform: the quartiles sit near 1/4, 1/2, 3/4 (a standard init would put them all at σ(0) = 1/2)
    assertThat(s[d / 4]).isBetween(0.19, 0.31);
    assertThat(s[d / 2]).isBetween(0.44, 0.56);
    assertThat(s[3 * d / 4]).isBetween(0.69, 0.81);
    // the GRU's update gate (block 1) gets it too; its reset gate (block 0) stays at zero bias
    assertThat(biasOfBlock("ur-gru:hidden=64", 0)).containsOnly(0.0);
    assertThat(Arrays.stream(biasOfBlock("ur-gru:hidden=64", 1)).distinct().count()).isGreaterThan(32);
  }

  @Test
  void chronoInitIsLogOfUniformOneToTmaxMinusOne() {
    int d = 512;
    double[] b = biasOfBlock("c-lstm:hidden=" + d + ",tmax=100", 0);
    double[] e = Arrays.stream(b).map(Math::exp).sorted().toArray();
    assertThat(e[0]).isGreaterThanOrEqualTo(1 - 1e-9);
    assertThat(e[d - 1]).isLessThanOrEqualTo(99 + 1e-9);
    assertThat(e[d / 2]).isBetween(43.0, 57.0); // median of U[1, 99] is 50
    assertThat(e[d - 1]).isGreaterThan(90);
  }

  @Test
  void standardInitUsesForgetBiasAndClassicCellsFollowPyTorch() {
    assertThat(biasOfBlock("tied-lstm:hidden=8", 0)).containsOnly(0.0);
    double[][] w = RecurrentCores.initialWeights(CoreSpec.parse("lstm:hidden=16"), 4, 1);
    double k = 1 / Math.sqrt(16);
    for (double[] a : w) {
      assertThat(Arrays.stream(a).max().getAsDouble()).isLessThanOrEqualTo(k);
      assertThat(Arrays.stream(a).min().getAsDouble()).isGreaterThanOrEqualTo(-k);
    }
    double[][] w1 = RecurrentCores.initialWeights(CoreSpec.parse("lstm:hidden=16,forget_bias=1"), 4, 1);
    assertThat(w1[3][16] - w[3][16]).isEqualTo(1.0); // bias_hh forget block (rows 16..31)
    assertThat(w1[3][0]).isEqualTo(w[3][0]);
  }

  @Test
  void cumaxForgetRowsRiseMonotonicallyToOne() {
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray z = m.randomNormal(0, 3, new Shape(5, 16), DataType.FLOAT64);
      double[] c = GatedCore.cumax(z).toDoubleArray();
      for (int r = 0; r < 5; r++) {
        for (int j = 1; j < 16; j++) {
          assertThat(c[r * 16 + j]).isGreaterThanOrEqualTo(c[r * 16 + j - 1]);
        }
        assertThat(c[r * 16 + 15]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(c[r * 16]).isGreaterThan(0);
      }
    }
  }

  @Test
  void sameSeedSameWeightsAndOtherSeedOthers() {
    CoreSpec s = CoreSpec.parse("ur-lstm:hidden=8");
    assertThat(RecurrentCores.initialWeights(s, 3, 5)[0]).containsExactly(RecurrentCores.initialWeights(s, 3, 5)[0]);
    assertThat(RecurrentCores.initialWeights(s, 3, 6)[0]).isNotEqualTo(RecurrentCores.initialWeights(s, 3, 5)[0]);
  }

  static double[] biasOfBlock(String spec, int block) {
    CoreSpec s = CoreSpec.parse(spec);
    double[] bih = RecurrentCores.initialWeights(s, 3, 42)[2];
    return Arrays.copyOfRange(bih, block * s.hidden(), (block + 1) * s.hidden());
  }
}
