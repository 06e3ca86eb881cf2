package mnemo.envs.tasks.minigrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Direction;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.envs.tasks.GridEpisodes;
import org.junit.jupiter.api.Test;

class EmptyTest {

  private static Empty make(String id) {
    return (Empty) BuiltinTasks.registry().make(id);
  }

  private static int[] cell(TimeStep ts, int i, int j) {
    byte[] b = ts.observation().bytes();
    int o = (i * 7 + j) * 3;
    return new int[] {b[o], b[o + 1], b[o + 2]};
  }

  @Test
  void specFollowsMiniGrid() {
    Empty env = make("gridworld/empty");
    assertThat(env.spec().taskId()).isEqualTo("gridworld/empty:random_start=false,see_through_walls=false,size=8,view=7");
    assertThat(env.spec().observation().shape()).containsExactly(7, 7, 3);
    assertThat(env.spec().numActions()).isEqualTo(3);
    assertThat(env.spec().actionNames()).containsExactly("left", "right", "forward");
    assertThat(env.spec().maxEpisodeSteps()).isEqualTo(4 * 8 * 8);
    env.reset(0);
    assertThat(env.world().x()).isEqualTo(1);
    assertThat(env.world().y()).isEqualTo(1);
    assertThat(env.world().dir()).isEqualTo(Direction.EAST);
    assertThat(env.world().grid().object(6, 6)).isEqualTo(Cell.GOAL);
  }

  /** Five cells east, turn right, five cells south: 11 actions, reward 1 - 0.9 · 11 / 256. */
  @Test
  void theOracleTakesTheShortestPathAndEarnsTheTimeDiscountedReward() {
    Empty env = make("gridworld/empty");
    List<TimeStep> steps = GridEpisodes.play(env, 0, GridEpisodes.oracle(env));
    assertThat(steps).hasSize(12);
    TimeStep last = steps.get(11);
    assertThat(last.isTerminated()).isTrue();
    assertThat(last.reward()).isCloseTo(1f - 0.9f * 11f / 256f, within(1e-6f));
    assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
    // The step before the goal, the goal is right ahead: view cell (3, 5) = (goal, green, 0).
    assertThat(cell(steps.get(10), 3, 5)).containsExactly(Cell.GOAL, Cell.GREEN, 0);
  }

  @Test
  void wastedTurnsLowerTheReward() {
    Empty env = make("gridworld/empty");
    env.reset(0);
    env.step(MiniGridTask.LEFT);
    env.step(MiniGridTask.RIGHT);
    TimeStep ts = null;
    for (int k = 0; k < 5; k++) {
      ts = env.step(MiniGridTask.FORWARD);
    }
    assertThat(ts.isLast()).isFalse();
    env.step(MiniGridTask.RIGHT);
    for (int k = 0; k < 5; k++) {
      ts = env.step(MiniGridTask.FORWARD);
    }
    assertThat(ts.isTerminated()).isTrue();
    assertThat(ts.reward()).isCloseTo(1f - 0.9f * 13f / 256f, within(1e-6f));
  }

  @Test
  void runningOutOfTimeTruncates() {
    Empty env = make("gridworld/empty:size=5");
    env.reset(0);
    TimeStep ts = null;
    for (int t = 1; t <= 100; t++) {
      ts = env.step(MiniGridTask.LEFT);
      assertThat(ts.isLast()).isEqualTo(t == 100);
      assertThat(ts.reward()).isZero();
    }
    assertThat(ts.isTruncated()).isTrue();
    assertThat(ts.discount()).isEqualTo(1f);
    assertThat(ts.info(TimeStep.SUCCESS)).isZero();
    assertThat(env.stepCount()).isEqualTo(100);
  }

  @Test
  void randomStartsAreEmptyCellsWithAnyHeading() {
    Empty env = make("gridworld/empty:random_start=true,size=6");
    Set<String> starts = new HashSet<>();
    Set<Integer> headings = new HashSet<>();
    for (int seed = 0; seed < 300; seed++) {
      env.reset(seed);
      int x = env.world().x();
      int y = env.world().y();
      assertThat(env.world().grid().object(x, y)).isEqualTo(Cell.EMPTY);
      starts.add(x + "," + y);
      headings.add(env.world().dir());
    }
    assertThat(starts).hasSize(4 * 4 - 1); // every interior cell but the goal
    assertThat(headings).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void badParametersAreRejected() {
    assertThatThrownBy(() -> make("gridworld/empty:size=3")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("size");
    assertThatThrownBy(() -> make("gridworld/empty:view=6")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("odd");
    assertThatThrownBy(() -> make("gridworld/empty:colour=red")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour");
  }
}
