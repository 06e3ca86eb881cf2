package mnemo.cli.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mnemo.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The sweep's plan and its report, without training: run order, task ids, chrono T_max, refusals, and the
 * section written from finished run folders (eval.json, metrics.csv) made by hand.
 */
class SweepCommandTest {

  private static SweepCommand parse(String... args) {
    SweepCommand s = new SweepCommand();
    new CommandLine(s).parseArgs(args);
    return s;
  }

  @Test
  void runsGoLengthBySeedByCoreAndTasksGetTheirLength() {
    SweepCommand s = parse("--env", "memory/tmaze:mode=active", "--lengths", "25,50", "--frames", "1000,2000",
        "--cores", "lstm,ur-lstm", "--seeds", "2", "--dir", "x");
    List<SweepCommand.Run> runs = s.runs();
    assertThat(runs).hasSize(8);
    // whole lengths first, so a sweep stopped early has every core and seed of its shorter lengths
    assertThat(runs.subList(0, 4)).allMatch(r -> r.length() == 25 && r.frames() == 1000);
    assertThat(runs.get(0)).isEqualTo(new SweepCommand.Run(25, "lstm", 1, 1000));
    assertThat(runs.get(3)).isEqualTo(new SweepCommand.Run(25, "ur-lstm", 2, 1000));
    assertThat(runs.get(7)).isEqualTo(new SweepCommand.Run(50, "ur-lstm", 2, 2000));
    assertThat(s.taskId(50)).isEqualTo("memory/tmaze:mode=active,length=50");
  }

  @Test
  void aCoreSpecKeepsItsOwnOptionsInTheList() {
    SweepCommand s = parse("--env", "memory/tmaze", "--lengths", "10", "--frames", "1000", "--cores",
        "ur-lstm:hidden=64,impl=torch,lstm,c-lstm:tmax=50,forget_bias=1", "--dir", "x");
    assertThat(s.cores).containsExactly("ur-lstm:hidden=64,impl=torch", "lstm", "c-lstm:tmax=50,forget_bias=1");
  }

  @Test
  void chronoCoresGetTheEpisodeLengthAsTmaxAndHiddenIsAddedWhereUnset() {
    SweepCommand s = parse("--env", "memory/cue-recall", "--lengths", "10", "--frames", "1000", "--hidden", "32",
        "--dir", "x");
    // cue recall L = 10: episodes of 11 actions
    assertThat(s.coreSpec("c-lstm", 10)).isEqualTo("c-lstm:hidden=32,tmax=11");
    assertThat(s.coreSpec("c-lstm:tmax=500", 10)).isEqualTo("c-lstm:tmax=500,hidden=32");
    assertThat(s.coreSpec("ur-lstm:hidden=8", 10)).isEqualTo("ur-lstm:hidden=8");
  }

  @Test
  void aFrameListThatFitsNoLengthListIsRefused() {
    SweepCommand s = parse("--env", "memory/cue-recall", "--lengths", "10,20,40", "--frames", "1,2", "--dir", "x");
    assertThatThrownBy(s::runs).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one per length");
  }

  @Test
  void theReportTellsSolvedLengthsPerCoreFromFinishedRuns(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path doc = dir.resolve("results-rl.md");
    Files.writeString(doc, "# Results\n\nkept text\n");
    // lstm: both seeds at chance; ur-gru: both seeds solve L=10, one solves L=20; L=20 lstm seed 2 unfinished
    fakeRun(runs.resolve("L10/lstm-s1"), 0.5);
    fakeRun(runs.resolve("L10/lstm-s2"), 0.48);
    fakeRun(runs.resolve("L10/ur-gru-s1"), 1.0);
    fakeRun(runs.resolve("L10/ur-gru-s2"), 0.97);
    fakeRun(runs.resolve("L20/lstm-s1"), 0.5);
    fakeRun(runs.resolve("L20/ur-gru-s1"), 0.99);
    fakeRun(runs.resolve("L20/ur-gru-s2"), 0.6);
    int code = Main.commandLine().execute("sweep", "--env", "memory/cue-recall", "--lengths", "10,20", "--frames",
        "3000", "--cores", "lstm,ur-gru", "--seeds", "2", "--dir", runs.toString(), "--doc", doc.toString(),
        "--report-only");
    assertThat(code).isZero();
    String page = Files.readString(doc);
    assertThat(page).startsWith("# Results\n\nkept text\n").contains("<!-- sweep:memory/cue-recall:begin -->");
    // (these evaluations are from before greedy ones were recorded: no greedy success)
    assertThat(page).contains("| `lstm` | none | none | none | none | 3/4 |");
    assertThat(page).contains("| `ur-gru` | 10 | 20 | none | none | 4/4 |");
    // success per seed, the frames at which training success first reached 90 %, and the unfinished run
    assertThat(page).contains("| 10 | 3k | 0.50, 0.48 | 1.00 (2k), 0.97 (2k) |");
    assertThat(page).contains("| 20 | 3k | 0.50, … | 0.99 (2k), 0.60 |");
    assertThat(dir.resolve("img/rl-memory-cue-recall-10.png")).isRegularFile();

    // rewriting replaces the section instead of appending a second one
    assertThat(Main.commandLine().execute("sweep", "--env", "memory/cue-recall", "--lengths", "10,20", "--frames",
        "3000", "--cores", "lstm,ur-gru", "--seeds", "2", "--dir", runs.toString(), "--doc", doc.toString(),
        "--report-only")).isZero();
    String again = Files.readString(doc);
    assertThat(again.split("sweep:memory/cue-recall:begin", -1)).hasSize(2);
  }

