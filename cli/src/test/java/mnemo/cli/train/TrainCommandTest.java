package mnemo.cli.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  /** A new run records its task's image scale: MiniGrid's codes by their maximum 10, pixels by 255, vectors 0. */
  @Test
  void aNewRunRecordsItsTasksImageScale() {
    assertThat(newRun("minigrid/memory:size=7").getImageScale()).isEqualTo(10);
    assertThat(newRun("gridworld/empty").getImageScale()).isEqualTo(10);
    assertThat(newRun("memory/visual-match").getImageScale()).isEqualTo(255);
    assertThat(newRun("memory/cue-recall").getImageScale()).isZero();
    var c = options("--env", "minigrid/memory:size=7").toConfig(245, 0, 10);
    assertThat(c.getImageScale()).isEqualTo(10);
    assertThat(options("--env", "memory/cue-recall").toConfig(6, 0).getImageScale()).isZero(); // 0: unset
    assertThatThrownBy(() -> options("--env", "minigrid/memory").toConfig(245, 0, -1))
        .hasMessageContaining("image_scale must be 0 (unset: 255) or positive, got -1");
  }

  /** The config a new run of {@code task} gets from its spec, as `train` and `learner` make it. */
  private static mnemo.proto.config.v1.ExperimentConfig newRun(String task) {
    try (var env = mnemo.envs.tasks.BuiltinTasks.registry().make(task)) {
      return options("--env", task).toConfig(env.spec(), 0);
    }
  }

  @Test
  void resumeWithoutAFolderIsRefused() {
    String[] r = run("train", "--resume");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("--resume needs a run folder: --resume DIR or --resume --run-dir DIR");
  }

  @Test
  void aMissingGpuOrANegativeQueueIsRefusedBeforeAnythingIsWritten() {
    // this machine's DJL engine reports no GPU (the CPU libtorch)
    org.junit.jupiter.api.Assumptions.assumeTrue(ai.djl.engine.Engine.getInstance().getGpuCount() == 0);
    String[] r = run("train", "--run-dir", dir.resolve("gpu").toString(), "--device", "gpu", "--frames", "100");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("--device gpu: no GPU").contains("PYTORCH_FLAVOR=cu128").doesNotContain("Exception");
    assertThat(dir.resolve("gpu")).doesNotExist();
    r = run("train", "--run-dir", dir.resolve("tpu").toString(), "--device", "tpu");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("bad device 'tpu': expected auto, cpu, gpu or gpu:N");
    r = run("train", "--run-dir", dir.resolve("q").toString(), "--device", "cpu", "--queue", "-1");
    assertThat(r[0]).isEqualTo("2");
    assertThat(r[1]).contains("--queue must be >= 0 (0: 2 x batch), got -1");
    assertThat(dir.resolve("q")).doesNotExist();
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

  @Test
  void lengthSamplingIsRefusedForATaskWithoutAMemoryLengthOrAnUnknownMode() {
    String[] r = run("train", "--run-dir", dir.resolve("b").toString(), "--env", "gridworld/empty",
        "--length-sampling", "curriculum");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("--length-sampling curriculum needs a task with a memory-length parameter");
    assertThat(dir.resolve("b")).doesNotExist();
    r = run("train", "--run-dir", dir.resolve("c").toString(), "--length-sampling", "sometimes");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[1]).contains("--length-sampling must be auto, curriculum, uniform or fixed, got 'sometimes'");
  }

  @Test
  void autoLengthSamplingIsTheCurriculumForMemoryTasksAndFixedForOthers() {
    ExperimentOptions tmaze = options("--env", "memory/tmaze:length=40");
    var c = tmaze.toConfig(41, 40);
    assertThat(c.getLengthSampling()).isEqualTo("curriculum");
    assertThat(c.getMemoryLength()).isEqualTo(40);
    // the unroll still covers the longest episode, at L
    assertThat(c.getUnrollLength()).isEqualTo(42);
    // a memory task's whole episode is one unroll beyond the 256 steps other tasks are cut at (T-maze L = 500)
    var longMaze = options("--env", "memory/tmaze:length=500").toConfig(501, 500);
    assertThat(longMaze.getUnrollLength()).isEqualTo(502);
    assertThat(mnemo.learner.config.ExperimentConfigs.unrollWarning(longMaze.getUnrollLength(), 501,
        longMaze.getTaskId(), true)).isEmpty();
    var cut = options("--env", "memory/tmaze:length=500", "--unroll", "100").toConfig(501, 500);
    assertThat(mnemo.learner.config.ExperimentConfigs.unrollWarning(cut.getUnrollLength(), 501, cut.getTaskId(), true))
        .hasValueSatisfying(w -> assertThat(w).contains("T=100").contains("the default T=502 holds a whole episode"));
    c = tmaze.toConfig(41, 0); // not stepped in-process (an environment server): the task as given
    assertThat(c.getLengthSampling()).isEqualTo("fixed");
    assertThat(c.getMemoryLength()).isZero();
    c = options("--env", "memory/tmaze:length=40", "--length-sampling", "uniform").toConfig(41, 40);
    assertThat(c.getLengthSampling()).isEqualTo("uniform");
    c = options("--env", "memory/tmaze:length=40", "--length-sampling", "fixed").toConfig(41, 40);
    assertThat(c.getLengthSampling()).isEqualTo("fixed");
    assertThat(c.getMemoryLength()).isZero();
  }

  @Test
  void theDefaultsEndUnrollsAtEpisodesAndNameTheActiveTMazesTrainingAid() {
    var c = options("--env", "memory/tmaze:length=50,mode=active").toConfig(53, 50);
    assertThat(c.getEpisodeUnrolls()).isTrue();
    assertThat(ExperimentOptions.trainingAidsNote(c)).hasValueSatisfying(n -> assertThat(n).contains("{hint=0.5}")
        .contains("{penalty=-0.02} at every shorter length").contains("evaluation plays the task as given"));
    // an explicit unroll keeps unrolls of T; an explicit hint is the user's task
    assertThat(options("--env", "memory/tmaze:length=50", "--unroll", "60").toConfig(51, 50).getEpisodeUnrolls())
        .isFalse();
    assertThat(ExperimentOptions.trainingAidsNote(
        options("--env", "memory/tmaze:length=50,mode=active,hint=0,penalty=-0.1").toConfig(53, 50))).isEmpty();
    assertThat(ExperimentOptions.trainingAidsNote(options("--env", "memory/tmaze:length=50,mode=active,hint=0")
        .toConfig(53, 50))).hasValueSatisfying(n -> assertThat(n).doesNotContain("training aids").contains("with {penalty=-0.02}"));
    // at one length the aids still apply; nothing is held at L (every episode plays L)
    assertThat(ExperimentOptions.trainingAidsNote(options("--env", "memory/tmaze:length=50,mode=active",
        "--length-sampling", "fixed").toConfig(53, 50))).hasValueSatisfying(n -> assertThat(n).contains("{hint=0.5}")
        .doesNotContain("shorter length"));
    assertThat(ExperimentOptions.trainingAidsNote(options("--env", "memory/tmaze:length=1000").toConfig(1001, 1000)))
        .hasValueSatisfying(n -> assertThat(n).isEqualTo("training episodes play memory/tmaze:length=1000 with "
            + "{penalty=-0.001} at every shorter length (its value at L); evaluation plays the task as given; set them "
            + "in the task id to change them"));
    assertThat(ExperimentOptions.trainingAidsNote(options("--env", "memory/cue-recall:length=50").toConfig(51, 50)))
        .isEmpty();
    // exploring starts: the active T-maze asks for a quarter, other tasks for none; the flag wins
    assertThat(c.getExploringStarts()).isEqualTo(0.25);
    assertThat(options("--env", "memory/tmaze:length=50").toConfig(51, 50).getExploringStarts()).isZero();
    assertThat(options("--env", "memory/cue-recall:length=5").toConfig(6, 5).getExploringStarts()).isZero();
    assertThat(options("--env", "memory/tmaze:length=50,mode=active", "--exploring-starts", "0").toConfig(53, 50)
        .getExploringStarts()).isZero();
    assertThatThrownBy(() -> options("--env", "memory/tmaze:length=50", "--exploring-starts", "2").toConfig(51, 50))
        .hasMessageContaining("exploring_starts");
    // a task the built-in registry does not know (an environment server's own) asks for none
    assertThat(ExperimentOptions.taskTraining("server/own-task:mode=active").exploringStarts()).isZero();
    assertThat(ExperimentOptions.taskTraining("gym/RememberTheCue")).isEqualTo(
        mnemo.envs.registry.TrainingSettings.DEFAULTS); // a served id outside the registry's naming rules
    assertThat(options("--env", "gym/RememberTheCue", "--unroll", "10").toConfig(20, 0).getUnrollLength()).isEqualTo(10);
    assertThat(ExperimentOptions.taskTraining("memory/tmaze:mode=active").exploringStarts()).isEqualTo(0.25);
  }

  @Test
  void miniGridMemoryTrainsWithItsAidsAShortUnrollAndAnEntropySchedule() {
    var c = options("--env", "minigrid/memory:size=7").toConfig(245, 0);
    assertThat(c.getUnrollLength()).isEqualTo(32); // not the 246 of a whole 245-step time limit
    assertThat(c.getEpisodeUnrolls()).isFalse();
    assertThat(c.getEntropyCost()).isEqualTo(0.01);
    assertThat(c.getEntropyCostFinal()).isEqualTo(0.001);
    assertThat(c.getLengthSampling()).isEqualTo("fixed");
    assertThat(ExperimentOptions.trainingAidsNote(c)).hasValueSatisfying(n -> assertThat(n)
        .contains("fixed_order=0.5").contains("cue_start=0.5").contains("evaluation plays the task as given")
        .doesNotContain("shorter length"));
    assertThat(ExperimentOptions.taskSettingsNote(c)).hasValue("minigrid/memory:size=7 asks for --unroll 32, "
        + "--entropy-cost 0.01 --entropy-cost-final 0.001 (docs/training.md); flags change them");
    // the active T-maze asks for exploring starts; cue recall for nothing
    assertThat(ExperimentOptions.taskSettingsNote(options("--env", "memory/tmaze:length=50,mode=active")
        .toConfig(53, 50))).hasValueSatisfying(n -> assertThat(n).contains("--exploring-starts 0.25"));
    assertThat(ExperimentOptions.taskSettingsNote(options("--env", "memory/cue-recall:length=5").toConfig(6, 5)))
        .isEmpty();
    // its own unroll is not warned about; a shorter one is
    assertThat(ExperimentOptions.unrollWarning(c, 245, false)).isEmpty();
    assertThat(ExperimentOptions.unrollWarning(c.toBuilder().setUnrollLength(8).build(), 245, false)).isPresent();
    // flags win: an unroll, a constant entropy (the task's schedule is dropped with its start), aids in the id
    var f = options("--env", "minigrid/memory:size=7,fixed_order=0,cue_start=0", "--unroll", "246",
        "--entropy-cost", "0.001").toConfig(245, 0);
    assertThat(f.getUnrollLength()).isEqualTo(246);
    assertThat(f.getEntropyCost()).isEqualTo(0.001);
    assertThat(f.hasEntropyCostFinal()).isFalse();
    assertThat(ExperimentOptions.trainingAidsNote(f)).isEmpty();
    assertThat(ExperimentOptions.taskSettingsNote(f)).isEmpty(); // every one set by a flag
    // only the end given: the task's start, the user's end
    var e = options("--env", "minigrid/memory:size=7", "--entropy-cost-final", "0.005").toConfig(245, 0);
    assertThat(e.getEntropyCost()).isEqualTo(0.01);
    assertThat(e.getEntropyCostFinal()).isEqualTo(0.005);
    // other tasks keep the trainer's defaults
    var g = options("--env", "gridworld/empty").toConfig(30, 0);
    assertThat(g.getEntropyCost()).isEqualTo(mnemo.learner.config.ExperimentConfigs.ENTROPY_COST);
    assertThat(g.hasEntropyCostFinal()).isFalse();
    assertThat(g.getUnrollLength()).isEqualTo(31);
  }

  private static ExperimentOptions options(String... args) {
    ExperimentOptions o = new ExperimentOptions();
    new picocli.CommandLine(o).parseArgs(args);
    return o;
  }

  @Test
  void aMetricsLogOfAnOlderRunKeepsItsColumnsWhenResumed() throws Exception {
    Path file = dir.resolve("metrics.csv");
    java.nio.file.Files.writeString(file, "frames,success_rate\n1,0.5\n");
    try (MetricsLog log = new MetricsLog(file, java.util.List.of("frames", "success_rate", "memory_length"))) {
      log.append(java.util.Map.of("frames", 2.0, "success_rate", 0.75, "memory_length", 4.0));
    }
    assertThat(java.nio.file.Files.readAllLines(file)).containsExactly("frames,success_rate", "1,0.5", "2,0.75");
    // columns that are not a prefix of the expected ones are refused, as before
    java.nio.file.Files.writeString(file, "success_rate,frames\n");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MetricsLog(file, java.util.List.of("frames",
        "success_rate"))).isInstanceOf(IllegalStateException.class).hasMessageContaining("has columns");
  }
}
