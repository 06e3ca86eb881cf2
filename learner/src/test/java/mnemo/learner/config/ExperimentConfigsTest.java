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
    assertThat(ExperimentConfigs.resolve(task("memory/cue-recall:length=12"), 13).getUnrollLength()).isEqualTo(14);
    assertThat(ExperimentConfigs.episodeUnroll(255)).isEqualTo(256);
    // too long for one unroll, or no time limit: IMPALA's 20
    assertThat(ExperimentConfigs.episodeUnroll(256)).isEqualTo(ExperimentConfigs.UNROLL_LENGTH);
    assertThat(ExperimentConfigs.episodeUnroll(0)).isEqualTo(ExperimentConfigs.UNROLL_LENGTH);
    // an explicit unroll is kept
    ExperimentConfig explicit = task("memory/cue-recall:length=12").toBuilder().setUnrollLength(5).build();
    assertThat(ExperimentConfigs.resolve(explicit, 13).getUnrollLength()).isEqualTo(5);
  }

  @Test
  void anUnrollShorterThanAnEpisodeIsWarnedAbout() {
    assertThat(ExperimentConfigs.unrollWarning(10, 31, "memory/tmaze:length=30")).hasValueSatisfying(w ->
        assertThat(w).contains("T=10").contains("31 steps").contains("T=32"));
    assertThat(ExperimentConfigs.unrollWarning(32, 31, "memory/tmaze:length=30")).isEmpty();
    assertThat(ExperimentConfigs.unrollWarning(40, 31, "memory/tmaze:length=30")).isEmpty();
    // episodes too long for one unroll (a memory maze of 1000 steps) and tasks without a limit: no warning
    assertThat(ExperimentConfigs.unrollWarning(20, 1000, "memory-maze")).isEmpty();
    assertThat(ExperimentConfigs.unrollWarning(5, 0, "gridworld/empty")).isEmpty();
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
