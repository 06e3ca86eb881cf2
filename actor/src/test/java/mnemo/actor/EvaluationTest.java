package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import mnemo.envs.Frame;
import mnemo.envs.VectorEnvironment;
import org.junit.jupiter.api.Test;

class EvaluationTest {

  @Test
  void countsTheFirstEpisodesToFinishAndRecordsEnvironmentZero() {
    VectorEnvironment env = new VectorEnvironment(List.of(new CountdownEnv(2), new CountdownEnv(3)));
    List<Frame> frames = new ArrayList<>();
    Evaluation.Result r = Evaluation.run(new ScriptedPolicy(), env, 3, 1, true, frames::add);
    // Finishing order (hand-worked in ActorUnrollTest): env 0 (return 1+2), env 1 (2+1+2), env 0 (1+2).
    assertThat(r.episodes()).isEqualTo(3);
    assertThat(r.meanReturn()).isEqualTo(11.0 / 3);
    assertThat(r.meanLength()).isEqualTo(7.0 / 3);
    assertThat(r.successRate()).isEqualTo(1.0);
    assertThat(r.frames()).isEqualTo(10); // env 0 ends its second episode at vector step 5
    // env 0's first episode: the reset frame and two steps (strips 1, 2, 3 pixels wide)
    assertThat(frames).extracting(Frame::width).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> Evaluation.run(new ScriptedPolicy(), env, 0, 1, true, null))
        .hasMessageContaining("at least one");
  }

  @Test
  void aSingleEnvironmentRolloutFollowsTheBatchedPolicy() throws Exception {
    CountdownEnv env = new CountdownEnv(3);
    SingleEnvPolicy p = new SingleEnvPolicy(new ScriptedPolicy(), 1, true);
    List<Integer> actions = new ArrayList<>();
    mnemo.envs.rollout.EpisodeStats s = mnemo.envs.rollout.Rollout.episode(env, p, 5, 1, 0,
        step -> actions.add(step.action()));
    // environment 0 of the scripted policy takes action k mod 2 at observation k: 0, 1, 0 earning 1 + 2 + 1
    assertThat(actions).containsExactly(-1, 0, 1, 0);
    assertThat(s.episodeReturn()).isEqualTo(4.0);
    assertThat(s.success()).isEqualTo(1.0);
  }
}
