package mnemo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path dir;

  private String run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      assertThat(Main.commandLine().execute(args)).isEqualTo(0);
    } finally {
      System.setOut(old);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void demoPrintsStepsAndASummaryAndWritesTheGifIntoARunFolder() throws Exception {
    String out = run("demo", "--runs", dir.toString());
    List<Path> runs;
    try (Stream<Path> s = Files.list(dir)) {
      runs = s.toList();
    }
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).getFileName().toString()).matches("demo-\\d{8}-\\d{6}");
    Path gif = runs.get(0).resolve("rollout.gif");
    assertThat(out).contains("random agent on " + "memory/tmaze:hint=0,length=8")
        .contains("episode 1  step 0  action -").contains("episode 1  step 2").doesNotContain("episode 1  step 3  action")
        .contains("3 episodes (3 finished)").contains(gif.toAbsolutePath().toString());
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(3 * 10); // 3 episodes of L + 1 = 9 steps, plus resets
    }
  }

  @Test
  void longEpisodesAreCut() {
    String out = run("demo", "--runs", dir.toString(), "--task", "popgym/repeat-first:difficulty=hard", "--episodes", "1",
        "--max-steps", "20", "--policy", "oracle");
    assertThat(out).contains("episode 1: 20 steps (cut), return 0.024").contains("1 episode (0 finished)");
  }
}
