package mnemo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvServerCommandTest {

  /** Runs {@code mnemo args...} and returns {exit code, stdout + stderr}. */
  static Object[] run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream capture = new PrintStream(buf, true, StandardCharsets.UTF_8);
    System.setOut(capture);
    System.setErr(capture);
    try {
      int code = Main.commandLine().execute(args);
      return new Object[] {code, buf.toString(StandardCharsets.UTF_8)};
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void wideBindWithoutTokenIsRefusedWithAClearMessage() {
    Object[] r = run("env-server", "--bind", "0.0.0.0", "--port", "0", "--token", "");
    assertThat(r[0]).isEqualTo(2);
    assertThat((String) r[1]).contains("refusing to bind 0.0.0.0").contains("MNEMO_TOKEN");
  }

  @Test
  void unknownAllowListEntryIsRefused() {
    Object[] r = run("env-server", "--port", "0", "--env", "memory/no-such-task");
    assertThat(r[0]).isEqualTo(2);
    assertThat((String) r[1]).contains("unknown task 'memory/no-such-task'");
  }

  @Test
  void helpDescribesTheFlags() {
    Object[] r = run("env-server", "--help");
    assertThat(r[0]).isEqualTo(0);
    assertThat((String) r[1]).contains("--bind").contains("--token").contains("--tls-cert").contains("--env");
  }

  @Test
  void benchPrintsAMarkdownTableWithRatios() {
    Object[] r = run("bench", "envs", "--tasks", "memory/cue-recall", "--seconds", "0.1", "--rounds", "1",
        "--batches", "1,4");
    assertThat(r[0]).isEqualTo(0);
    assertThat((String) r[1])
        .contains("| task | in process, steps/s | remote batch 1, steps/s (remote / in process) | remote batch 4,")
        .containsPattern("\\| memory/cue-recall:bits=1,length=10 \\| [0-9,]+ \\| [0-9,]+ \\([0-9.]+x\\) \\|");
  }
}
