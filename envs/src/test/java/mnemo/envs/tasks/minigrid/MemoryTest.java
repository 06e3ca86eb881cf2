package mnemo.envs.tasks.minigrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Direction;
import mnemo.envs.grid.Grid;
import mnemo.envs.grid.PathFinder;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.envs.tasks.GridEpisodes;
import org.junit.jupiter.api.Test;

class MemoryTest {

  private static Memory make(String id) {
    return (Memory) BuiltinTasks.registry().make(id);
  }

  private static String walls(Grid g) {
    StringBuilder sb = new StringBuilder();
    for (int y = 0; y < g.height(); y++) {
      for (int x = 0; x < g.width(); x++) {
        sb.append(g.object(x, y) == Cell.WALL ? '#' : '.');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /** MemoryEnv._gen_grid for size 7 (hallway_end = 4), worked by hand. */
  @Test
  void size7LayoutIsMiniGrids() {
    Memory env = make("minigrid/memory:size=7");
    assertThat(env.spec().maxEpisodeSteps()).isEqualTo(5 * 49);
    for (int seed = 0; seed < 20; seed++) {
      env.reset(seed);
      Grid g = env.world().grid();
      assertThat(walls(g)).isEqualTo("""
          #######
          #####.#
          #...#.#
          #.....#
          #...#.#
          #####.#
          #######
          """);
      int cue = g.object(1, 2);
      assertThat(cue).isIn(Cell.KEY, Cell.BALL);
      assertThat(env.cue()).isEqualTo(cue);
      assertThat(g.color(1, 2)).isEqualTo(Cell.GREEN);
      assertThat(Set.of(g.object(5, 1), g.object(5, 5))).containsExactlyInAnyOrder(Cell.KEY, Cell.BALL);
      assertThat(g.color(5, 1)).isEqualTo(Cell.GREEN);
      int[] ok = env.successCell();
      int[] bad = env.failureCell();
      // The success cell is next to the twin of the cue.
      int twinY = ok[1] == 2 ? 1 : 5;
      assertThat(g.object(5, twinY)).isEqualTo(cue);
      assertThat(ok[0]).isEqualTo(5);
      assertThat(bad).containsExactly(5, ok[1] == 2 ? 4 : 2);
      assertThat(env.world().y()).isEqualTo(3);
      assertThat(env.world().x()).isBetween(1, 4);
      assertThat(env.world().dir()).isEqualTo(Direction.EAST);
    }
  }

  @Test
  void randomHallwaysSpanMiniGridsRangeAndFixedOnesDoNot() {
    Memory random = make("minigrid/memory:size=13,random=true");
    Memory fixed = make("minigrid/memory:size=13");
    Set<Integer> ends = new TreeSet<>();
    Set<Integer> starts = new TreeSet<>();
    for (int seed = 0; seed < 300; seed++) {
      random.reset(seed);
      int end = random.successCell()[0] - 1;
      ends.add(end);
      assertThat(random.world().x()).isBetween(1, end);
      fixed.reset(seed);
      assertThat(fixed.successCell()[0] - 1).isEqualTo(10);
      starts.add(fixed.world().x());
    }
    assertThat(ends).containsExactly(4, 5, 6, 7, 8, 9, 10); // _rand_int(4, width - 2)
    assertThat(starts).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10); // _rand_int(1, hallway_end + 1)
  }

  @Test
  void theMatchingObjectPaysTheTimeDiscountedReward() {
    Memory env = make("minigrid/memory:size=9");
    for (int seed = 0; seed < 20; seed++) {
      List<TimeStep> steps = GridEpisodes.play(env, seed, GridEpisodes.oracle(env));
      TimeStep last = steps.get(steps.size() - 1);
      int t = steps.size() - 1;
      assertThat(last.isTerminated()).isTrue();
      assertThat(last.reward()).isCloseTo(1f - 0.9f * t / (5f * 81f), within(1e-6f));
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
      assertThat(env.world().x()).isEqualTo(env.successCell()[0]);
      assertThat(env.world().y()).isEqualTo(env.successCell()[1]);
    }
  }

  @Test
  void theOtherObjectEndsTheEpisodeWithNothing() {
    Memory env = make("minigrid/memory:size=9");
    for (int seed = 0; seed < 20; seed++) {
      env.reset(seed);
      int[] bad = env.failureCell();
      int[] ok = env.successCell();
      TimeStep ts;
      do {
        int a = PathFinder.firstTurnAction(env.world(), (x, y) -> x == bad[0] && y == bad[1],
            (x, y) -> x == ok[0] && y == ok[1]);
        ts = env.step(a);
      } while (!ts.isLast());
      assertThat(ts.isTerminated()).isTrue();
      assertThat(ts.reward()).isZero();
      assertThat(ts.info(TimeStep.SUCCESS)).isZero();
    }
  }

  @Test
  void runningOutOfTimeTruncates() {
    Memory env = make("minigrid/memory:size=7");
    env.reset(0);
    TimeStep ts = null;
    for (int t = 0; t < 245; t++) {
      assertThat(ts == null || !ts.isLast()).isTrue();
      ts = env.step(MiniGridTask.RIGHT);
    }
    assertThat(ts.isTruncated()).isTrue();
    assertThat(ts.info(TimeStep.SUCCESS)).isZero();
  }

  /**
   * From the start room's first cell, facing east, the cue sits one cell to the agent's left (view
   * (2, 6)); the start room's upper wall is next (1, 6) and what lies beyond it is hidden (0, 6).
   */
  @Test
  void theCueIsInViewFromTheStartRoomAndTheWallHidesWhatIsBehind() {
    Memory env = make("minigrid/memory:size=11");
    int found = 0;
    for (int seed = 0; seed < 200 && found < 5; seed++) {
      TimeStep ts = env.reset(seed);
      if (env.world().x() != 1) {
        continue;
      }
      found++;
      byte[] img = ts.observation().bytes();
      int o = (2 * 7 + 6) * 3;
      assertThat(new int[] {img[o], img[o + 1], img[o + 2]}).containsExactly(env.cue(), Cell.GREEN, 0);
      o = (1 * 7 + 6) * 3;
      assertThat(img[o]).isEqualTo((byte) Cell.WALL);
      o = (0 * 7 + 6) * 3;
      assertThat(new int[] {img[o], img[o + 1], img[o + 2]}).containsExactly(0, 0, 0);
    }
    assertThat(found).isEqualTo(5);
  }

  @Test
  void aFixedOrderPutsTheKeyAtTheTopSoTheCueAloneGivesTheTurn() {
    Memory env = make("minigrid/memory:size=7,order=fixed");
    Set<Integer> cues = new TreeSet<>();
    for (int seed = 0; seed < 30; seed++) {
      env.reset(seed);
      Grid g = env.world().grid();
      assertThat(g.object(5, 1)).isEqualTo(Cell.KEY);
      assertThat(g.object(5, 5)).isEqualTo(Cell.BALL);
      cues.add(env.cue());
      // the key's cue is won next to the top object, the ball's next to the bottom one
      assertThat(env.successCell()).containsExactly(5, env.cue() == Cell.KEY ? 2 : 4);
      assertThat(env.failureCell()).containsExactly(5, env.cue() == Cell.KEY ? 4 : 2);
    }
    assertThat(cues).containsExactlyInAnyOrder(Cell.KEY, Cell.BALL); // the cue still varies
    assertThatThrownBy(() -> make("minigrid/memory:order=sorted")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("random|fixed");
  }

  @Test
  void theFixedOrderAidMarksItsEpisodesAndLeavesTheRestOfEachEpisodeAsItWas() {
    Memory aid = make("minigrid/memory:size=7,fixed_order=0.5");
    Memory plain = make("minigrid/memory:size=7");
    assertThat(aid.spec().infoKeys()).containsExactly(TimeStep.SUCCESS, TimeStep.AIDED);
    int aided = 0;
    int n = 200;
    for (int seed = 0; seed < n; seed++) {
      List<TimeStep> steps = GridEpisodes.play(aid, seed, GridEpisodes.oracle(aid));
      TimeStep last = steps.get(steps.size() - 1);
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f); // the rules are the same
      TimeStep first = plain.reset(seed);
      // the aid's draw comes last: the cue and the start are the plain task's for the same seed
      assertThat(aid.cue()).isEqualTo(plain.cue());
      aid.reset(seed);
      assertThat(aid.world().x()).isEqualTo(plain.world().x());
      if (last.info(TimeStep.AIDED) == 1f) {
        aided++;
        assertThat(aid.world().grid().object(5, 1)).isEqualTo(Cell.KEY);
      } else {
        // an episode the aid left alone is the plain task's episode, objects and first view included
        assertThat(aid.successCell()).containsExactly(plain.successCell());
        assertThat(steps.get(0).observation().bytes()).isEqualTo(first.observation().bytes());
      }
    }
    assertThat(aided).isBetween(75, 125); // about half of 200 (binomial sd 7)
    // the task itself (the aid at 0) reports no aided episode, whichever way it ends
    for (int seed = 0; seed < 20; seed++) {
      List<TimeStep> steps = GridEpisodes.play(plain, seed, GridEpisodes.oracle(plain));
      assertThat(steps.get(steps.size() - 1).info(TimeStep.AIDED)).isNotEqualTo(1f);
    }
    assertThatThrownBy(() -> make("minigrid/memory:fixed_order=1.5")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fixed_order");
  }

  @Test
  void theCueStartAidStartsNextToTheCueInViewAndMarksItsEpisodes() {
    Memory aid = make("minigrid/memory:size=9,cue_start=1");
    Memory half = make("minigrid/memory:size=9,cue_start=0.5");
    Memory plain = make("minigrid/memory:size=9");
    for (int seed = 0; seed < 50; seed++) {
      TimeStep first = aid.reset(seed);
      assertThat(aid.world().x()).isEqualTo(1);
      assertThat(aid.world().dir()).isEqualTo(Direction.EAST);
      // the cue one cell to the agent's left: view (2, 6), as from MiniGrid's own x = 1 starts
      byte[] img = first.observation().bytes();
      int o = (2 * 7 + 6) * 3;
      assertThat(new int[] {img[o], img[o + 1], img[o + 2]}).containsExactly(aid.cue(), Cell.GREEN, 0);
      plain.reset(seed);
      assertThat(aid.cue()).isEqualTo(plain.cue()); // the aid's draw comes after the cue's
      assertThat(aid.successCell()).containsExactly(plain.successCell());
      List<TimeStep> steps = GridEpisodes.play(aid, seed, GridEpisodes.oracle(aid));
      assertThat(steps.get(steps.size() - 1).info(TimeStep.AIDED)).isEqualTo(1f);
      assertThat(steps.get(steps.size() - 1).info(TimeStep.SUCCESS)).isEqualTo(1f);
    }
    int aided = 0;
    for (int seed = 0; seed < 200; seed++) {
      List<TimeStep> steps = GridEpisodes.play(half, seed, GridEpisodes.oracle(half));
      if (steps.get(steps.size() - 1).info(TimeStep.AIDED) == 1f) {
        aided++;
      }
    }
    assertThat(aided).isBetween(75, 125); // about half of 200 (binomial sd 7)
    assertThatThrownBy(() -> make("minigrid/memory:cue_start=2")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cue_start");
  }

  @Test
  void trainingPlaysBothAidsAtHalfAndAsksForAShortUnrollAndAnEntropySchedule() {
    var registry = BuiltinTasks.registry();
    var family = registry.family("minigrid/memory");
    assertThat(mnemo.envs.curriculum.VariableLength.trainingAids(registry, "minigrid/memory:size=7"))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("fixed_order", "0.5", "cue_start", "0.5"));
    // set in the id, the id wins
    assertThat(mnemo.envs.curriculum.VariableLength.trainingAids(registry, "minigrid/memory:size=7,cue_start=0"))
        .containsExactly(java.util.Map.entry("fixed_order", "0.5"));
    var s7 = family.training(mnemo.envs.registry.TaskId.parse("minigrid/memory:size=7"));
    assertThat(s7.unroll()).isEqualTo(32); // 4·7 + 4, of a 245-step time limit
    assertThat(s7.entropyCost()).isEqualTo(0.01);
    assertThat(s7.entropyCostFinal()).isEqualTo(0.001);
    assertThat(s7.exploringStarts()).isZero();
    assertThat(family.training(mnemo.envs.registry.TaskId.parse("minigrid/memory")).unroll()).isEqualTo(56); // size 13
    // what training plays: both aids, each in about half of the episodes, and MiniGrid's own episodes in
    // the rest (three starts in four past the cue)
    var env = mnemo.envs.curriculum.VariableLength.open(registry, "minigrid/memory:size=7",
        mnemo.envs.curriculum.LengthSampling.FIXED, () -> 0);
    int aided = 0;
    int atCue = 0;
    for (int seed = 0; seed < 400; seed++) {
      TimeStep first = env.reset(seed);
      byte[] img = first.observation().bytes();
      int o = (2 * 7 + 6) * 3; // the cell to the agent's left, where the cue is from x = 1
      if (img[o] == Cell.KEY || img[o] == Cell.BALL) {
        atCue++;
      }
      TimeStep t = first;
      while (!t.isLast()) {
        t = env.step(MiniGridTask.FORWARD); // down the hallway into the far wall: never a decision, out of time
      }
      if (t.info(TimeStep.AIDED) == 1f) {
        aided++;
      }
    }
    // cue start 1/2 + 1/2 · 1/4 of MiniGrid's own starts at x = 1: 5/8 of 400 = 250 (sd 10)
    assertThat(atCue).isBetween(215, 285);
    // aided when either aid drew: 1 − 1/2 · 1/2 = 3/4 of 400 = 300 (sd 9)
    assertThat(aided).isBetween(265, 335);
  }

  @Test
  void sizesMustBeOddAndWithinMiniGridsRange() {
    assertThatThrownBy(() -> make("minigrid/memory:size=8")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("odd");
    assertThatThrownBy(() -> make("minigrid/memory:size=19")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size");
    assertThatThrownBy(() -> make("minigrid/memory:random=maybe")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("random");
  }
}
