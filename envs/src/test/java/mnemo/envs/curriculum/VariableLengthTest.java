package mnemo.envs.curriculum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.envs.tasks.TMaze;
import org.junit.jupiter.api.Test;

class VariableLengthTest {
  private static final TaskRegistry REGISTRY = BuiltinTasks.registry();

  /** The steps of one episode under a fixed action rule (the oracle's when {@code oracle}). */
  private static List<TimeStep> play(Environment env, long seed, boolean oracle) {
    List<TimeStep> steps = new ArrayList<>();
    TimeStep ts = env.reset(seed);
    steps.add(ts);
    int t = 0;
    while (!ts.isLast()) {
      int a = oracle ? ((mnemo.envs.Oracle) env).oracleAction() : (t++ % 3 == 0 ? TMaze.UP : TMaze.RIGHT);
      ts = env.step(a);
      steps.add(ts);
    }
    return steps;
  }

  @Test
  void uniformEpisodesAreTheTaskAtTheirLengthAndCoverOneToL() {
    int max = 6;
    Environment env = VariableLength.open(REGISTRY, "memory/tmaze:length=" + max, LengthSampling.UNIFORM, () -> 0);
    assertThat(env).isInstanceOf(VariableLength.class);
    // the spec is the task's at L: the longest episode sets the unroll
    assertThat(env.spec()).isEqualTo(REGISTRY.make("memory/tmaze:length=" + max).spec());
    int[] counts = new int[max + 1];
    for (long seed = 0; seed < 600; seed++) {
      for (boolean oracle : new boolean[] {true, false}) {
        List<TimeStep> got = play(env, seed, oracle);
        int l = ((VariableLength) env).length();
        assertThat(l).isBetween(1, max);
        if (oracle) {
          counts[l]++;
        }
        // step for step the plain task at length l with L's lag penalty: observations, rewards, discounts, kinds
        List<TimeStep> want = play(REGISTRY.make("memory/tmaze:length=" + l + ",penalty=" + (-1f / max)), seed, oracle);
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
          assertThat(got.get(i).type()).isEqualTo(want.get(i).type());
          assertThat(got.get(i).reward()).isEqualTo(want.get(i).reward());
          assertThat(got.get(i).discount()).isEqualTo(want.get(i).discount());
          assertThat(got.get(i).observation().floats()).containsExactly(want.get(i).observation().floats());
        }
        TimeStep last = got.get(got.size() - 1);
        assertThat(last.info(VariableLength.MEMORY_LENGTH)).isEqualTo((float) l);
        assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(want.get(want.size() - 1).info(TimeStep.SUCCESS));
        if (oracle) {
          assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
        }
      }
    }
    // 600 draws from U{1..6}: each length about 100 times (binomial sd ~9; 60 is over 4 sd away)
    for (int l = 1; l <= max; l++) {
      assertThat(counts[l]).as("episodes at length %d", l).isBetween(60, 140);
    }
    // the same seed, the same length: episodes are reproducible
    env.reset(17);
    int first = ((VariableLength) env).length();
    env.reset(99);
    env.reset(17);
    assertThat(((VariableLength) env).length()).isEqualTo(first);
  }

  @Test
  void curriculumEpisodesFollowTheSuppliedLengthFromTheirNextReset() {
    AtomicInteger curriculum = new AtomicInteger(2);
    VariableLength env = (VariableLength) VariableLength.open(REGISTRY, "memory/cue-recall:length=40",
        LengthSampling.CURRICULUM, curriculum::get);
    env.reset(1);
    assertThat(env.length()).isEqualTo(2);
    curriculum.set(8); // mid-episode: the running episode keeps its length
    TimeStep ts = env.step(0);
    ts = env.step(0);
    assertThat(ts.isLast()).isFalse();
    ts = env.step(0);
    assertThat(ts.isLast()).isTrue(); // cue recall at L = 2: L + 1 = 3 actions
    assertThat(ts.info(VariableLength.MEMORY_LENGTH)).isEqualTo(2f);
    env.reset(2);
    assertThat(env.length()).isEqualTo(8);
    curriculum.set(1000); // clamped to L
    env.reset(3);
    assertThat(env.length()).isEqualTo(40);
    curriculum.set(0); // before the learner's first weights: at least 1
    env.reset(4);
    assertThat(env.length()).isEqualTo(1);
  }

  @Test
  void visualMatchVariesItsDistractorPhaseAndEachEpisodeIsTheTaskAtThatLength() {
    // visual match's memory is the distractor phase between the colour and the choice: its length is the
    // memory parameter, the observation (a 5x5 window) does not depend on it
    assertThat(VariableLength.memoryLength(REGISTRY, "memory/visual-match")).hasValue(90);
    AtomicInteger curriculum = new AtomicInteger(2);
    VariableLength env = (VariableLength) VariableLength.open(REGISTRY, "memory/visual-match:distractor=20",
        LengthSampling.CURRICULUM, curriculum::get);
    assertThat(env.spec()).isEqualTo(REGISTRY.make("memory/visual-match:distractor=20").spec());
    int aided = 0;
    int counted = 0;
    for (int l : new int[] {2, 5, 20}) {
      curriculum.set(l);
      for (long seed = 0; seed < 8; seed++) {
        List<TimeStep> got = play(env, seed, true);
        // training plays the family's aids (both at 0.5, apples at 0.1) where the id leaves them unset
        List<TimeStep> want = play(REGISTRY.make("memory/visual-match:distractor=" + l
            + ",fixed_order=0.5,room_start=0.5,apple_reward=0.1"), seed, true);
        assertThat(got.size() - 1).isBetween(15 + l + 1, 15 + l + 15); // the choice ends it in the reward phase
        assertThat(got).hasSameSizeAs(want);
        for (int t = 0; t < want.size(); t++) {
          TimeStep g = got.get(t);
          TimeStep w = want.get(t);
          assertThat(g.type()).isEqualTo(w.type());
          assertThat(g.reward()).isEqualTo(w.reward());
          assertThat(g.observation()).isEqualTo(w.observation());
        }
        TimeStep last = got.get(got.size() - 1);
        assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f); // the oracle touches the right colour
        if (last.info(TimeStep.AIDED) == 1f) { // an aided episode does not count towards the curriculum
          assertThat(last.info(VariableLength.MEMORY_LENGTH)).isNaN();
          aided++;
        } else {
          assertThat(last.info(VariableLength.MEMORY_LENGTH)).isEqualTo((float) l);
          counted++;
        }
      }
    }
    assertThat(aided).isPositive();
    assertThat(counted).isPositive();
  }

  @Test
  void trainingPlaysTheActiveTMazeWithItsHintAndAidedEpisodesReportNoLength() {
    assertThat(VariableLength.trainingAids(REGISTRY, "memory/tmaze:length=6,mode=active")).containsEntry("hint", "0.5");
    assertThat(VariableLength.trainingAids(REGISTRY, "memory/tmaze:length=6,mode=active,hint=0")).isEmpty();
    assertThat(VariableLength.trainingAids(REGISTRY, "memory/tmaze:length=6")).isEmpty(); // the passive cue shows anyway
    assertThat(VariableLength.trainingAids(REGISTRY, "memory/cue-recall:length=6")).isEmpty();
    VariableLength env = (VariableLength) VariableLength.open(REGISTRY, "memory/tmaze:length=6,mode=active",
        LengthSampling.CURRICULUM, () -> 4);
    int aided = 0;
    for (long seed = 0; seed < 200; seed++) {
      List<TimeStep> steps = play(env, seed, true);
      TimeStep last = steps.get(steps.size() - 1);
      assertThat(steps).hasSize(4 + 3 + 1); // the active episode at ℓ = 4, hinted or not
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
      if (last.info(TimeStep.AIDED) == 1f) {
        aided++;
        assertThat(steps.get(0).observation().floats()[1]).isNotZero(); // the hint
        assertThat(last.info(VariableLength.MEMORY_LENGTH)).isNaN(); // not counted by the curriculum
      } else {
        assertThat(steps.get(0).observation().floats()).containsExactly(0f, 0f);
        assertThat(last.info(VariableLength.MEMORY_LENGTH)).isEqualTo(4f);
      }
    }
    assertThat(aided).isBetween(75, 125);
    // set explicitly, the task id wins: hint=0 trains on active episodes only
    Environment plain = VariableLength.open(REGISTRY, "memory/tmaze:length=6,mode=active,hint=0",
        LengthSampling.CURRICULUM, () -> 4);
    for (long seed = 0; seed < 50; seed++) {
      List<TimeStep> steps = play(plain, seed, true);
      assertThat(steps.get(steps.size() - 1).info(TimeStep.AIDED)).isNaN();
    }
    // at one length (--length-sampling fixed) training applies the aids too: the task at L, half hinted
    Environment fixed = VariableLength.open(REGISTRY, "memory/tmaze:length=6,mode=active", LengthSampling.FIXED,
        () -> 4);
    assertThat(fixed).isNotInstanceOf(VariableLength.class);
    int hinted = 0;
    for (long seed = 0; seed < 200; seed++) {
      List<TimeStep> steps = play(fixed, seed, true);
      assertThat(steps).hasSize(6 + 3 + 1); // at L = 6, not the curriculum's 4
      if (steps.get(steps.size() - 1).info(TimeStep.AIDED) == 1f) {
        hinted++;
        assertThat(steps.get(0).observation().floats()[1]).isNotZero();
      }
    }
    assertThat(hinted).isBetween(75, 125);
    // a task the registry does not know (an environment server's) has none to name
    assertThat(VariableLength.trainingAids(REGISTRY, "remote/some-task:x=1")).isEmpty();
    assertThat(VariableLength.trainingAids(REGISTRY, "gym/RememberTheCue")).isEmpty(); // not the registry's naming
    assertThatThrownBy(() -> TMaze.FAMILY.withTrainingAid("nonsense", "1")).hasMessageContaining("not a parameter");
  }

  @Test
  void shorterTMazeCorridorsKeepTheLagPenaltyOfLUnlessTheIdSetsIt() {
    assertThat(VariableLength.heldAtTarget(REGISTRY, "memory/tmaze:length=1000")).containsExactly(
        Map.entry("penalty", "-0.001"));
    assertThat(VariableLength.heldAtTarget(REGISTRY, "memory/tmaze:length=1000,penalty=-0.5")).isEmpty();
    assertThat(VariableLength.heldAtTarget(REGISTRY, "memory/cue-recall:length=1000")).isEmpty();
    // ℓ = 2 on the way to L = 1000, the rule "up at every third step, else right" (play): up at t = 0 leaves
    // the agent at x = 0 after one action, lagging the schedule x = t: −1/1000, not the plain task's −1/2;
    // right at t = 1 reaches x = 1 < 2 = t, lagging again; the last step (t = 3) is the terminal reward
    Environment env = VariableLength.open(REGISTRY, "memory/tmaze:length=1000", LengthSampling.CURRICULUM, () -> 2);
    List<TimeStep> steps = play(env, 5, false);
    assertThat(steps).hasSize(4);
    assertThat(steps.get(1).reward()).isEqualTo(-0.001f);
    assertThat(steps.get(2).reward()).isEqualTo(-0.001f);
    assertThat(play(REGISTRY.make("memory/tmaze:length=2"), 5, false).get(1).reward()).isEqualTo(-0.5f);
    // an explicit penalty is the user's task at every length
    Environment own = VariableLength.open(REGISTRY, "memory/tmaze:length=1000,penalty=-0.25", LengthSampling.CURRICULUM,
        () -> 2);
    assertThat(play(own, 5, false).get(1).reward()).isEqualTo(-0.25f);
    // the held value and the task at L agree: its own auto penalty is −1/L too
    Environment atL = VariableLength.open(REGISTRY, "memory/tmaze:length=1000", LengthSampling.CURRICULUM, () -> 1000);
    assertThat(play(atL, 5, false).get(1).reward()).isEqualTo(-1f / 1000);
  }

  @Test
  void aFamilyCannotHoldItsMemoryLengthOrAParameterItDoesNotHave() {
    TaskFamily base = new TaskFamily("test/held", "", List.of(new Param("length", "3", "L"), new Param("cost", "1", "c")),
        p -> null).withMemoryParam("length");
    var id = mnemo.envs.registry.TaskId.parse("test/held:length=8");
    assertThat(base.withHeldAtTarget(p -> Map.of("cost", "" + p.getInt("length", 1, 99))).heldAtTarget(id))
        .containsExactly(Map.entry("cost", "8"));
    assertThatThrownBy(() -> base.withHeldAtTarget(p -> Map.of("length", "8")).heldAtTarget(id))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'length'");
    assertThatThrownBy(() -> base.withHeldAtTarget(p -> Map.of("colour", "red")).heldAtTarget(id))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'colour'");
  }

  @Test
  void fixedSamplingAndTasksWithoutAMemoryParameterAreTheTaskItself() {
    assertThat(VariableLength.open(REGISTRY, "memory/tmaze:length=9", LengthSampling.FIXED, () -> 3))
        .isInstanceOf(TMaze.class);
    Environment grid = VariableLength.open(REGISTRY, "gridworld/empty", LengthSampling.CURRICULUM, () -> 3);
    assertThat(grid).isNotInstanceOf(VariableLength.class);
    assertThat(VariableLength.memoryLength(REGISTRY, "memory/tmaze:length=9")).hasValue(9);
    assertThat(VariableLength.memoryLength(REGISTRY, "memory/tmaze")).hasValue(10); // the parameter's default
    assertThat(VariableLength.memoryLength(REGISTRY, "gridworld/empty")).isEmpty();
  }

  @Test
  void aTaskWhoseObservationChangesWithItsLengthIsRefusedWhenTheLengthChanges() {
    TaskRegistry r = new TaskRegistry();
    // a toy family whose observation is as wide as its length: cannot vary per episode
    r.register(new TaskFamily("test/wide", "obs width = length", List.of(new Param("length", "3", "width")),
        p -> new Wide(p.getInt("length"))).withMemoryParam("length"));
    Environment env = VariableLength.open(r, "test/wide:length=3", LengthSampling.CURRICULUM, () -> 2);
    assertThatThrownBy(() -> env.reset(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("observation or actions change with length = 2");
    assertThatThrownBy(() -> new TaskFamily("test/x", "", List.of(), p -> new Wide(1)).withMemoryParam("length"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'length' is not a parameter");
  }

  private static final class Wide implements Environment {
    private final EnvSpec spec;

    Wide(int width) {
      spec = new EnvSpec("test/wide", new TensorSpec("obs", new int[] {width}, DType.FLOAT32, 0, 1), 2,
          List.of("a", "b"), 1, List.of());
    }

    @Override
    public EnvSpec spec() {
      return spec;
    }

    @Override
    public TimeStep reset(long seed) {
      return TimeStep.first(Tensor.ofFloats(new float[spec.observation().shape()[0]], spec.observation().shape()[0]));
    }

    @Override
    public TimeStep step(int action) {
      return TimeStep.terminal(0, reset(0).observation(), Map.of());
    }
  }
}
