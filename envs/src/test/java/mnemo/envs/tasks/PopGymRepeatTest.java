package mnemo.envs.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import mnemo.envs.Environment;
import mnemo.envs.Oracle;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.TaskRegistry;
import org.junit.jupiter.api.Test;

/** RepeatFirst and RepeatPrevious against POPGym's rules, replayed from the observations alone. */
class PopGymRepeatTest {
  private static final TaskRegistry REGISTRY = BuiltinTasks.registry();

  private static int suitOf(TimeStep ts) {
    float[] o = ts.observation().floats();
    int suit = -1;
    for (int s = 0; s < 4; s++) {
      if (o[s] == 1f) {
        assertThat(suit).as("one-hot").isEqualTo(-1);
        suit = s;
      } else {
        assertThat(o[s]).isZero();
      }
    }
    assertThat(suit).as("one-hot").isNotNegative();
    return suit;
  }

  /** One episode; {@code policy} sees the suits observed so far. Checks bounds at every step. */
  private static List<TimeStep> episode(Environment env, long seed, ToIntFunction<List<Integer>> policy) {
    List<TimeStep> steps = new ArrayList<>();
    List<Integer> seen = new ArrayList<>();
    TimeStep ts = env.reset(seed);
    while (true) {
      env.spec().observation().check(ts.observation());
      steps.add(ts);
      seen.add(suitOf(ts));
      if (ts.isLast()) {
        return steps;
      }
      ts = env.step(policy.applyAsInt(seen));
    }
  }

  private static double sum(List<TimeStep> steps) {
    return steps.stream().mapToDouble(TimeStep::reward).sum();
  }

  @Test
  void repeatFirstLengthsAndPerfectReturn() {
    int[] expected = {51, 415, 831};
    String[] levels = {"easy", "medium", "hard"};
    for (int l = 0; l < 3; l++) {
      Environment env = REGISTRY.make("popgym/repeat-first:difficulty=" + levels[l]);
      assertThat(env.spec().maxEpisodeSteps()).isEqualTo(expected[l]);
      List<TimeStep> steps = episode(env, l, seen -> seen.get(0));
      assertThat(steps).hasSize(expected[l] + 1);
      for (int i = 1; i < steps.size(); i++) {
        assertThat(steps.get(i).reward()).isEqualTo(1f / expected[l]);
        assertThat(steps.get(i).isLast()).isEqualTo(i == expected[l]);
      }
      assertThat(steps.get(steps.size() - 1).isTerminated()).isTrue();
      assertThat(sum(steps)).isCloseTo(1.0, within(1e-4));
      assertThat(steps.get(steps.size() - 1).info(TimeStep.SUCCESS)).isEqualTo(1f);
    }
  }

  @Test
  void repeatFirstWrongAnswersCostTheSameScale() {
    Environment env = REGISTRY.make("popgym/repeat-first");
    List<TimeStep> steps = episode(env, 3, seen -> (seen.get(0) + 1) % 4);
    assertThat(sum(steps)).isCloseTo(-1.0, within(1e-4));
    assertThat(steps.get(steps.size() - 1).info(TimeStep.SUCCESS)).isZero();
    // one mistake is enough to fail
    List<TimeStep> once = episode(env, 3, seen -> seen.size() == 10 ? (seen.get(0) + 1) % 4 : seen.get(0));
    assertThat(sum(once)).isCloseTo(1.0 - 2.0 / 51, within(1e-4));
    assertThat(once.get(once.size() - 1).info(TimeStep.SUCCESS)).isZero();
  }

  @Test
  void eachSuitAppearsThirteenTimesPerDeck() {
    Environment env = REGISTRY.make("popgym/repeat-first:decks=2");
    List<TimeStep> steps = episode(env, 11, seen -> 0);
    int[] counts = new int[4];
    steps.forEach(ts -> counts[suitOf(ts)]++);
    // reset and the 103 steps deal all 104 cards: 13 of each suit per deck
    assertThat(counts).containsExactly(26, 26, 26, 26);
  }

  @Test
  void repeatPreviousScoresTheCardKBackFromStepK() {
    int[][] published = {{1, 4}, {2, 32}, {3, 64}};
    String[] levels = {"easy", "medium", "hard"};
    for (int l = 0; l < 3; l++) {
      int n = 52 * published[l][0];
      int k = published[l][1];
      Environment env = REGISTRY.make("popgym/repeat-previous:difficulty=" + levels[l]);
      // at step i the agent has seen c_0 .. c_{i-1} and must name c_{i-k}
      List<TimeStep> steps = episode(env, l, seen -> seen.size() >= k ? seen.get(seen.size() - k) : 3);
      assertThat(steps).hasSize(n);
      for (int i = 1; i < n; i++) {
        assertThat(steps.get(i).reward()).as("step %d", i).isEqualTo(i < k ? 0f : 1f / (n - k));
      }
      assertThat(sum(steps)).isCloseTo(1.0, within(1e-4));
      assertThat(steps.get(n - 1).isTerminated()).isTrue();
      assertThat(steps.get(n - 1).info(TimeStep.SUCCESS)).isEqualTo(1f);
    }
  }

