package mnemo.envs.tasks;

import static mnemo.envs.tasks.TMaze.DOWN;
import static mnemo.envs.tasks.TMaze.LEFT;
import static mnemo.envs.tasks.TMaze.RIGHT;
import static mnemo.envs.tasks.TMaze.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.IntUnaryOperator;
import mnemo.envs.TimeStep;
import org.junit.jupiter.api.Test;

class TMazeTest {

  private static TMaze make(String params) {
    return (TMaze) BuiltinTasks.registry().make("memory/tmaze:" + params);
  }

  /** One episode; {@code action} gets the number of actions taken so far. Checks bounds on every step. */
  private static List<TimeStep> episode(TMaze env, long seed, IntUnaryOperator action) {
    List<TimeStep> steps = new ArrayList<>();
    TimeStep ts = env.reset(seed);
    steps.add(ts);
    while (!ts.isLast()) {
      env.spec().observation().check(ts.observation());
      ts = env.step(action.applyAsInt(steps.size() - 1));
      steps.add(ts);
    }
    env.spec().observation().check(ts.observation());
    return steps;
  }

  private static TimeStep last(List<TimeStep> steps) {
    return steps.get(steps.size() - 1);
  }

  private static int goal(List<TimeStep> steps) {
    return (int) steps.get(0).observation().floats()[1];
  }

  private static double sum(List<TimeStep> steps) {
    return steps.stream().mapToDouble(TimeStep::reward).sum();
  }

  @Test
  void passiveObservationsFollowNiEtAl() {
    int length = 6;
    TMaze env = make("length=" + length);
    for (long seed = 0; seed < 10; seed++) {
      // the optimal schedule, decided from the cue in the first observation
      List<TimeStep> steps = new ArrayList<>();
      TimeStep ts = env.reset(seed);
      steps.add(ts);
      int goal = (int) ts.observation().floats()[1];
      assertThat(ts.observation().floats()).containsExactly(0f, goal);
      assertThat(goal).isIn(-1, 1);
      while (!ts.isLast()) {
        ts = env.step(steps.size() - 1 < length ? RIGHT : (goal > 0 ? UP : DOWN));
        steps.add(ts);
      }
      assertThat(steps).hasSize(length + 2); // episode length L + 1
      for (int t = 1; t < length; t++) {
        assertThat(steps.get(t).observation().floats()).as("corridor t=%d", t).containsExactly(0f, 0f);
        assertThat(steps.get(t).reward()).isZero();
      }
      assertThat(steps.get(length).observation().floats()).as("junction").containsExactly(1f, 0f);
      assertThat(steps.get(length + 1).observation().floats()).as("arm").containsExactly(1f, goal);
      assertThat(steps.get(length + 1).reward()).isEqualTo(1f);
      assertThat(steps.get(length + 1).isTerminated()).isTrue();
      assertThat(steps.get(length + 1).info(TimeStep.SUCCESS)).isEqualTo(1f);
    }
  }

  @Test
  void theCueShowsOnlyOnTheFirstVisit() {
    TMaze env = make("length=4");
    List<TimeStep> steps = episode(env, 3, t -> t < 2 ? (t == 0 ? RIGHT : LEFT) : RIGHT);
    assertThat(steps.get(0).observation().floats()[1]).isNotZero();
    assertThat(steps.get(2).observation().floats()).as("back on the cue cell").containsExactly(0f, 0f);
  }

  @Test
  void activeModeCueIsOneStepBehindTheStart() {
    int length = 5;
    TMaze env = make("length=" + length + ",mode=active");
    assertThat(env.spec().maxEpisodeSteps()).isEqualTo(length + 3);
    for (long seed = 0; seed < 10; seed++) {
      TimeStep first = env.reset(seed);
      assertThat(first.observation().floats()).as("start shows nothing").containsExactly(0f, 0f);
      TimeStep back = env.step(LEFT);
      float goal = back.observation().floats()[1];
      assertThat(goal).isIn(-1f, 1f);
      assertThat(back.reward()).isZero();
      double ret = 0;
      TimeStep ts = back;
      int t = 1;
      while (!ts.isLast()) {
        ts = env.step(t < length + 2 ? RIGHT : (goal > 0 ? UP : DOWN));
        ret += ts.reward();
        t++;
      }
      assertThat(t).isEqualTo(length + 3);
      assertThat(ret).isEqualTo(1.0);
      assertThat(ts.info(TimeStep.SUCCESS)).isEqualTo(1f);
    }
  }

