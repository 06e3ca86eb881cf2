package mnemo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.CueRecall;
import mnemo.envs.tasks.TMaze;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EnvsCommandsTest {
  @TempDir Path dir;

  /** Runs {@code mnemo args...}; returns exit code and captured stdout + stderr. */
  private static Object[] run(String... args) {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      return new Object[] {code, bytes.toString(StandardCharsets.UTF_8) + err};
    } finally {
      System.setOut(oldOut);
    }
  }

  private static int gifFrames(Path gif) throws Exception {
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      return reader.getNumImages(true);
    }
  }

  @Test
  void renderWritesAGifOfOneEpisodeByDefault() throws Exception {
    Path gif = dir.resolve("t.gif");
    Object[] r = run("envs", "render", "memory/tmaze:length=5", "--policy", "oracle", "--out", gif.toString());
    assertThat(r[0]).isEqualTo(0);
    assertThat((String) r[1]).contains("mean return 1.000, success 1/1").contains("7 frames");
    assertThat(gifFrames(gif)).isEqualTo(7); // reset + L + 1 steps
  }

  @Test
  void renderSpansEpisodesWritesPngsAndText() throws Exception {
    Path gif = dir.resolve("c.gif");
    assertThat(run("envs", "render", "memory/cue-recall:length=2", "--steps", "7", "--out", gif.toString())[0]).isEqualTo(0);
    assertThat(gifFrames(gif)).isEqualTo(10); // episodes of 3 actions: 3 resets + 7 steps
    Path png = dir.resolve("p.png");
    assertThat(run("envs", "render", "popgym/repeat-first", "--steps", "3", "--scale", "1", "--no-captions",
        "--out", png.toString())[0]).isEqualTo(0);
    assertThat(ImageIO.read(png.toFile()).getWidth()).isEqualTo(112);
    Object[] text = run("envs", "render", "memory/tmaze:length=3", "--text", "--policy", "oracle");
    assertThat(text[0]).isEqualTo(0);
    assertThat((String) text[1]).containsPattern("episode 1  step 4  action (up|down)  reward 1.00").contains("@");
  }

  @Test
  void renderErrors() {
    assertThat(run("envs", "render", "memory/tmaze")[1].toString()).contains("--out");
    assertThat(run("envs", "render", "memory/tmaze", "--out", "x.jpg")[0]).isEqualTo(2);
    Object[] unknown = run("envs", "render", "nope/task", "--text");
    assertThat(unknown[0]).isEqualTo(2);
    assertThat(unknown[1].toString()).contains("unknown task 'nope/task'").doesNotContain("Exception");
    Object[] badParam = run("envs", "render", "memory/tmaze:length=x", "--text");
    assertThat(badParam[0]).isEqualTo(2);
    assertThat(badParam[1].toString()).contains("'length' must be an integer");
    Object[] badPolicy = run("envs", "render", "memory/tmaze", "--text", "--policy", "smart");
    assertThat(badPolicy[0]).isEqualTo(2);
    assertThat(badPolicy[1].toString()).contains("random or oracle");
    assertThat(run("envs", "table", "--episodes", "0")[0]).isEqualTo(2);
    assertThat(run("demo", "--task", "nope")[0]).isEqualTo(2);
  }

  @Test
  void envsWithoutSubcommandStillLists() {
    Object[] r = run("envs");
    assertThat(r[0]).isEqualTo(0);
    assertThat((String) r[1]).contains("memory/tmaze").contains("popgym/repeat-previous").contains("memory/cue-recall");
  }

  @Test
  void tableScoresEveryFamilyFallsBackToDefaultsAndPullsInNotes() throws Exception {
    TaskRegistry registry = new TaskRegistry();
    registry.register(CueRecall.FAMILY);
    registry.register(TMaze.FAMILY);
    // a family that appears later, with no curated settings: scored at its defaults
    registry.register(new TaskFamily("later/task", "a later task", List.of(new Param("length", "3", "L")),
        p -> new TMaze(mnemo.envs.registry.Params.of("memory/tmaze", TMaze.FAMILY.params(), java.util.Map.of("length", p.getString("length"))))));
    Files.createDirectories(dir.resolve("envs"));
    Files.writeString(dir.resolve("envs/tasks.md"), "## Memory tasks\n\nNotes here.\n");
    EnvsTableCommand table = new EnvsTableCommand();
    table.registry = registry;
    table.episodes = 4;
    table.out = dir.resolve("envs.md");
    table.gifSteps = 20;
    PrintStream oldOut = System.out;
    try {
      System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      assertThat(table.call()).isEqualTo(0);
    } finally {
      System.setOut(oldOut);
    }
    String md = Files.readString(dir.resolve("envs.md"));
    assertThat(md).contains("| `memory/tmaze` | `hint=0,length=10,mode=passive,obs=ni,penalty=auto` | 11 |");
    assertThat(md).contains("|  | `hint=0,length=100,mode=active,obs=ni,penalty=auto` | 103 |");
    assertThat(md).contains("| `memory/cue-recall` | `bits=1,length=10` | 11 |");
    assertThat(md).contains("| `later/task` | `hint=0,length=3,mode=passive,obs=ni,penalty=auto` | 4 |");
    // the oracle always wins the T-maze and cue recall
    assertThat(md).containsPattern("`hint=0,length=10,mode=passive,obs=ni,penalty=auto` \\| 11 \\| [−0-9.]+ \\| \\d+ % \\| 1\\.000 \\| 100 % \\|");
    assertThat(md).contains("![oracle episode of memory/tmaze:hint=0,length=10,mode=passive,obs=ni,penalty=auto](img/memory-tmaze.gif)");
    assertThat(md).contains("## Memory tasks\n\nNotes here.");
    assertThat(gifFrames(dir.resolve("img/memory-tmaze.gif"))).isEqualTo(12);
    assertThat(gifFrames(dir.resolve("img/later-task.gif"))).isEqualTo(5);
    assertThat(EnvsTableCommand.settings(registry, registry.family("later/task"))).containsExactly("later/task");
  }
}
