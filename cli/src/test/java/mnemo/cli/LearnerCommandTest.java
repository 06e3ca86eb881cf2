package mnemo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnemo learner}'s refusals; the learner itself is tested in the learner module and by FaultToleranceTest. */
class LearnerCommandTest {
  @TempDir Path dir;

  private static String[] run(String... args) {
    return CliRuns.exitAndErr(args);
  }

  @Test
  void aGpuRequestWithoutAGpuSaysHowToGetCudaLibtorch() {
    String[] r = run("learner", "--run-dir", dir.resolve("a").toString(), "--device", "gpu");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("PYTORCH_FLAVOR=cu128", "PYTORCH_LIBRARY_PATH");
    assertThat(dir.resolve("a")).doesNotExist();
  }

  @Test
  void resumeWithoutACheckpointIsRefused() {
    String[] r = run("learner", "--run-dir", dir.toString(), "--resume", "--port", "0");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("no checkpoint");
  }

  @Test
  void aCheckpointIntervalThatIsNotPositiveIsRefused() {
    String[] r = run("learner", "--run-dir", dir.resolve("a").toString(), "--checkpoint-every", "0", "--port", "0");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("--checkpoint-every must be positive, got 0.0");
    assertThat(dir.resolve("a")).doesNotExist();
  }

  @Test
  void anInvalidExperimentIsRefusedNamingTheField() {
    String[] r = run("learner", "--run-dir", dir.toString(), "--optimizer", "sgd", "--port", "0");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("optimizer must be rmsprop or adam");
  }
}
