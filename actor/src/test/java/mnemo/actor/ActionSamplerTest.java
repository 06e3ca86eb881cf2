package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ActionSamplerTest {

  @Test
  void sampleFrequenciesFollowTheSoftmax() {
    // logits [0, ln 2, ln 5] -> probabilities 1/8, 2/8, 5/8
    float[] logits = {0f, (float) Math.log(2), (float) Math.log(5)};
    ActionSampler s = new ActionSampler(3, false);
    int[] counts = new int[3];
    int n = 80_000;
    for (int i = 0; i < n; i++) {
      counts[s.sample(logits, 3)[0]]++;
    }
    assertThat(counts[0] / (double) n).isCloseTo(0.125, within(0.01));
    assertThat(counts[1] / (double) n).isCloseTo(0.25, within(0.01));
    assertThat(counts[2] / (double) n).isCloseTo(0.625, within(0.01));
  }

  @Test
  void explorationMixesInTheUniformDistribution() {
    // a near-deterministic policy (π(0) ≈ 1): with ε = 0.2 each other action is drawn ε/3 of the time
    float[] logits = {30f, 0f, 0f, 0f};
    ActionSampler s = new ActionSampler(5, false);
    int[] counts = new int[4];
    int n = 80_000;
    for (int i = 0; i < n; i++) {
      counts[s.sample(logits, 4, 0.2)[0]]++;
    }
    assertThat(counts[0] / (double) n).isCloseTo(0.8 + 0.05, within(0.01));
    for (int a = 1; a < 4; a++) {
      assertThat(counts[a] / (double) n).isCloseTo(0.05, within(0.006));
    }
    assertThat(new ActionSampler(0, true).sample(logits, 4, 1.0)).as("greedy ignores ε").containsExactly(0);
    assertThatThrownBy(() -> s.sample(logits, 4, 1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> s.sample(logits, 4, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void explorationDecaysLinearlyWithTheFramesTheWeightVersionStandsFor() {
    // T = 10, B = 4, N = 5: each version is 200 frames; 10,000 frames is version 50
    mnemo.proto.config.v1.ExperimentConfig c = mnemo.proto.config.v1.ExperimentConfig.newBuilder()
        .setUnrollLength(10).setBatchSize(4).setEnvsPerActor(5).setTotalFrames(10_000).setExplorationEpsilon(0.1)
        .build();
    java.util.function.LongToDoubleFunction e = ActorSetup.exploration(c);
    assertThat(e.applyAsDouble(-1)).isCloseTo(0.1, within(1e-12)); // before the first weights
    assertThat(e.applyAsDouble(0)).isCloseTo(0.1, within(1e-12));
    assertThat(e.applyAsDouble(25)).isCloseTo(0.05, within(1e-12));
    assertThat(e.applyAsDouble(50)).isCloseTo(0.0, within(1e-12));
    assertThat(e.applyAsDouble(80)).isZero();
    assertThat(ActorSetup.exploration(c.toBuilder().clearExplorationEpsilon().build()).applyAsDouble(0)).isZero();
  }

  @Test
  void theSameSeedGivesTheSameActions() {
    float[] logits = {0.1f, 0.2f, 0.3f, 0.3f, 0.2f, 0.1f};
    ActionSampler a = new ActionSampler(11, false);
    ActionSampler b = new ActionSampler(11, false);
    for (int i = 0; i < 100; i++) {
      assertThat(a.sample(logits, 3)).containsExactly(b.sample(logits, 3));
    }
  }

  @Test
  void greedyTakesTheArgMaxOfEachRow() {
    assertThat(new ActionSampler(0, true).sample(new float[] {1, 3, 2, 9, -1, 0}, 3)).containsExactly(1, 0);
  }

  @Test
  void badLogitsAreRefused() {
    ActionSampler s = new ActionSampler(0, false);
    assertThatThrownBy(() -> s.sample(new float[5], 2)).hasMessageContaining("not rows of 2");
    assertThatThrownBy(() -> s.sample(new float[] {0, Float.NaN}, 2)).hasMessageContaining("NaN");
  }

  @Test
  void backoffDoublesUpToItsCapAndResets() {
    Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));
    assertThat(new long[] {b.nextMillis(), b.nextMillis(), b.nextMillis(), b.nextMillis()})
        .containsExactly(100, 200, 400, 500);
    b.reset();
    assertThat(b.nextMillis()).isEqualTo(100);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
