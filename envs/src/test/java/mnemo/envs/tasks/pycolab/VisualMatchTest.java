package mnemo.envs.tasks.pycolab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Direction;
import mnemo.envs.grid.Grid;
import mnemo.envs.grid.PathFinder;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.envs.tasks.GridEpisodes;
import mnemo.envs.tasks.pycolab.ThreePhaseTask.Phase;
import org.junit.jupiter.api.Test;

class VisualMatchTest {
  static final int NORTH = 0;
  static final int SOUTH = 1;
  static final int WEST = 2;
  static final int EAST = 3;
  private static final int[] ACTION_OF_HEADING = {EAST, SOUTH, WEST, NORTH};

  private static VisualMatch make(String id) {
    return (VisualMatch) BuiltinTasks.registry().make(id);
  }

  static int rgbAt(TimeStep ts, int row, int col) {
    byte[] b = ts.observation().bytes();
    int o = (row * 5 + col) * 3;
    return (b[o] & 0xff) << 16 | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff);
  }

  /** Whether any pixel of the crop is one of the three pure square colours. */
  private static boolean showsASquare(TimeStep ts) {
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 5; c++) {
        int rgb = rgbAt(ts, r, c);
        if (rgb == 0xff0000 || rgb == 0x00ff00 || rgb == 0x0000ff) {
          return true;
        }
      }
    }
    return false;
  }

  /** Walks (four-way BFS) to the first cell where {@code target} holds, avoiding other squares. */
  static TimeStep walkTo(ThreePhaseTask env, PathFinder.CellTest target) {
    Grid g = env.world().grid();
    TimeStep ts = null;
    for (int guard = 0; guard < 100; guard++) {
      int h = PathFinder.firstMove(g, env.world().x(), env.world().y(),
          (x, y) -> g.object(x, y) != Cell.WALL && g.object(x, y) != Cell.SQUARE && g.object(x, y) != Cell.DOOR, target);
      if (h < 0) {
        return ts;
      }
      ts = env.step(ACTION_OF_HEADING[h]);
      if (ts.isLast()) {
        return ts;
      }
    }
    throw new AssertionError("no path");
  }

  /** Steps that stay put (walks into the wall below) until the phase changes to {@code phase}. */
  static TimeStep waitFor(ThreePhaseTask env, Phase phase, int action) {
    TimeStep ts = null;
    while (env.phase() != phase) {
      ts = env.step(action);
      assertThat(ts.isLast()).isFalse();
    }
    return ts;
  }

  @Test
  void specIsTheFiveByFiveRgbCropWithFourActions() {
    VisualMatch env = make("memory/visual-match");
    assertThat(env.spec().observation().shape()).containsExactly(5, 5, 3);
    assertThat(env.spec().numActions()).isEqualTo(4);
    assertThat(env.spec().actionNames()).containsExactly("north", "south", "west", "east");
    assertThat(env.spec().maxEpisodeSteps()).isEqualTo(15 + 90 + 15);
    assertThat(env.spec().infoKeys()).containsExactly(TimeStep.SUCCESS, ThreePhaseTask.APPLE_REWARD, TimeStep.AIDED);
    assertThat(env.spec().taskId()).contains("final_reward=10").contains("mode=passive").contains("distractor=90");
  }

  @Test
  void passiveShowsTheColourNextToTheAgentFromTheFirstStep() {
    VisualMatch env = make("memory/visual-match");
    for (int seed = 0; seed < 30; seed++) {
      TimeStep ts = env.reset(seed);
      int[] cue = env.cueCell();
      int dx = cue[0] - env.world().x();
      int dy = cue[1] - env.world().y();
      assertThat(Math.max(Math.abs(dx), Math.abs(dy))).isEqualTo(1);
      assertThat(rgbAt(ts, 2 + dy, 2 + dx)).isEqualTo(Cell.rgb(env.targetColour()));
      assertThat(rgbAt(ts, 2, 2)).isEqualTo(ThreePhaseTask.PLAYER_RGB);
      assertThat(env.targetColour()).isIn(Cell.RED, Cell.GREEN, Cell.BLUE);
      // Enclosed: no action moves the agent.
      int x = env.world().x();
      int y = env.world().y();
      for (int a = 0; a < 4; a++) {
        env.step(a);
        assertThat(env.world().x()).isEqualTo(x);
        assertThat(env.world().y()).isEqualTo(y);
      }
    }
  }

  @Test
  void activeHidesTheColourUntilTheAgentLooks() {
    VisualMatch env = make("memory/visual-match:mode=active");
    int hiddenAtStart = 0;
    for (int seed = 0; seed < 40; seed++) {
      TimeStep ts = env.reset(seed);
      hiddenAtStart += showsASquare(ts) ? 0 : 1;
      boolean seen = showsASquare(ts);
      while (env.phase() == Phase.EXPLORE) {
        ts = env.step(env.oracleAction());
        seen |= env.phase() == Phase.EXPLORE && showsASquare(ts);
      }
      assertThat(seen).as("seed %d: the oracle looks at the colour", seed).isTrue();
    }
    assertThat(hiddenAtStart).isGreaterThan(10);
  }

  @Test
  void phasesLastTheirStepsAndTheColourIsOutOfSightUntilTheEnd() {
    VisualMatch env = make("memory/visual-match:explore=4,distractor=6");
    TimeStep ts = env.reset(5);
    for (int t = 1; t <= 4; t++) {
      assertThat(env.phase()).isEqualTo(Phase.EXPLORE);
      ts = env.step(SOUTH);
    }
    assertThat(env.phase()).isEqualTo(Phase.DISTRACTOR);
    assertThat(env.frame()).isZero();
    // The apple room's start: bottom row, middle.
    assertThat(env.world().x()).isEqualTo(5);
    assertThat(env.world().y()).isEqualTo(5);
    assertThat(showsASquare(ts)).isFalse();
    for (int t = 1; t <= 6; t++) {
      ts = env.step(SOUTH); // into the wall: stay put
      assertThat(showsASquare(ts)).isFalse();
    }
    assertThat(env.phase()).isEqualTo(Phase.REWARD);
    // The reward room's squares are four rows above the agent: out of the 5×5 window.
    assertThat(showsASquare(ts)).isFalse();
    ts = env.step(NORTH);
    ts = env.step(NORTH);
    assertThat(showsASquare(ts)).isTrue();
  }

  @Test
  void touchingTheMatchingColourPaysTheFinalRewardAndEnds() {
    VisualMatch env = make("memory/visual-match:final_reward=5,distractor=3");
    for (int seed = 0; seed < 10; seed++) {
      env.reset(seed);
      waitFor(env, Phase.REWARD, SOUTH);
      int target = env.targetColour();
      Grid g = env.world().grid();
      TimeStep last = walkTo(env, (x, y) -> g.object(x, y) == Cell.SQUARE && g.color(x, y) == target);
      assertThat(last.isTerminated()).isTrue();
      assertThat(last.reward()).isEqualTo(5f);
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
    }
  }

  @Test
  void touchingAnotherColourEndsWithNothing() {
    VisualMatch env = make("memory/visual-match:distractor=3");
    for (int seed = 0; seed < 10; seed++) {
      env.reset(seed);
      waitFor(env, Phase.REWARD, SOUTH);
      int target = env.targetColour();
      Grid g = env.world().grid();
      TimeStep last = walkTo(env, (x, y) -> g.object(x, y) == Cell.SQUARE && g.color(x, y) != target);
      assertThat(last.isTerminated()).isTrue();
      assertThat(last.reward()).isZero();
      assertThat(last.info(TimeStep.SUCCESS)).isZero();
    }
  }

  @Test
  void notChoosingTruncatesAtTheTimeLimit() {
    VisualMatch env = make("memory/visual-match");
    List<TimeStep> steps = GridEpisodes.play(env, 3, ts -> SOUTH);
    assertThat(steps).hasSize(121);
    TimeStep last = steps.get(120);
    assertThat(last.isTruncated()).isTrue();
    assertThat(last.info(TimeStep.SUCCESS)).isZero();
    assertThat(last.info(ThreePhaseTask.APPLE_REWARD)).isZero();
  }

  /**
   * Apples: eating one pays apple_reward; the slot stays empty for 20 frames and the apple is back
   * after the update of frame f + 21 (pycolab: frame > last_pickup + respawn_every).
   */
  @Test
  void applesPayAndGrowBackAfterTheRespawnTime() {
    VisualMatch env = make("memory/visual-match:apple_reward=2");
    env.reset(11);
    waitFor(env, Phase.DISTRACTOR, SOUTH);
    Grid g = env.world().grid();
    TimeStep ts;
    do {
      ts = env.step(ACTION_OF_HEADING[PathFinder.firstMove(g, env.world().x(), env.world().y(),
          (x, y) -> g.object(x, y) != Cell.WALL, (x, y) -> g.object(x, y) == Cell.APPLE)]);
    } while (ts.reward() == 0f);
    assertThat(ts.reward()).isEqualTo(2f);
    int ax = env.world().x();
    int ay = env.world().y();
    int eatenAt = env.frame();
    // Step back and forth between the slot's free neighbour and the slot.
    int away = -1;
    for (int h = 0; h < 4 && away < 0; h++) {
      if (g.object(ax + Direction.dx(h), ay + Direction.dy(h)) != Cell.WALL) {
        away = h;
      }
    }
    int[] moves = {ACTION_OF_HEADING[away], ACTION_OF_HEADING[(away + 2) & 3]};
    int k = 0;
    while (env.frame() < eatenAt + 20) {
      env.step(moves[k++ & 1]);
      assertThat(g.object(ax, ay)).as("frame %d", env.frame()).isNotEqualTo(Cell.APPLE);
    }
    env.step(moves[k & 1]);
    assertThat(env.frame()).isEqualTo(eatenAt + 21);
    assertThat(g.object(ax, ay)).isEqualTo(Cell.APPLE);

    VisualMatch never = make("memory/visual-match:respawn=0");
    never.reset(11);
    waitFor(never, Phase.DISTRACTOR, SOUTH);
    Grid g2 = never.world().grid();
    int apples = count(g2, Cell.APPLE);
    assertThat(apples).isEqualTo(10);
    double eaten = 0;
    while (never.phase() == Phase.DISTRACTOR) {
      eaten += never.step(never.oracleAction()).reward();
    }
    assertThat(eaten).isEqualTo(10.0); // only the ten apples there were
  }

  private static int count(Grid g, int obj) {
    int n = 0;
    for (int y = 0; y < g.height(); y++) {
      for (int x = 0; x < g.width(); x++) {
        n += g.object(x, y) == obj ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void appleRewardIsReportedApartFromSuccess() {
    VisualMatch env = make("memory/visual-match");
    List<TimeStep> steps = GridEpisodes.play(env, 2, GridEpisodes.oracle(env));
    TimeStep last = steps.get(steps.size() - 1);
    double total = GridEpisodes.episodeReturn(steps);
    assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
    assertThat(last.info(ThreePhaseTask.APPLE_REWARD)).isEqualTo((float) (total - 10.0));
    assertThat(last.info(ThreePhaseTask.APPLE_REWARD)).isGreaterThan(10f); // apples grow back: more than 10 eaten
  }

  @Test
  void noDistractorGoesStraightToTheRewardRoom() {
    VisualMatch env = make("memory/visual-match:distractor=0,explore=2");
    env.reset(0);
    env.step(SOUTH);
    env.step(SOUTH);
    assertThat(env.phase()).isEqualTo(Phase.REWARD);
  }

  /** The colours of the three squares of the reward room, left to right (read off the grid). */
  private static int[] squareColoursLeftToRight(VisualMatch env) {
    Grid g = env.world().grid();
    int[] colours = new int[3];
    int n = 0;
    for (int x = 0; x < g.width(); x++) {
      if (g.object(x, 1) == Cell.SQUARE) {
        colours[n++] = g.color(x, 1);
      }
    }
    assertThat(n).isEqualTo(3);
    return colours;
  }

  @Test
  void aFixedOrderPutsRedGreenBlueFromLeftToRightWhateverTheTarget() {
    VisualMatch fixed = make("memory/visual-match:distractor=0,order=fixed");
    VisualMatch random = make("memory/visual-match:distractor=0");
    java.util.Set<String> randomOrders = new java.util.HashSet<>();
    java.util.Set<Integer> targets = new java.util.HashSet<>();
    for (int seed = 0; seed < 30; seed++) {
      fixed.reset(seed);
      targets.add(fixed.targetColour());
      waitFor(fixed, Phase.REWARD, SOUTH);
      assertThat(squareColoursLeftToRight(fixed)).containsExactly(Cell.RED, Cell.GREEN, Cell.BLUE);
      random.reset(seed);
      waitFor(random, Phase.REWARD, SOUTH);
      randomOrders.add(java.util.Arrays.toString(squareColoursLeftToRight(random)));
    }
    assertThat(targets).containsExactlyInAnyOrder(Cell.RED, Cell.GREEN, Cell.BLUE); // the cue still varies
    assertThat(randomOrders).hasSizeGreaterThan(3); // the original shuffles: most of the 6 orders in 30 episodes
    assertThatThrownBy(() -> make("memory/visual-match:order=sorted")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("random|fixed");
  }

  @Test
  void theFixedOrderAidMarksItsEpisodesAndLeavesTheOthersAsTheyWere() {
    VisualMatch aid = make("memory/visual-match:distractor=0,fixed_order=0.5");
    VisualMatch plain = make("memory/visual-match:distractor=0");
    int aided = 0;
    int n = 200;
    for (int seed = 0; seed < n; seed++) {
      aid.reset(seed);
      waitFor(aid, Phase.REWARD, SOUTH);
      int[] order = squareColoursLeftToRight(aid);
      Grid g = aid.world().grid();
      int target = aid.targetColour();
      TimeStep last = walkTo(aid, (x, y) -> g.object(x, y) == Cell.SQUARE && g.color(x, y) == target);
      assertThat(last.isLast()).isTrue();
      if (last.info(TimeStep.AIDED) == 1f) {
        aided++;
        assertThat(order).containsExactly(Cell.RED, Cell.GREEN, Cell.BLUE);
      }
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f); // the rules are the same: the matching square wins
    }
    assertThat(aided).isBetween(75, 125); // about half of 200 (binomial sd 7)
    // the task itself (the aid at 0) reports no aided episode
    for (int seed = 0; seed < 20; seed++) {
      plain.reset(seed);
      waitFor(plain, Phase.REWARD, SOUTH);
      TimeStep last = walkTo(plain, (x, y) -> plain.world().grid().object(x, y) == Cell.SQUARE);
      assertThat(last.isLast()).isTrue();
      assertThat(last.info(TimeStep.AIDED)).isNotEqualTo(1f);
    }
    assertThatThrownBy(() -> make("memory/visual-match:fixed_order=1.5")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fixed_order");
  }

  @Test
  void theRoomStartAidStartsTheRewardPhaseOnAnyFreeCellOfTheRoomAndMarksItsEpisodes() {
    VisualMatch aid = make("memory/visual-match:distractor=0,room_start=1");
    VisualMatch half = make("memory/visual-match:distractor=0,room_start=0.5");
    VisualMatch plain = make("memory/visual-match:distractor=0");
    java.util.Set<Integer> starts = new java.util.TreeSet<>();
    for (int seed = 0; seed < 400; seed++) {
      aid.reset(seed);
      waitFor(aid, Phase.REWARD, SOUTH);
      int x = aid.world().x();
      int y = aid.world().y();
      int object = aid.world().grid().object(x, y);
      assertThat(object).isNotIn(Cell.WALL, Cell.SQUARE);
      // inside the room or its entrance: rows 1-3 between the side walls, or x 4-6 of rows 4-5 below it
      assertThat((y >= 1 && y <= 3 && x >= 1 && x <= 9) || (y >= 4 && y <= 5 && x >= 4 && x <= 6))
          .as("start (%d, %d)", x, y).isTrue();
      starts.add(y * ThreePhaseTask.WIDTH + x);
      Grid g = aid.world().grid();
      int target = aid.targetColour();
      TimeStep last = walkTo(aid, (cx, cy) -> g.object(cx, cy) == Cell.SQUARE && g.color(cx, cy) == target);
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f); // the rules are the same
      assertThat(last.info(TimeStep.AIDED)).isEqualTo(1f);
    }
    // 24 room cells (27 less the 3 squares) + the 6 cells of the entrance below it: 30, each drawn
    assertThat(starts).hasSize(30);
    // the task itself starts at the entrance and reports nothing
    for (int seed = 0; seed < 20; seed++) {
      plain.reset(seed);
      waitFor(plain, Phase.REWARD, SOUTH);
      assertThat(new int[] {plain.world().x(), plain.world().y()}).containsExactly(5, 5);
      TimeStep last = walkTo(plain, (x, y) -> plain.world().grid().object(x, y) == Cell.SQUARE);
      assertThat(last.info(TimeStep.AIDED)).isNotEqualTo(1f);
    }
    int aided = 0;
    for (int seed = 0; seed < 200; seed++) {
      half.reset(seed);
      waitFor(half, Phase.REWARD, SOUTH);
      TimeStep last = walkTo(half, (x, y) -> half.world().grid().object(x, y) == Cell.SQUARE);
      if (last.info(TimeStep.AIDED) == 1f) {
        aided++;
      }
    }
    assertThat(aided).isBetween(75, 125); // about half of 200 (binomial sd 7); some draws land on the entrance
    assertThatThrownBy(() -> make("memory/visual-match:room_start=-0.1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("room_start");
  }

  @Test
  void badParametersAreRejected() {
    assertThatThrownBy(() -> make("memory/visual-match:mode=sleepy")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("passive|active");
    assertThatThrownBy(() -> make("memory/visual-match:apples=23")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("apples");
    assertThatThrownBy(() -> make("memory/visual-match:explore=0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("explore");
  }

  @Test
  void trainingPlaysBothAidsAtHalfAndCountsAnAppleAsATenth() {
    var registry = mnemo.envs.tasks.BuiltinTasks.registry();
    assertThat(mnemo.envs.curriculum.VariableLength.trainingAids(registry, "memory/visual-match"))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("fixed_order", "0.5", "room_start", "0.5",
            "apple_reward", "0.1"));
    // set in the id, the id wins
    assertThat(mnemo.envs.curriculum.VariableLength.trainingAids(registry,
        "memory/visual-match:apple_reward=1,room_start=0")).containsExactly(java.util.Map.entry("fixed_order", "0.5"));
  }
}
