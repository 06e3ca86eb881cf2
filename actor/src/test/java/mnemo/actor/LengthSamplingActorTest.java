package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import mnemo.envs.BatchedEnvironment;
import mnemo.envs.TimeStep;
import mnemo.envs.curriculum.LengthSampling;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.EpisodeStats;
import org.junit.jupiter.api.Test;

/** The actor's side of length sampling: its environments follow the config and the learner's ℓ. */
class LengthSamplingActorTest {

  /** Steps every environment with action 0 until {@code episodes} episodes ended; their stats. */
  private static List<EpisodeStats> run(BatchedEnvironment env, int episodes) {
    EpisodeTracker tracker = new EpisodeTracker(env.size());
    List<EpisodeStats> ended = new ArrayList<>();
    env.reset(7);
    int[] actions = new int[env.size()];
    while (ended.size() < episodes) {
      TimeStep[] next = env.step(actions);
      ended.addAll(tracker.observe(next));
    }
    return ended;
  }

  @Test
  void curriculumEnvironmentsPlayTheLengthTheLearnerPublishedAndReportIt() {
    ExperimentConfig config = ExperimentConfig.newBuilder().setTaskId("memory/cue-recall:length=30")
        .setLengthSampling("curriculum").setMemoryLength(30).build();
    assertThat(ActorSetup.lengthSampling(config)).isEqualTo(LengthSampling.CURRICULUM);
    AtomicInteger published = new AtomicInteger(4);
    BatchedEnvironment env = ActorSetup.local().open(config, 2, published::get);
    // cue recall at ℓ: ℓ + 1 actions per episode; the episode reports ℓ
    for (EpisodeStats e : run(env, 6)) {
      assertThat(e.getMemoryLength()).isEqualTo(4);
      assertThat(e.getLength()).isEqualTo(5);
    }
    published.set(16); // the next episodes of each environment
    List<EpisodeStats> later = run(env, 6);
    assertThat(later).allSatisfy(e -> {
      assertThat(e.getMemoryLength()).isEqualTo(16);
      assertThat(e.getLength()).isEqualTo(17);
    });
  }

  @Test
  void fixedOrUnsetSamplingPlaysTheTaskAsGivenAndReportsNoLength() {
    for (String sampling : new String[] {"", "fixed"}) {
      ExperimentConfig config = ExperimentConfig.newBuilder().setTaskId("memory/cue-recall:length=6")
          .setLengthSampling(sampling).build();
      assertThat(ActorSetup.lengthSampling(config)).isEqualTo(LengthSampling.FIXED);
      for (EpisodeStats e : run(ActorSetup.local().open(config, 2, () -> 2), 4)) {
        assertThat(e.getMemoryLength()).isZero();
        assertThat(e.getLength()).isEqualTo(7);
      }
    }
  }

  @Test
  void uniformSamplingReportsEachEpisodesLength() {
    ExperimentConfig config = ExperimentConfig.newBuilder().setTaskId("memory/cue-recall:length=8")
        .setLengthSampling("uniform").setMemoryLength(8).build();
    List<EpisodeStats> episodes = run(ActorSetup.local().open(config, 2, () -> 0), 200);
    assertThat(episodes).allSatisfy(e -> {
      assertThat(e.getMemoryLength()).isBetween(1, 8);
      assertThat(e.getLength()).isEqualTo(e.getMemoryLength() + 1);
    });
    assertThat(episodes.stream().mapToInt(EpisodeStats::getMemoryLength).distinct().count()).isEqualTo(8);
  }
}
