package mnemo.envs.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.StepType;
import mnemo.envs.TimeStep;
import org.junit.jupiter.api.Test;

class CueRecallTest {

  private static CueRecall make(int length, int bits) {
    return (CueRecall) BuiltinTasks.registry().make("memory/cue-recall:length=" + length + ",bits=" + bits);
  }

  /** Runs one episode with a fixed action per step and returns every time step, the reset's first. */
  private static List<TimeStep> episode(CueRecall env, long seed, java.util.function.IntUnaryOperator action) {
    List<TimeStep> steps = new ArrayList<>();
    TimeStep ts = env.reset(seed);
    steps.add(ts);
    while (!ts.isLast()) {
      ts = env.step(action.applyAsInt(steps.size() - 1));
      steps.add(ts);
    }
    return steps;
  }

  @Test
  void contextOnlyAtTheStartQueryOnlyAtStepLAndTheClockCountsDown() {
    int length = 5;
    int bits = 3;
    CueRecall env = make(length, bits);
    List<TimeStep> steps = episode(env, 7, t -> 0);
    assertThat(steps).hasSize(length + 2); // reset + L waiting actions + the answer
    for (int t = 0; t < steps.size(); t++) {
      float[] obs = steps.get(t).observation().floats();
      env.spec().observation().check(steps.get(t).observation());
      float expectedClock = t <= length ? 1f - t / (float) length : 0f;
      assertThat(obs[0]).as("clock at t=%d", t).isEqualTo(expectedClock);
      for (int b = 0; b < bits; b++) {
        if (t == 0) {
          assertThat(obs[2 + b]).as("bit %d at t=0", b).isIn(-1f, 1f);
        } else {
          assertThat(obs[2 + b]).as("bit %d at t=%d", b, t).isZero();
        }
      }
      if (t != length) {
        assertThat(obs[1]).as("query at t=%d", t).isZero();
      }
    }
  }

  @Test
  void theQueryNamesABitAndTheOracleAnswersIt() {
    int bits = 4;
    CueRecall env = make(3, bits);
    boolean[] queried = new boolean[bits];
    for (long seed = 0; seed < 200; seed++) {
      List<TimeStep> steps = episode(env, seed, t -> env.oracleAction());
      float[] first = steps.get(0).observation().floats();
      int query = (int) steps.get(3).observation().floats()[1];
      assertThat(query).isBetween(0, bits - 1);
      queried[query] = true;
      int answer = first[2 + query] > 0 ? 1 : 0; // the cue read back from the first observation
      TimeStep last = steps.get(steps.size() - 1);
      assertThat(last.reward()).isEqualTo(1f);
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
      // the opposite answer loses
      List<TimeStep> wrong = episode(env, seed, t -> t < 3 ? 0 : 1 - answer);
      assertThat(wrong.get(wrong.size() - 1).reward()).isEqualTo(-1f);
      assertThat(wrong.get(wrong.size() - 1).info(TimeStep.SUCCESS)).isZero();
    }
    assertThat(queried).containsOnly(true);
  }

  @Test
  void rewardsAreZeroUntilTheTerminalAnswer() {
    CueRecall env = make(10, 1);
    List<TimeStep> steps = episode(env, 3, t -> t % 2);
    assertThat(steps.get(0).type()).isEqualTo(StepType.FIRST);
    for (int t = 1; t <= 10; t++) {
      assertThat(steps.get(t).type()).isEqualTo(StepType.MID);
      assertThat(steps.get(t).reward()).isZero();
      assertThat(steps.get(t).discount()).isEqualTo(1f);
      assertThat(steps.get(t).info()).isEmpty();
    }
    TimeStep last = steps.get(11);
    assertThat(last.isTerminated()).isTrue();
    assertThat(last.reward()).isIn(-1f, 1f);
    assertThat(last.observation().floats()).containsOnly(0f);
  }

  @Test
  void lengthOneStillSeparatesCueAndQuery() {
    CueRecall env = make(1, 1);
    List<TimeStep> steps = episode(env, 5, t -> 0);
    assertThat(steps).hasSize(3);
    assertThat(steps.get(0).observation().floats()[2]).isIn(-1f, 1f);
    assertThat(steps.get(1).observation().floats()[2]).isZero();
    assertThat(steps.get(1).observation().floats()[0]).isZero();
  }

  @Test
  void randomPolicyWinsAboutHalf() {
    CueRecall env = make(4, 1);
    SplittableRandom rng = new SplittableRandom(1);
    double sum = 0;
    int n = 4000;
    for (int i = 0; i < n; i++) {
      List<TimeStep> steps = episode(env, i, t -> rng.nextInt(2));
      sum += steps.get(steps.size() - 1).reward();
    }
    assertThat(sum / n).isBetween(-0.06, 0.06); // mean 0, sd 1/sqrt(4000) ≈ 0.016
  }

  @Test
  void sameSeedSameEpisodeAndSeedsDiffer() {
    CueRecall a = make(6, 8);
    CueRecall b = make(6, 8);
    assertThat(episode(a, 42, t -> t % 2)).isEqualTo(episode(b, 42, t -> t % 2));
    long distinct = java.util.stream.LongStream.range(0, 20)
        .mapToObj(s -> episode(a, s, t -> 0).get(0).observation()).distinct().count();
    assertThat(distinct).isGreaterThan(10);
  }

  @Test
  void manyBitsRespectTheBounds() {
    CueRecall env = make(2, 40);
    assertThat(env.spec().observation().shape()).containsExactly(42);
    assertThat(env.spec().observation().maximum()).isEqualTo(39);
    for (long seed = 0; seed < 50; seed++) {
      for (TimeStep ts : episode(env, seed, t -> 1)) {
        env.spec().observation().check(ts.observation());
      }
    }
  }

  @Test
  void misuseIsRejected() {
    CueRecall env = make(2, 1);
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(env::oracleAction).isInstanceOf(IllegalStateException.class);
    env.reset(0);
    assertThatThrownBy(() -> env.step(2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> env.step(-1)).isInstanceOf(IllegalArgumentException.class);
    env.step(0);
    env.step(0);
    env.step(0);
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> BuiltinTasks.registry().make("memory/cue-recall:length=0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
    assertThatThrownBy(() -> BuiltinTasks.registry().make("memory/cue-recall:bits=x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bits");
  }

  @Test
  void rendersWhatIsVisible() {
    CueRecall env = make(2, 3);
    env.reset(9);
    assertThat(env.renderText()).startsWith("t=0/2 bits=").doesNotContain("?").doesNotContain("query");
    env.step(0);
    assertThat(env.renderText()).contains("???");
    env.step(0);
    assertThat(env.renderText()).contains("query=");
    assertThat(env.render().width()).isEqualTo(5 * 16);
  }
}
