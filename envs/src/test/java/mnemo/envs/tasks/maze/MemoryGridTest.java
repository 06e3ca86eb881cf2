package mnemo.envs.tasks.maze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import mnemo.envs.Environment;
import mnemo.envs.Tensor;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.envs.tasks.GridEpisodes;
import org.junit.jupiter.api.Test;

class MemoryGridTest {
  private static final TaskRegistry REG = BuiltinTasks.registry();
  /** A 3x3 interior with a pillar, the agent at (1, 3), target 0 at (2, 1), target 1 at (3, 3). */
  private static final String[] TWO_TARGETS = {
      "#####",
      "#.0.#",
      "#.#.#",
      "#@.1#",
      "#####"};

  private static MemoryGrid make(String params) {
    return (MemoryGrid) REG.make("memory-grid" + (params.isEmpty() ? "" : ":" + params));
  }

  private static int pixel(Tensor obs, int x, int y) {
    int side = obs.shapeView()[1];
    int i = (y * side + x) * 3;
    byte[] b = obs.bytes();
    return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
  }

  @Test
  void publishedDefaults() {
    MemoryGrid env = make("");
    assertThat(env.spec().taskId()).isEqualTo("memory-grid:size=9,steps=auto,targets=auto,view=2");
    assertThat(env.spec().observation().shape()).containsExactly(7, 7, 3);
    assertThat(env.spec().numActions()).isEqualTo(4);
    assertThat(env.spec().maxEpisodeSteps()).isEqualTo(200);
    env.reset(0);
    assertThat(env.maze().numTargets()).isEqualTo(3);
    assertThat(make("size=15").spec().maxEpisodeSteps()).isEqualTo(500);
    assertThat(make("size=15,steps=4000").spec().maxEpisodeSteps()).isEqualTo(4000);
    MemoryGrid big = make("size=15");
    big.reset(0);
    assertThat(big.maze().numTargets()).isEqualTo(6);
  }

