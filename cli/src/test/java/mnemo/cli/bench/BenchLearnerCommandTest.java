package mnemo.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import mnemo.cli.CliRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchLearnerCommandTest {

  /** A tiny learner measured with each optimizer: a row per core, and the command that reproduces it. */
  @Test
  void measuresTheLearnerWithEitherOptimizer(@TempDir Path dir) throws Exception {
    for (String optimizer : new String[] {"rmsprop", "adam"}) {
      Path out = dir.resolve(optimizer + ".md");
      String[] r = CliRuns.exitAndErr("bench", "learner", "--cores", "lstm:hidden=4", "--unroll", "3", "--batch", "1",
          "--envs", "2", "--steps", "2", "--optimizer", optimizer, "--out", out.toString());
      assertThat(r[0]).as(r[1]).isEqualTo("0");
      String md = Files.readString(out);
      assertThat(md).containsPattern("\\| `memory/cue-recall:bits=1,length=5` \\| `lstm:hidden=4` \\| [0-9.]+ \\| [0-9]+ \\|");
      // IMPALA's RMSProp is the default and left out of the command; Adam is named
      assertThat(md.contains("--optimizer adam")).isEqualTo(optimizer.equals("adam"));
    }
    String[] bad = CliRuns.exitAndErr("bench", "learner", "--optimizer", "sgd", "--out", dir.resolve("x.md").toString());
    assertThat(bad[0]).isEqualTo("2");
    assertThat(bad[1]).contains("--optimizer must be rmsprop or adam");
  }
}