  @Test
  void repeatPreviousWithKOneAsksForTheCardOnShowAndKTwoForTheOneBefore() {
    Environment one = REGISTRY.make("popgym/repeat-previous:k=1");
    assertThat(sum(episode(one, 5, seen -> seen.get(seen.size() - 1)))).isCloseTo(1.0, within(1e-4));
    Environment two = REGISTRY.make("popgym/repeat-previous:k=2");
    List<TimeStep> steps = episode(two, 5, seen -> seen.size() >= 2 ? seen.get(seen.size() - 2) : 0);
    assertThat(steps.get(1).reward()).isZero();
    assertThat(sum(steps)).isCloseTo(1.0, within(1e-4));
    // answering the card on show instead is right only by chance
    List<TimeStep> wrong = episode(two, 5, seen -> seen.get(seen.size() - 1));
    assertThat(sum(wrong)).isLessThan(0.9);
  }

  @Test
  void oraclesAreOptimalAndRandomScoresMinusHalf() {
    for (String id : List.of("popgym/repeat-first", "popgym/repeat-first:difficulty=hard",
        "popgym/repeat-previous", "popgym/repeat-previous:difficulty=hard")) {
      Environment env = REGISTRY.make(id);
      Oracle oracle = (Oracle) env;
      for (long seed = 0; seed < 5; seed++) {
        assertThat(sum(episode(env, seed, seen -> oracle.oracleAction()))).as(id).isCloseTo(1.0, within(1e-4));
      }
      SplittableRandom rng = new SplittableRandom(2);
      double mean = 0;
      for (long seed = 0; seed < 100; seed++) {
        mean += sum(episode(env, seed, seen -> rng.nextInt(4))) / 100;
      }
      assertThat(mean).as(id).isCloseTo(-0.5, within(0.05));
    }
  }

  @Test
  void isFirstFlagFollowsPopGymsAntialiasWrapper() {
    Environment env = REGISTRY.make("popgym/repeat-previous:is_first=true");
    assertThat(env.spec().observation().shape()).containsExactly(5);
    TimeStep first = env.reset(1);
    assertThat(first.observation().floats()[4]).isEqualTo(1f);
    for (int i = 0; i < 10; i++) {
      TimeStep ts = env.step(0);
      env.spec().observation().check(ts.observation());
      assertThat(ts.observation().floats()[4]).isZero();
    }
    assertThat(REGISTRY.make("popgym/repeat-first").spec().observation().shape()).containsExactly(4);
  }

  @Test
  void sameSeedSameDealDifferentSeedsDiffer() {
    Environment a = REGISTRY.make("popgym/repeat-first");
    Environment b = REGISTRY.make("popgym/repeat-first");
    assertThat(episode(a, 8, s -> 1)).isEqualTo(episode(b, 8, s -> 1));
    assertThat(episode(a, 8, s -> 1)).isNotEqualTo(episode(a, 9, s -> 1));
  }

  @Test
  void misuseIsRejected() {
    Environment env = REGISTRY.make("popgym/repeat-first");
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(((Oracle) env)::oracleAction).isInstanceOf(IllegalStateException.class);
    env.reset(0);
    assertThatThrownBy(() -> env.step(4)).isInstanceOf(IllegalArgumentException.class);
    for (int i = 0; i < 51; i++) {
      env.step(0);
    }
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> REGISTRY.make("popgym/repeat-previous:difficulty=hard,decks=1"))
        .hasMessageContaining("k = 64");
    assertThatThrownBy(() -> REGISTRY.make("popgym/repeat-previous:k=52")).hasMessageContaining("'k'");
    assertThatThrownBy(() -> REGISTRY.make("popgym/repeat-first:difficulty=extreme")).hasMessageContaining("difficulty");
    assertThatThrownBy(() -> REGISTRY.make("popgym/repeat-first:is_first=yes")).hasMessageContaining("is_first");
  }

  @Test
  void renders() {
    Environment env = REGISTRY.make("popgym/repeat-previous");
    env.reset(0);
    assertThat(env.renderText()).startsWith("card 1/52").contains("answer -");
    env.step(0);
    env.step(0);
    assertThat(env.renderText()).startsWith("card 3/52").contains("answer -");
    env.step(0);
    assertThat(env.renderText()).startsWith("card 4/52").doesNotContain("answer -");
    assertThat(env.render().width()).isEqualTo(112);
  }
}