  @Test
  void theReportTellsHowFarTheLengthCurriculumGotAndUsesSuccessAtL(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path doc = dir.resolve("results-rl.md");
    // a curriculum run: success over all episodes is high early (short episodes), success at L = 16 only
    // from the row where ℓ reached 16; seed 2 stopped at ℓ = 8
    Path s1 = runs.resolve("L16/lstm-s1");
    Files.createDirectories(s1);
    Files.writeString(s1.resolve("metrics.csv"), "frames,success_rate,full_success_rate,memory_length\n"
        + "1000,0.95,,2\n2000,0.96,,4\n3000,0.97,,8\n4000,0.9,0.5,16\n5000,0.95,0.92,16\n");
    Files.writeString(SweepResults.evalFile(s1), "{\"success\": 0.96, \"mean_return\": 0.9, \"episodes\": 200, "
        + "\"greedy_success\": 1.0}\n");
    Path s2 = runs.resolve("L16/lstm-s2");
    Files.createDirectories(s2);
    Files.writeString(s2.resolve("metrics.csv"), "frames,success_rate,full_success_rate,memory_length\n"
        + "1000,0.5,,2\n3000,0.95,,4\n5000,0.93,,8\n");
    Files.writeString(SweepResults.evalFile(s2), "{\"success\": 0.2, \"mean_return\": 0.1, \"episodes\": 200, "
        + "\"greedy_success\": 0.97}\n");
    assertThat(SweepResults.curriculumSteps(s1)).extracting(st -> st[0] + "@" + st[1])
        .containsExactly("2@1000", "4@2000", "8@3000", "16@4000");
    assertThat(Main.commandLine().execute("sweep", "--env", "memory/tmaze", "--lengths", "16", "--frames", "5000",
        "--cores", "lstm", "--seeds", "2", "--dir", runs.toString(), "--doc", doc.toString(), "--report-only"))
        .isZero();
    String page = Files.readString(doc);
    assertThat(page).contains("| 16 | `lstm` | **16** (4 @ 2k, 8 @ 3k, 16 @ 4k); **8** (4 @ 3k, 8 @ 5k) |");
    // frames to 90 % count the success at L (5k), not the early success on short episodes (1k)
    assertThat(page).contains("| 16 | 5k | 0.96 / 1.00 (5k), 0.20 / 0.97 |");
    // sampled: solved by one seed; greedy: by both
    assertThat(page).contains("| `lstm` | none | 16 | 16 | 16 | 2/2 |");
  }

  @Test
  void beyondTabulatesGreedySuccessAtKTimesTheTrainedLength(@TempDir Path dir) throws Exception {
    Path runs = dir.resolve("runs");
    Path doc = dir.resolve("results-rl.md");
    fakeRun(runs.resolve("L10/lstm-s1"), 1.0);
    fakeRun(runs.resolve("L10/lstm-s2"), 1.0);
    fakeRun(runs.resolve("L10/ur-gru-s1"), 1.0);
    fakeRun(runs.resolve("L10/ur-gru-s2"), 1.0);
    Files.writeString(SweepResults.beyondFile(runs.resolve("L10/lstm-s1")), "{\"length\": 20, \"greedy_success\": 0.5}\n");
    Files.writeString(SweepResults.beyondFile(runs.resolve("L10/lstm-s2")), "{\"length\": 20, \"greedy_success\": 1.0}\n");
    Files.writeString(SweepResults.beyondFile(runs.resolve("L10/ur-gru-s1")), "{\"length\": 20, \"greedy_success\": 0.97}\n");
    // played at another length (an earlier --beyond 3): not this table's
    Files.writeString(SweepResults.beyondFile(runs.resolve("L10/ur-gru-s2")), "{\"length\": 30, \"greedy_success\": 1.0}\n");
    assertThat(SweepResults.readBeyond(runs.resolve("L10/ur-gru-s2"), 20)).isNaN();
    assertThat(Main.commandLine().execute("sweep", "--env", "memory/tmaze", "--lengths", "10", "--frames", "3000",
        "--cores", "lstm,ur-gru", "--seeds", "2", "--dir", runs.toString(), "--doc", doc.toString(), "--beyond", "2",
        "--section", "far", "--report-only")).isZero();
    String page = Files.readString(doc);
    // the command that regenerates the section names it
    assertThat(page).contains("--seeds 2 --beyond 2 --section far --dir").contains("at 2 times the length it was trained at");
    assertThat(page).contains("| 10 | 20 | **1/2**: 0.50, 1.00 | **1/1**: 0.97, … |");

    java.io.StringWriter err = new java.io.StringWriter();
    assertThat(Main.commandLine().setErr(new java.io.PrintWriter(err)).execute("sweep", "--env", "memory/tmaze",
        "--lengths", "10", "--frames", "3000", "--dir", runs.toString(), "--beyond", "1", "--report-only")).isEqualTo(2);
    assertThat(err.toString()).contains("--beyond must be at least 2, got 1");
  }

  /** A finished run: training success climbs to {@code success} (reaching 0.9 at 2,000 frames when it does). */
  private static void fakeRun(Path d, double success) throws Exception {
    Files.createDirectories(d);
    Files.writeString(d.resolve("metrics.csv"), "wall_seconds,frames,success_rate\n1,1000,0.5\n2,2000,"
        + Math.min(success, 0.95) + "\n3,3000," + success + "\n");
    Files.writeString(SweepResults.evalFile(d), "{\"success\": " + success + ", \"mean_return\": "
        + (2 * success - 1) + ", \"episodes\": 200}\n");
  }
}
