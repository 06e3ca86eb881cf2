package mnemo.envs.tasks.pycolab;

import static mnemo.envs.tasks.pycolab.VisualMatchTest.NORTH;
import static mnemo.envs.tasks.pycolab.VisualMatchTest.SOUTH;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import mnemo.envs.TimeStep;
import mnemo.envs.grid.Cell;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.envs.tasks.GridEpisodes;
import mnemo.envs.tasks.pycolab.ThreePhaseTask.Phase;
import org.junit.jupiter.api.Test;

class KeyToDoorTest {

  private static KeyToDoor make(String id) {
    return (KeyToDoor) BuiltinTasks.registry().make(id);
  }

  @Test
  void theKeyLiesInTheUpperRoomAndTheAgentStartsInTheLowerOne() {
    KeyToDoor env = make("memory/key-to-door");
    for (int seed = 0; seed < 30; seed++) {
      env.reset(seed);
      int[] key = env.keyCell();
      assertThat(key[1]).isBetween(1, 2);
      assertThat(key[0]).isBetween(3, 7);
      assertThat(env.world().grid().object(key[0], key[1])).isEqualTo(Cell.KEY);
      assertThat(env.world().y()).isBetween(4, 5);
      assertThat(env.world().x()).isBetween(3, 7);
      assertThat(env.hasKey()).isFalse();
    }
  }

  @Test
  void withTheKeyTheDoorPaysAndEnds() {
    KeyToDoor env = make("memory/key-to-door:distractor=5");
    for (int seed = 0; seed < 10; seed++) {
      env.reset(seed);
      VisualMatchTest.walkTo(env, (x, y) -> env.world().grid().object(x, y) == Cell.KEY);
      assertThat(env.hasKey()).isTrue();
      assertThat(env.world().grid().object(env.keyCell()[0], env.keyCell()[1])).isEqualTo(Cell.EMPTY);
      VisualMatchTest.waitFor(env, Phase.REWARD, SOUTH);
      assertThat(env.step(NORTH).reward()).isZero(); // (5, 3) -> (5, 2)
      TimeStep last = env.step(NORTH); // into the door
      assertThat(last.isTerminated()).isTrue();
      assertThat(last.reward()).isEqualTo(10f);
      assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(1f);
    }
  }

  @Test
  void withoutTheKeyTheDoorIsAWallAndTimeRunsOut() {
    KeyToDoor env = make("memory/key-to-door:distractor=5");
    env.reset(0);
    VisualMatchTest.waitFor(env, Phase.REWARD, SOUTH);
    assertThat(env.hasKey()).isFalse();
    TimeStep ts = null;
    for (int t = 0; t < 15; t++) {
      ts = env.step(NORTH);
    }
    assertThat(env.world().y()).isEqualTo(2); // stopped below the door
    assertThat(ts.isTruncated()).isTrue();
    assertThat(ts.reward()).isZero();
    assertThat(ts.info(TimeStep.SUCCESS)).isZero();
  }

  @Test
  void theDoorIsVisibleFromTheRewardRoomsStart() {
    KeyToDoor env = make("memory/key-to-door:distractor=1");
    env.reset(4);
    TimeStep ts = VisualMatchTest.waitFor(env, Phase.REWARD, SOUTH);
    assertThat(VisualMatchTest.rgbAt(ts, 0, 2)).isEqualTo(ThreePhaseTask.DOOR_RGB); // two rows up
  }

  @Test
  void theOracleOpensTheDoorEveryTime() {
    KeyToDoor env = make("memory/key-to-door");
    for (int seed = 0; seed < 50; seed++) {
      List<TimeStep> steps = GridEpisodes.play(env, seed, GridEpisodes.oracle(env));
      assertThat(steps.get(steps.size() - 1).info(TimeStep.SUCCESS)).isEqualTo(1f);
      assertThat(steps.size() - 1).isEqualTo(15 + 90 + 2);
    }
  }
}
