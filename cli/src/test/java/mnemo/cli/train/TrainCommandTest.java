package mnemo.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import mnemo.cli.CliRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnemo train}'s refusals; training itself is tested by LearningTest and the other system tests. */
class TrainCommandTest {
  @TempDir Path dir;

  private static String[] run(String... args) {
    return CliRuns.exitAndErr(args);
  }

  @Test
  void resumeWithoutAFolderIsRefused() {
    String[] r = run("train", "--resume");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("--resume needs a run folder: --resume DIR or --resume --run-dir DIR");
  }

  @Test
  void resumeOfTheRunDirWithoutACheckpointIsRefused() {
    String[] r = run("train", "--resume", "--run-dir", dir.toString());
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("cannot resume: no checkpoint in " + dir);
  }

  @Test
  void aCheckpointIntervalThatIsNotPositiveIsRefused() {
    String[] r = run("train", "--run-dir", dir.resolve("a").toString(), "--checkpoint-every", "-1");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("--checkpoint-every must be positive, got -1.0");
    assertThat(dir.resolve("a")).doesNotExist();
  }
}