  @Test
  void aHintedActiveEpisodeDiffersOnlyInItsFirstObservationAndSaysItWasAided() {
    TMaze plain = make("length=4,mode=active");
    TMaze always = make("length=4,mode=active,hint=1");
    IntUnaryOperator wander = t -> new int[] {LEFT, RIGHT, UP, RIGHT, RIGHT, DOWN, RIGHT}[t];
    for (long seed = 0; seed < 20; seed++) {
      List<TimeStep> a = episode(plain, seed, wander);
      List<TimeStep> b = episode(always, seed, wander);
      assertThat(b).hasSameSizeAs(a);
      int goal = (int) a.get(1).observation().floats()[1]; // seen on stepping back
      assertThat(a.get(0).observation().floats()).containsExactly(0f, 0f);
      assertThat(b.get(0).observation().floats()).containsExactly(0f, goal);
      for (int t = 1; t < a.size(); t++) {
        assertThat(b.get(t).observation().floats()).as("step %d", t).isEqualTo(a.get(t).observation().floats());
        assertThat(b.get(t).reward()).isEqualTo(a.get(t).reward());
      }
      assertThat(b.get(b.size() - 1).info(TimeStep.AIDED)).isEqualTo(1f);
      assertThat(a.get(a.size() - 1).info(TimeStep.AIDED)).isNaN();
    }
    // a share: about half of the episodes; none in passive mode, where the start shows the cue anyway
    TMaze half = make("length=4,mode=active,hint=0.5");
    long aided = java.util.stream.LongStream.range(0, 400)
        .filter(seed -> !Float.isNaN(last(episode(half, seed, t -> RIGHT)).info(TimeStep.AIDED))).count();
    assertThat(aided).isBetween(160L, 240L);
    TMaze passive = make("length=4,hint=1");
    assertThat(last(episode(passive, 3, t -> RIGHT)).info(TimeStep.AIDED)).isNaN();
    assertThatThrownBy(() -> make("hint=1.5")).hasMessageContaining("hint");
  }

  @Test
  void theLagPenaltyIsMinusOneOverLPerLaggingStep() {
    int length = 8;
    TMaze env = make("length=" + length);
    // never move: lagging from t = 1 to t = L (the last step only pays the goal reward)
    List<TimeStep> still = episode(env, 1, t -> LEFT);
    for (int t = 1; t <= length; t++) {
      assertThat(still.get(t).reward()).as("t=%d", t).isEqualTo(-1f / length);
    }
    TimeStep last = still.get(length + 1);
    assertThat(last.reward()).isZero();
    assertThat(last.info(TimeStep.SUCCESS)).isZero();
    assertThat(last.info(TimeStep.TESTED)).isZero(); // it never reached the junction: the memory was not tested
    assertThat(sum(still)).isCloseTo(-1.0, within(1e-5));
    // one wasted step early: lag at every later step before the last
    List<TimeStep> late = episode(env, 1, t -> t == 0 ? UP : RIGHT);
    for (int t = 1; t <= length; t++) {
      assertThat(late.get(t).reward()).as("t=%d", t).isEqualTo(-1f / length);
    }
  }

  @Test
  void theWrongArmEarnsNothingAndAnExplicitPenaltyApplies() {
    TMaze env = make("length=3,penalty=-0.5");
    for (long seed = 0; seed < 20; seed++) {
      env.reset(seed);
      List<TimeStep> probe = episode(env, seed, t -> RIGHT);
      int goal = goal(probe);
      List<TimeStep> wrong = episode(env, seed, t -> t < 3 ? RIGHT : (goal > 0 ? DOWN : UP));
      TimeStep last = wrong.get(wrong.size() - 1);
      assertThat(last.reward()).isZero();
      assertThat(last.info(TimeStep.SUCCESS)).isZero();
      assertThat(last.info(TimeStep.TESTED)).isEqualTo(1f); // at the junction, it answered wrongly
      // no turn at the junction is a wrong answer too, not an untested episode
      assertThat(probe.get(probe.size() - 1).info(TimeStep.TESTED)).isEqualTo(1f);
      assertThat(probe.get(probe.size() - 1).info(TimeStep.SUCCESS)).isZero();
      assertThat(last.observation().floats()).containsExactly(1f, -goal);
    }
    List<TimeStep> still = episode(env, 0, t -> LEFT);
    assertThat(still.get(1).reward()).isEqualTo(-0.5f);
  }

