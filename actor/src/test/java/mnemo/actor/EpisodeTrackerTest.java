package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import mnemo.envs.Tensor;
import mnemo.envs.TimeStep;
import mnemo.envs.curriculum.VariableLength;
import mnemo.proto.learner.v1.EpisodeStats;
import org.junit.jupiter.api.Test;

class EpisodeTrackerTest {
  private static final Tensor OBS = Tensor.ofFloats(new float[] {0f}, 1);

  @Test
  void anEpisodeReportsItsReturnLengthSuccessMemoryLengthAndWhetherItTestedTheMemory() {
    EpisodeTracker t = new EpisodeTracker(3);
    TimeStep first = TimeStep.first(OBS);
    assertThat(t.observe(new TimeStep[] {first, first, first})).isEmpty();
    assertThat(t.observe(new TimeStep[] {TimeStep.mid(-0.25f, OBS), TimeStep.mid(0f, OBS), TimeStep.mid(0f, OBS)}))
        .isEmpty();
    List<EpisodeStats> ended = t.observe(new TimeStep[] {
        TimeStep.terminal(0f, OBS, Map.of(TimeStep.SUCCESS, 0f, TimeStep.TESTED, 0f, VariableLength.MEMORY_LENGTH, 4f)),
        TimeStep.terminal(1f, OBS, Map.of(TimeStep.SUCCESS, 1f, TimeStep.TESTED, 1f, VariableLength.MEMORY_LENGTH, 4f)),
        TimeStep.terminal(1f, OBS, Map.of(TimeStep.SUCCESS, 1f))});
    assertThat(ended).hasSize(3);
    // the first lagged (-0.25) and never reached the test: untested, so a curriculum does not count it
    assertThat(ended.get(0).getEpisodeReturn()).isEqualTo(-0.25f);
    assertThat(ended.get(0).getLength()).isEqualTo(2);
    assertThat(ended.get(0).getMemoryLength()).isEqualTo(4);
    assertThat(ended.get(0).getUntested()).isTrue();
    assertThat(ended.get(1).getUntested()).isFalse();
    assertThat(ended.get(1).getSuccess()).isEqualTo(1f);
    // a task that does not say tests its memory in every episode
    assertThat(ended.get(2).getUntested()).isFalse();
    assertThat(ended.get(2).getMemoryLength()).isZero();
  }
}
