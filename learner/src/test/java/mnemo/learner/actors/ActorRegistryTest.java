package mnemo.learner.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mnemo.learner.batch.InvalidUnrollException;
import org.junit.jupiter.api.Test;

class ActorRegistryTest {
  private final ActorRegistry registry = new ActorRegistry(8, 64);

  @Test
  void registrationBoundsNumEnvsAndNames() {
    assertThat(registry.register("a", 3)).isEqualTo(new Registration("actor-0", 0, "a", 3));
    assertThat(registry.register("b", 0).numEnvs()).isEqualTo(8); // 0: the experiment's envs_per_actor
    assertThat(registry.register("c", 64).id()).isEqualTo("actor-2");
    for (int n : new int[] {-5, 65, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertThatThrownBy(() -> registry.register("d", n)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("num_envs must be in [1, 64]");
    }
    assertThatThrownBy(() -> registry.register("x".repeat(1 << 20), 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("actor_name has 1048576 characters, at most 128");
    assertThatThrownBy(() -> registry.register("a\nINFO forged log line", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control characters");
    assertThat(registry.registered()).isEqualTo(3);
  }

  @Test
  void unrollsMustComeFromARegisteredActorWithItsNInIncreasingOrder() throws Exception {
    String id = registry.register("a", 3).id();
    assertThat(registry.admit(id, 3, 0).name()).isEqualTo("a");
    assertThat(registry.admit(id, 3, 5).numEnvs()).isEqualTo(3);
    assertThatThrownBy(() -> registry.admit(id, 3, 5)).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining("sequence 5 is not after 5");
    assertThatThrownBy(() -> registry.admit(id, 3, 2)).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining("sequence 2");
    assertThatThrownBy(() -> registry.admit(id, 65_536, 6)).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining("num_envs is 65536, " + id + " registered 3");
    assertThatThrownBy(() -> registry.admit("", 3, 7)).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining("actor_id '' is not registered");
    assertThatThrownBy(() -> registry.admit("y".repeat(1 << 20), 3, 7)).isInstanceOf(InvalidUnrollException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
    assertThat(registry.admit(id, 3, 7).id()).isEqualTo(id);
  }

  @Test
  void onlyTheMostRecentlyActiveRegistrationsAreKept() throws Exception {
    String first = registry.register("first", 1).id();
    String second = registry.register("second", 1).id();
    registry.admit(first, 1, 0); // first is now more recent than second
    for (int i = 0; i < ActorRegistry.MAX_ACTORS - 1; i++) {
      registry.register("r", 1);
    }
    assertThat(registry.admit(first, 1, 1).id()).isEqualTo(first);
    assertThatThrownBy(() -> registry.admit(second, 1, 0)).isInstanceOf(InvalidUnrollException.class);
  }
}