  @Test
  void wallsBlockMoves() {
    TMaze env = make("length=3");
    env.reset(0);
    assertThat(env.step(UP).observation().floats()).as("no arm in the corridor").containsExactly(0f, 0f);
    assertThat(env.renderText().split("\n")[1]).startsWith("@");
    env.step(LEFT); // the west wall
    assertThat(env.renderText().split("\n")[1]).startsWith("@");
    env.step(RIGHT);
    assertThat(env.renderText().split("\n")[1]).matches("[v^]@-\\+");
  }

  @Test
  void bakkerObservations() {
    TMaze env = make("length=3,obs=bakker");
    assertThat(env.spec().observation().shape()).containsExactly(3);
    boolean sawUp = false;
    boolean sawDown = false;
    for (long seed = 0; seed < 20; seed++) {
      List<TimeStep> steps = episode(env, seed, t -> env.oracleAction());
      float[] cue = steps.get(0).observation().floats();
      if (cue[0] == 0f) {
        assertThat(cue).containsExactly(0f, 1f, 1f);
        sawUp = true;
      } else {
        assertThat(cue).containsExactly(1f, 1f, 0f);
        sawDown = true;
      }
      assertThat(steps.get(1).observation().floats()).containsExactly(1f, 0f, 1f);
      assertThat(steps.get(3).observation().floats()).containsExactly(0f, 1f, 0f);
      assertThat(sum(steps)).isEqualTo(1.0);
    }
    assertThat(sawUp && sawDown).isTrue();
  }

  @Test
  void oracleReachesTheOptimumAndRandomDoesNot() {
    for (String params : List.of("length=10", "length=100", "length=10,mode=active", "length=50,mode=active,obs=bakker")) {
      TMaze env = make(params);
      for (long seed = 0; seed < 20; seed++) {
        List<TimeStep> steps = episode(env, seed, t -> env.oracleAction());
        assertThat(sum(steps)).as(params).isCloseTo(1.0, within(1e-6));
        assertThat(steps.get(steps.size() - 1).info(TimeStep.SUCCESS)).isEqualTo(1f);
        assertThat(steps.get(steps.size() - 1).info(TimeStep.TESTED)).isEqualTo(1f);
      }
    }
    TMaze env = make("length=10");
    SplittableRandom rng = new SplittableRandom(5);
    double total = 0;
    int wins = 0;
    for (long seed = 0; seed < 500; seed++) {
      List<TimeStep> steps = episode(env, seed, t -> rng.nextInt(4));
      total += sum(steps);
      wins += steps.get(steps.size() - 1).info(TimeStep.SUCCESS) > 0 ? 1 : 0;
    }
    // a random walk lags almost always and rarely reaches an arm in 11 steps
    assertThat(total / 500).isLessThan(-0.5);
    assertThat(wins).isLessThan(25);
  }

  @Test
  void sameSeedSameEpisodeAndBothSidesOccur() {
    TMaze a = make("length=5,mode=active");
    TMaze b = make("length=5,mode=active");
    SplittableRandom r1 = new SplittableRandom(9);
    SplittableRandom r2 = new SplittableRandom(9);
    assertThat(episode(a, 77, t -> r1.nextInt(4))).isEqualTo(episode(b, 77, t -> r2.nextInt(4)));
    TMaze p = make("length=2");
    long ups = java.util.stream.LongStream.range(0, 200).filter(s -> p.reset(s).observation().floats()[1] > 0).count();
    assertThat(ups).isBetween(70L, 130L);
  }

  @Test
  void misuseIsRejected() {
    TMaze env = make("length=1");
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(env::oracleAction).isInstanceOf(IllegalStateException.class);
    env.reset(0);
    assertThatThrownBy(() -> env.step(4)).isInstanceOf(IllegalArgumentException.class);
    env.step(RIGHT);
    env.step(UP);
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> make("mode=sideways")).hasMessageContaining("mode");
    assertThatThrownBy(() -> make("obs=rgb")).hasMessageContaining("obs");
    assertThatThrownBy(() -> make("penalty=0.1")).hasMessageContaining("penalty");
    assertThatThrownBy(() -> make("length=0")).hasMessageContaining("length");
  }

  @Test
  void renderingShowsTheMaze() {
    TMaze env = make("length=4");
    env.reset(0);
    String[] rows = env.renderText().split("\n");
    assertThat(rows).hasSize(3);
    assertThat(rows[1]).matches("@---\\+");
    assertThat(env.render().width()).isEqualTo(7 * 16);
    assertThat(env.render().rgbAt(16 + 8, 2 * 16 + 8)).isEqualTo(0x3c78d8);
    TMaze longOne = make("length=1000");
    longOne.reset(0);
    assertThat(longOne.render().width()).isLessThanOrEqualTo(2100);
  }
}
