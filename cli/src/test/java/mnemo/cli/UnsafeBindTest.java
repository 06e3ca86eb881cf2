package mnemo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command refuses an unsafe bind (servers and metrics) before it builds, writes or binds
 * anything: exit code 2 and one line naming the fix.
 */
class UnsafeBindTest {
  @TempDir Path dir;

  private static void refusedInOneLine(String[] r, String command, String... parts) {
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1].strip().lines()).hasSize(1);
    assertThat(r[1]).startsWith("mnemo " + command + ": refusing to ").contains(parts);
  }

  @Test
  void learnerWithAWideBindAndNoTokenWritesNothing() {
    Path run = dir.resolve("a");
    refusedInOneLine(CliRuns.exitAndErr("learner", "--run-dir", run.toString(), "--bind", "0.0.0.0", "--token=",
        "--port", "0"), "learner", "bind 0.0.0.0", "MNEMO_TOKEN", "--tls-cert", "or bind 127.0.0.1");
    assertThat(run).doesNotExist();
  }

  @Test
  void learnerWithWideMetricsAndNoTokenWritesNothing() {
    Path run = dir.resolve("b");
    refusedInOneLine(CliRuns.exitAndErr("learner", "--run-dir", run.toString(), "--token=", "--port", "0",
        "--metrics-port", "0", "--metrics-bind", "0.0.0.0"), "learner", "metrics on 0.0.0.0", "--token",
        "bind the metrics to 127.0.0.1");
    assertThat(run).doesNotExist();
  }

  @Test
  void trainWithAWideBindAndNoTokenWritesNothing() {
    Path run = dir.resolve("c");
    refusedInOneLine(CliRuns.exitAndErr("train", "--run-dir", run.toString(), "--bind", "0.0.0.0", "--token=",
        "--local", "--metrics-port", "0"), "train", "bind 0.0.0.0");
    assertThat(run).doesNotExist();
  }

  @Test
  void actorWithWideMetricsAndNoTokenDoesNotStart() {
    refusedInOneLine(CliRuns.exitAndErr("actor", "--learner", "127.0.0.1:1", "--token=", "--metrics-port", "0",
        "--metrics-bind", "0.0.0.0"), "actor", "metrics on 0.0.0.0");
  }

  @Test
  void envServerWithWideMetricsAndNoTokenIsRefusedBeforeBinding() {
    refusedInOneLine(CliRuns.exitAndErr("env-server", "--bind", "0.0.0.0", "--token=", "--port", "0",
        "--metrics-port", "0"), "env-server", "bind 0.0.0.0");
  }

  @Test
  void aTokenMakesTheWideMetricsBindAcceptable() {
    // the learner then gets past the bind checks and fails on the next one (a bad checkpoint interval)
    String[] r = CliRuns.exitAndErr("learner", "--run-dir", dir.resolve("d").toString(), "--token=s3cret",
        "--metrics-port", "0", "--metrics-bind", "0.0.0.0", "--checkpoint-every", "0");
    assertThat(r[1]).doesNotContain("refusing").contains("--checkpoint-every must be positive");
  }
}
