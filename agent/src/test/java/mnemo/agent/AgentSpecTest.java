package mnemo.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mnemo.proto.config.v1.ExperimentConfig;
import org.junit.jupiter.api.Test;

class AgentSpecTest {

  @Test
  void experimentsGetOneSpecWhoeverAsks() {
    ExperimentConfig unset = ExperimentConfig.newBuilder().setCoreSpec("ur-lstm:hidden=32").setSeed(9).build();
    AgentSpec vector = AgentSpec.forExperiment(new int[] {3}, false, 2, unset);
    assertThat(vector.torsoHidden()).isEqualTo(AgentSpec.DEFAULT_TORSO_HIDDEN);
    assertThat(vector.image()).isFalse();
    assertThat(vector.coreSpec()).isEqualTo("ur-lstm:hidden=32");
    assertThat(vector.seed()).isEqualTo(9);

    ExperimentConfig wide = unset.toBuilder().setTorsoHidden(128).build();
    AgentSpec image = AgentSpec.forExperiment(new int[] {7, 7, 3}, true, 3, wide);
    assertThat(image.image()).isTrue();
    assertThat(image.torsoHidden()).isEqualTo(128);
    // uint8 vectors are fed as vectors, not images
    assertThat(AgentSpec.forExperiment(new int[] {4}, true, 2, unset).image()).isFalse();
  }

  @Test
  void theImageScaleIsTheRecordedOneAndRunsWithoutOneKeep255() {
    ExperimentConfig legacy = ExperimentConfig.newBuilder().setCoreSpec("lstm").build();
    assertThat(AgentSpec.forExperiment(new int[] {7, 7, 3}, true, 3, legacy).imageScale()).isEqualTo(255f);
    ExperimentConfig coded = legacy.toBuilder().setImageScale(10).build();
    assertThat(AgentSpec.forExperiment(new int[] {7, 7, 3}, true, 3, coded).imageScale()).isEqualTo(10f);
    // what a new run records: MiniGrid's codes (declared maximum 10) by 10, pixels by 255, vectors nothing
    assertThat(AgentSpec.imageScaleFor(new int[] {7, 7, 3}, true, 10)).isEqualTo(10);
    assertThat(AgentSpec.imageScaleFor(new int[] {5, 5, 3}, true, 255)).isEqualTo(255);
    assertThat(AgentSpec.imageScaleFor(new int[] {5, 5, 3}, true, 0)).isEqualTo(255); // no declared range
    assertThat(AgentSpec.imageScaleFor(new int[] {3}, false, 1)).isZero();
    assertThatThrownBy(() -> new AgentSpec(new int[] {7, 7, 3}, true, 3, "lstm", 8, 0, 0f))
        .hasMessageContaining("image scale");
  }

  @Test
  void imagesMustBeRankThree() {
    assertThatThrownBy(() -> new AgentSpec(new int[] {5, 5}, true, 2, "lstm", 8, 0))
        .hasMessageContaining("[H, W, C]");
  }
}
