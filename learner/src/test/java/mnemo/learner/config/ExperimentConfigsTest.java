package mnemo.learner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import mnemo.proto.config.v1.ExperimentConfig;
import org.junit.jupiter.api.Test;

class ExperimentConfigsTest {

  private static ExperimentConfig task(String id) {
    return ExperimentConfig.newBuilder().setTaskId(id).setCoreSpec("lstm").setTotalFrames(1000).build();
  }

  @Test
  void anUnsetUnrollHoldsOneWholeEpisodeAndTheStepAfterIt() {
    // cue recall L=12: 13 actions, so steps FIRST..LAST are 0..13 and step 14 is the next FIRST: T = 14
    assertThat(ExperimentConfigs.resolve(task("memory/cue-recall:length=12"), 13, true).getUnrollLength()).isEqualTo(14);
    assertThat(ExperimentConfigs.episodeUnroll(255, false)).isEqualTo(256);
    // too long for one unroll, or no time limit: IMPALA's 20
    assertThat(ExperimentConfigs.episodeUnroll(256, false)).isEqualTo(ExperimentConfigs.UNROLL_LENGTH);
    assertThat(ExperimentConfigs.episodeUnroll(0, false)).isEqualTo(ExperimentConfigs.UNROLL_LENGTH);
    assertThat(ExperimentConfigs.episodeUnroll(0, true)).isEqualTo(ExperimentConfigs.UNROLL_LENGTH);
    // a memory task keeps its whole episode much further: the T-maze at L = 1500 (1501 actions), not at 2048
    assertThat(ExperimentConfigs.episodeUnroll(1501, true)).isEqualTo(1502);
    assertThat(ExperimentConfigs.resolve(task("memory/tmaze:length=500"), 501, true).getUnrollLength()).isEqualTo(502);
    assertThat(ExperimentConfigs.resolve(task("memory-maze"), 1000, false).getUnrollLength())
        .isEqualTo(ExperimentConfigs.UNROLL_LENGTH);
    assertThat(ExperimentConfigs.episodeUnroll(2047, true)).isEqualTo(2048);
    assertThat(ExperimentConfigs.episodeUnroll(2048, true)).isEqualTo(ExperimentConfigs.UNROLL_LENGTH);
    // an explicit unroll is kept
    ExperimentConfig explicit = task("memory/cue-recall:length=12").toBuilder().setUnrollLength(5).build();
    assertThat(ExperimentConfigs.resolve(explicit, 13, true).getUnrollLength()).isEqualTo(5);
  }

  @Test
  void withTheCurriculumAndADefaultUnrollActorsEndEachUnrollWithItsEpisode() {
    ExperimentConfig curriculum = task("memory/tmaze:length=100").toBuilder().setLengthSampling("curriculum")
        .setMemoryLength(100).build();
    ExperimentConfig c = ExperimentConfigs.resolve(curriculum, 101, true);
    assertThat(c.getUnrollLength()).isEqualTo(102);
    assertThat(c.getEpisodeUnrolls()).isTrue();
    // not with an explicit unroll, fixed or uniform lengths, or episodes too long for one unroll
    assertThat(ExperimentConfigs.resolve(curriculum.toBuilder().setUnrollLength(30).build(), 101, true)
        .getEpisodeUnrolls()).isFalse();
    assertThat(ExperimentConfigs.resolve(curriculum.toBuilder().setLengthSampling("fixed").build(), 101, true)
        .getEpisodeUnrolls()).isFalse();
    assertThat(ExperimentConfigs.resolve(curriculum.toBuilder().setLengthSampling("uniform").build(), 101, true)
        .getEpisodeUnrolls()).isFalse();
    assertThat(ExperimentConfigs.resolve(curriculum, 5000, true).getEpisodeUnrolls()).isFalse();
    assertThat(ExperimentConfigs.resolve(task("minigrid/memory:size=7"), 245, false).getEpisodeUnrolls()).isFalse();
  }

  @Test
  void anUnrollShorterThanAnEpisodeIsWarnedAbout() {
    assertThat(ExperimentConfigs.unrollWarning(10, 31, "memory/tmaze:length=30", true)).hasValueSatisfying(w ->
        assertThat(w).contains("T=10").contains("31 steps").contains("T=32"));
    assertThat(ExperimentConfigs.unrollWarning(32, 31, "memory/tmaze:length=30", true)).isEmpty();
    assertThat(ExperimentConfigs.unrollWarning(40, 31, "memory/tmaze:length=30", true)).isEmpty();
    // a short task that is not a memory task is warned about too: its default would hold the episode
    assertThat(ExperimentConfigs.unrollWarning(10, 31, "gridworld/empty", false)).isPresent();
    // episodes too long for one unroll (a memory maze of 1000 steps) and tasks without a limit: no warning
    assertThat(ExperimentConfigs.unrollWarning(20, 1000, "memory-maze", false)).isEmpty();
    assertThat(ExperimentConfigs.unrollWarning(5, 0, "gridworld/empty", false)).isEmpty();
    // a memory task beyond the longest automatic unroll is warned about, with the unroll that would hold it
    assertThat(ExperimentConfigs.unrollWarning(20, 3000, "memory/tmaze:length=2999", true)).hasValueSatisfying(w ->
        assertThat(w).contains("T=20").contains("longest automatic unroll, 2048").contains("--unroll 3001"));
    // a task that asks for its own unroll (its time limit far longer than its memory's span) is warned
    // about only below it: 32 of a 245-step limit is its own choice, 16 is not, a whole episode is fine
    assertThat(ExperimentConfigs.unrollWarning(32, 245, "minigrid/memory:size=7", false, 32)).isEmpty();
    assertThat(ExperimentConfigs.unrollWarning(246, 245, "minigrid/memory:size=7", false, 32)).isEmpty();
    assertThat(ExperimentConfigs.unrollWarning(16, 245, "minigrid/memory:size=7", false, 32)).hasValueSatisfying(w ->
        assertThat(w).contains("T=16").contains("the T=32 minigrid/memory:size=7 asks for").contains("16 steps"));
  }

  @Test
  void theEntropyWeightFollowsItsLinearSchedule() {
    AtomicLong frames = new AtomicLong();
    ExperimentConfig constant = ExperimentConfigs.resolve(task("memory/tmaze").toBuilder().setEntropyCost(0.02).build());
    DoubleSupplier e = ExperimentConfigs.entropyCost(constant, frames::get);
    frames.set(700);
    assertThat(e.getAsDouble()).isEqualTo(0.02);

    ExperimentConfig annealed = constant.toBuilder().setEntropyCostFinal(0.0).build();
    DoubleSupplier a = ExperimentConfigs.entropyCost(annealed, frames::get);
    frames.set(0);
    assertThat(a.getAsDouble()).isCloseTo(0.02, within(1e-12));
    frames.set(250);
    assertThat(a.getAsDouble()).isCloseTo(0.015, within(1e-12));
    frames.set(5000); // past the budget: stays at the final weight
    assertThat(a.getAsDouble()).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void normalisedAdvantagesReachTheLossConfig() {
    ExperimentConfig c = ExperimentConfigs.resolve(task("memory/tmaze").toBuilder().setNormalizeAdvantages(true).build());
    assertThat(ExperimentConfigs.lossConfig(c).normalizeAdvantages()).isTrue();
  }
}
