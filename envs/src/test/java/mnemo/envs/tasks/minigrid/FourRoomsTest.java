package mnemo.envs.tasks.minigrid;

import static org.assertj.core.api.Assertions.assertThat;

import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.grid.Grid;
import mnemo.envs.tasks.BuiltinTasks;
import org.junit.jupiter.api.Test;

class FourRoomsTest {

  private static FourRooms make(String id) {
    return (FourRooms) BuiltinTasks.registry().make(id);
  }

  @Test
  void fourRoomsJoinedByOneGapEachWithOneGoal() {
    FourRooms env = make("gridworld/four-rooms");
    for (int seed = 0; seed < 50; seed++) {
      env.reset(seed);
      Grid g = env.world().grid();
      assertThat(g.width()).isEqualTo(19);
      for (int k = 0; k < 19; k++) {
        assertThat(g.object(k, 0)).isEqualTo(Cell.WALL);
        assertThat(g.object(k, 18)).isEqualTo(Cell.WALL);
        assertThat(g.object(0, k)).isEqualTo(Cell.WALL);
        assertThat(g.object(18, k)).isEqualTo(Cell.WALL);
      }
      assertThat(g.object(9, 9)).isEqualTo(Cell.WALL);
      assertThat(gaps(g, true, 1, 9)).isEqualTo(1); // x = 9, upper half
      assertThat(gaps(g, true, 10, 18)).isEqualTo(1);
      assertThat(gaps(g, false, 1, 9)).isEqualTo(1); // y = 9, left half
      assertThat(gaps(g, false, 10, 18)).isEqualTo(1);
      int goals = 0;
      for (int y = 0; y < 19; y++) {
        for (int x = 0; x < 19; x++) {
          goals += g.object(x, y) == Cell.GOAL ? 1 : 0;
        }
      }
      assertThat(goals).isEqualTo(1);
      assertThat(g.object(env.world().x(), env.world().y())).isEqualTo(Cell.EMPTY);
    }
  }

  /** Cells of the wall line x = 9 (or y = 9) between from and to (exclusive) that are open. */
  private static int gaps(Grid g, boolean vertical, int from, int to) {
    int n = 0;
    for (int k = from; k < to; k++) {
      int obj = vertical ? g.object(9, k) : g.object(k, 9);
      n += obj == Cell.WALL ? 0 : 1;
    }
    return n;
  }

  @Test
  void timeLimitIsAParameter() {
    FourRooms env = make("gridworld/four-rooms:max_steps=7");
    assertThat(env.spec().maxEpisodeSteps()).isEqualTo(7);
    env.reset(0);
    TimeStep ts = null;
    for (int t = 0; t < 7; t++) {
      ts = env.step(MiniGridTask.LEFT);
    }
    assertThat(ts.isTruncated()).isTrue();
    assertThat(ts.info(TimeStep.SUCCESS)).isZero();
  }
}
