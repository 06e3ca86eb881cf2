package mnemo.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import mnemo.cli.CliRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCoresCommandTest {

  /** {@code --part gemm}: both kernels of the Java paths' product timed, as numbers (the tests have the module). */
  @Test
  void timesBothKernelsOfTheProduct(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("gemm.md");
    String[] r = CliRuns.exitAndErr("bench", "cores", "--part", "gemm", "--iters", "1", "--out", out.toString());
    assertThat(r[0]).as(r[1]).isEqualTo("0");
    String md = Files.readString(out);
    assertThat(md).contains("./mnemo bench cores", "--part gemm")
        .containsPattern("\\| Java cell, H = 64: x W_ih \\(all T·B rows\\) \\| 3200 \\| 64 \\| 256 \\| [0-9.]+ \\| [0-9.]+ "
            + "\\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+x \\|")
        .doesNotContain("NaN", "not available");
  }

  /** {@code impl=java-scalar} beside {@code impl=java}: the Java cell with each kernel, in one table. */
  @Test
  void timesTheJavaCellWithEachKernel(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("cores.md");
    String[] r = CliRuns.exitAndErr("bench", "cores", "--cores", "ur-lstm", "--impls", "java-scalar,java", "--part",
        "unroll", "--shapes", "3x2x4x8", "--iters", "1", "--out", out.toString());
    assertThat(r[0]).as(r[1]).isEqualTo("0");
    assertThat(Files.readString(out)).contains("java-scalar ms | java ms")
        .containsPattern("\\| `ur-lstm` \\| 3 \\| 2 \\| 4 \\| 8 \\| [0-9.]+ \\| [0-9.]+ \\| [0-9.]+ \\|");
  }

  @Test
  void anUnknownPartIsRefused(@TempDir Path dir) {
    String[] bad = CliRuns.exitAndErr("bench", "cores", "--part", "gemms", "--out", dir.resolve("x.md").toString());
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[1]).contains("--part must be all, unroll, step or gemm, got 'gemms'");
  }
}
