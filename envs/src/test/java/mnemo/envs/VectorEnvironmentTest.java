package mnemo.envs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.Seeds;
import org.junit.jupiter.api.Test;

class VectorEnvironmentTest {
  private static final String TASK = "memory/cue-recall:length=3,bits=3";
  private final TaskRegistry registry = BuiltinTasks.registry();

  private VectorEnvironment vector(int n) {
    return VectorEnvironment.of(n, () -> registry.make(TASK));
  }

  @Test
  void instanceIIsSeededFromDerivedSeed() {
    try (VectorEnvironment v = vector(3); Environment single = registry.make(TASK)) {
      TimeStep[] first = v.reset(42);
      for (int i = 0; i < 3; i++) {
        assertThat(first[i]).isEqualTo(single.reset(Seeds.derive(42, i)));
      }
    }
  }

  @Test
  void autoResetIgnoresTheActionAndSeedsTheNextEpisodeFromTheStream() {
    // cue-recall with length 3: reset, 3 MID steps, then the 4th action ends the episode.
    try (VectorEnvironment v = vector(2); Environment single = registry.make(TASK)) {
      v.reset(7);
      TimeStep[] ts = null;
      for (int k = 0; k < 4; k++) {
        ts = v.step(new int[] {0, 1});
      }
      assertThat(ts[0].isLast()).isTrue();
      assertThat(ts[1].isLast()).isTrue();
      TimeStep[] next = v.step(new int[] {1, 1});
      assertThat(next[0].isFirst()).isTrue();
      long stream0 = Seeds.derive(7, 0);
      assertThat(next[0]).isEqualTo(single.reset(Seeds.derive(stream0, 1)));
      // and the episode after that uses the stream's next index
      for (int k = 0; k < 4; k++) {
        v.step(new int[] {0, 0});
      }
      assertThat(v.step(new int[] {0, 0})[0]).isEqualTo(single.reset(Seeds.derive(stream0, 2)));
    }
  }

  @Test
  void sameSeedSameTrajectory() {
    List<TimeStep> a = rollout(99);
    List<TimeStep> b = rollout(99);
    List<TimeStep> c = rollout(100);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  private List<TimeStep> rollout(long seed) {
    List<TimeStep> out = new ArrayList<>();
    try (VectorEnvironment v = vector(4)) {
      out.addAll(List.of(v.reset(seed)));
      for (int k = 0; k < 20; k++) {
        out.addAll(List.of(v.step(new int[] {k % 2, 1, 0, (k / 2) % 2})));
      }
    }
    return out;
  }

  @Test
  void badCallsAreRefusedWithReasons() {
    try (VectorEnvironment v = vector(2)) {
      assertThatThrownBy(() -> v.step(new int[] {0, 0})).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("reset");
      v.reset(1);
      assertThatThrownBy(() -> v.step(new int[] {0})).hasMessageContaining("expected 2 actions, got 1");
      assertThatThrownBy(() -> v.step(new int[] {0, 2})).hasMessageContaining("action 2 outside [0, 2)");
    }
    assertThatThrownBy(() -> new VectorEnvironment(List.of())).hasMessageContaining("at least one");
  }
}
