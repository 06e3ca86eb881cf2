package mnemo.learner.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.batch.UnrollValidator;
import mnemo.proto.env.v1.EnvSpec;
import org.junit.jupiter.api.Test;

class SyntheticUnrollsTest {
  @Test
  void syntheticUnrollsPassValidationWithEpisodeBoundaries() throws Exception {
    EnvSpec spec = ProtoCodec.toProto(BuiltinTasks.registry().make("memory/cue-recall:length=5").spec());
    List<int[]> state = List.of(new int[] {4}, new int[] {4});
    DecodedUnroll d = new UnrollValidator(10, spec, state, () -> 0)
        .validate(SyntheticUnrolls.random(spec, state, 10, 3, 4, 1));
    assertThat(d.frames()).isEqualTo(30);
    float lasts = 0;
    float firsts = 0;
    for (int i = 0; i < d.lastSteps().length; i++) {
      lasts += d.lastSteps()[i];
      firsts += d.firstSteps()[i];
    }
    assertThat(lasts).isPositive();
    assertThat(firsts).isPositive();
    assertThat(d.coreState()).hasSize(2);
  }
}