  @Test
  void handBuiltCropShowsWallsFloorTargetsAgentAndTargetBorder() {
    MemoryGrid env = make("view=1");
    env.reset(0);
    Maze m = HandMaze.of(TWO_TARGETS);
    Tensor obs = env.place(m, m.start, 1).observation();
    int b = TargetColors.rgb(1);
    int W = MemoryGrid.WALL_RGB;
    int F = MemoryGrid.FLOOR_RGB;
    int A = MemoryGrid.AGENT_RGB;
    // Agent at (1, 3): the 3x3 crop covers columns 0..2, rows 2..4, inside a 1-pixel border.
    int[][] expected = {
        {b, b, b, b, b},
        {b, W, F, W, b},
        {b, W, A, F, b},
        {b, W, W, W, b},
        {b, b, b, b, b}};
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 5; x++) {
        assertThat(pixel(obs, x, y)).as("pixel (%d, %d)", x, y).isEqualTo(expected[y][x]);
      }
    }
    // Move right: target 1 (yellow) comes into view at the crop's right edge, blue border stays.
    obs = env.step(1).observation();
    assertThat(pixel(obs, 3, 2)).isEqualTo(TargetColors.rgb(1));
  }

  @Test
  void rewardExactlyOnTheCurrentTargetThenADifferentOne() {
    MemoryGrid env = make("view=1");
    env.reset(0);
    Maze m = HandMaze.of(TWO_TARGETS);
    env.place(m, m.start, 0);
    assertThat(env.step(0).reward()).isZero(); // up to (1, 2)
    TimeStep ts = env.step(0); // up to (1, 1)
    assertThat(ts.reward()).isZero();
    ts = env.step(1); // right onto target 0
    assertThat(ts.reward()).isEqualTo(1f);
    assertThat(env.currentTarget()).isEqualTo(1); // the only other target
    assertThat(pixel(ts.observation(), 0, 0)).isEqualTo(TargetColors.rgb(1));
    assertThat(env.step(3).reward()).isZero(); // stepping off and back onto a non-current target
    assertThat(env.step(1).reward()).isZero();
  }

  @Test
  void wallsBlockMoves() {
    MemoryGrid env = make("");
    env.reset(0);
    Maze m = HandMaze.of(TWO_TARGETS);
    env.place(m, m.start, 0);
    env.step(3); // left into the outer wall
    assertThat(env.agentCell()).isEqualTo(m.start);
    env.step(2); // down into the outer wall
    assertThat(env.agentCell()).isEqualTo(m.start);
    env.step(1); // right to (2, 3), then up into the pillar
    int cell = env.agentCell();
    env.step(0);
    assertThat(env.agentCell()).isEqualTo(cell);
  }

  @Test
  void overRandomEpisodesRewardsFollowTheRulesAndBorderIsTheTarget() {
    MemoryGrid env = make("size=11");
    SplittableRandom rng = new SplittableRandom(5);
    int[][] switches = new int[4][4];
    for (long seed = 0; seed < 20; seed++) {
      TimeStep ts = env.reset(seed);
      while (!ts.isLast()) {
        env.spec().observation().check(ts.observation());
        assertThat(pixel(ts.observation(), 0, 0)).isEqualTo(TargetColors.rgb(env.currentTarget()));
        int before = env.currentTarget();
        int targetCell = env.maze().target(before);
        int a = rng.nextInt(3) == 0 ? rng.nextInt(4) : env.oracleAction();
        ts = env.step(a);
        boolean onTarget = env.agentCell() == targetCell;
        assertThat(ts.reward()).isEqualTo(onTarget ? 1f : 0f);
        if (onTarget) {
          assertThat(env.currentTarget()).isNotEqualTo(before);
          switches[before][env.currentTarget()]++;
        } else {
          assertThat(env.currentTarget()).isEqualTo(before);
        }
      }
    }
    // Uniform among the others: every other target follows each target, never itself.
    for (int i = 0; i < 4; i++) {
      assertThat(switches[i][i]).isZero();
      for (int j = 0; j < 4; j++) {
        if (i != j) {
          assertThat(switches[i][j]).as("%d -> %d", i, j).isGreaterThan(5);
        }
      }
    }
  }

  @Test
  void truncatedWithDiscountOneAtSteps() {
    MemoryGrid env = make("steps=7");
    TimeStep ts = env.reset(3);
    assertThat(ts.isFirst()).isTrue();
    for (int i = 1; i <= 7; i++) {
      ts = env.step(i % 4);
      assertThat(ts.isLast()).isEqualTo(i == 7);
    }
    assertThat(ts.isTruncated()).isTrue();
    assertThat(ts.discount()).isEqualTo(1f);
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void stepBeforeResetAndBadActionsThrow() {
    MemoryGrid env = make("");
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
    env.reset(0);
    assertThatThrownBy(() -> env.step(4)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> env.step(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badParametersAreRejected() {
    assertThatThrownBy(() -> make("size=10")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd");
    assertThatThrownBy(() -> make("size=17")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> make("targets=1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets");
    assertThatThrownBy(() -> make("targets=7")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> make("view=-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> make("steps=0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> make("steps=many")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void sameSeedSameEpisodeOtherSeedOtherMaze() {
    assertThat(trace(make(""), 11)).isEqualTo(trace(make(""), 11)).isNotEqualTo(trace(make(""), 12));
  }

  private static List<Object> trace(Environment env, long seed) {
    return GridEpisodes.trace(env, seed, 1);
  }

  @Test
  void oracleCollectsManyTargetsAndBeatsRandom() {
    double oracle = 0;
    double random = 0;
    MemoryGrid env = make("");
    ToIntFunction<TimeStep> randomPolicy = GridEpisodes.random(env, 2);
    for (long seed = 0; seed < 5; seed++) {
      oracle += GridEpisodes.episodeReturn(GridEpisodes.play(env, seed, GridEpisodes.oracle(env)));
      random += GridEpisodes.episodeReturn(GridEpisodes.play(env, seed, randomPolicy));
    }
    assertThat(oracle / 5).isGreaterThan(15);
    assertThat(random / 5).isLessThan(oracle / 5 / 4);
  }

  @Test
  void picturesForPeople() {
    MemoryGrid env = make("");
    env.reset(4);
    String text = env.renderText();
    assertThat(text).contains("@").contains("#");
    assertThat(text.lines().count()).isEqualTo(1 + 11);
    assertThat(env.render().width()).isEqualTo(11 * 16 + 8);
  }
}
