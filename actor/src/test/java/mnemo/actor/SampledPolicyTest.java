package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import mnemo.envs.TimeStep;
import mnemo.envs.rollout.Evaluation;
import org.junit.jupiter.api.Test;

class SampledPolicyTest {

  @Test
  void evaluatesEveryEpisodeWithPreviousActionsStartedOverOnFirst() throws Exception {
    List<int[]> prevSeen = new ArrayList<>();
    ScriptedPolicy scripted = new ScriptedPolicy() {
      @Override
      public PolicyStep step(TimeStep[] steps, int[] prevActions, CoreState state) {
        prevSeen.add(prevActions);
        return super.step(steps, prevActions, state);
      }
    };
    List<CountdownEnv> envs = List.of(new CountdownEnv(2), new CountdownEnv(3));
    List<Integer> widths = new ArrayList<>();
    Evaluation r = Evaluation.run(envs, new SampledPolicy(scripted, 2, 1, true), 3, 1, n -> {},
        step -> widths.add(envs.get(0).render().width()));
    // env 0 plays episode 0 (actions 0, 1: return 1 + 2), env 1 episode 1 (1, 0, 1: 2 + 1 + 2), then
    // env 0, free first, episode 2 (1 + 2)
    assertThat(r.episodes()).isEqualTo(3);
    assertThat(r.meanReturn()).isEqualTo(11.0 / 3);
    assertThat(r.meanLength()).isEqualTo(7.0 / 3);
    assertThat(r.successRate()).isEqualTo(1.0);
    // env 1 has played its last episode at the fourth call and is shown its LAST step
    assertThat(prevSeen).containsExactly(new int[] {-1, -1}, new int[] {0, 1}, new int[] {-1, 0}, new int[] {0, 1});
    // environment 0's first episode: the reset frame and two steps (strips 1, 2, 3 pixels wide)
    assertThat(widths).containsExactly(1, 2, 3);
  }

  @Test
  void rejectsAnotherNumberOfEnvironments() {
    SampledPolicy p = new SampledPolicy(new ScriptedPolicy(), 2, 1, false);
    assertThatThrownBy(() -> p.act(new TimeStep[3])).hasMessageContaining("expected 2 time steps, got 3");
  }
}
