package mnemo.envs.tasks.maze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MazeGeneratorTest {

  @ParameterizedTest
  @ValueSource(ints = {7, 9, 11, 13, 15})
  void everyFloorCellAndTargetIsReachableOverManySeeds(int size) {
    int targets = MazeGenerator.defaultTargets(size);
    for (long seed = 0; seed < 500; seed++) {
      Maze m = MazeGenerator.generate(size, targets, new SplittableRandom(seed));
      int[] dist = m.distancesFrom(m.start);
      for (int c = 0; c < m.width * m.width; c++) {
        if (!m.isWall(c)) {
          assertThat(dist[c]).as("seed %d cell %d\n%s", seed, c, m.toText(m.start, '@', 0)).isGreaterThanOrEqualTo(0);
        }
      }
      Set<Integer> cells = new HashSet<>();
      for (int k = 0; k < targets; k++) {
        assertThat(m.isWall(m.target(k))).isFalse();
        assertThat(dist[m.target(k)]).isGreaterThan(0); // reachable and not the start cell
        cells.add(m.target(k));
      }
      assertThat(cells).as("targets in distinct cells").hasSize(targets);
      assertThat(m.isWall(m.start)).isFalse();
    }
  }

  @Test
  void outerRingIsWallAndPillarsStayWalls() {
    for (long seed = 0; seed < 50; seed++) {
      Maze m = MazeGenerator.generate(9, 3, new SplittableRandom(seed));
      for (int i = 0; i < m.width; i++) {
        assertThat(m.isWall(i, 0) && m.isWall(0, i) && m.isWall(i, m.width - 1) && m.isWall(m.width - 1, i)).isTrue();
      }
      // Cells at even-even coordinates are pillars unless inside a room.
      for (int r = 2; r < m.width - 1; r += 2) {
        for (int c = 2; c < m.width - 1; c += 2) {
          if (m.roomOf(m.cell(c, r)) < 0) {
            assertThat(m.isWall(c, r)).isTrue();
          }
        }
      }
    }
  }

  @Test
  void targetsSitInDistinctRoomsWhenThereAreEnough() {
    int distinctRooms = 0;
    for (long seed = 0; seed < 200; seed++) {
      Maze m = MazeGenerator.generate(9, 3, new SplittableRandom(seed));
      Set<Integer> rooms = new HashSet<>();
      for (int k = 0; k < 3; k++) {
        rooms.add(m.roomOf(m.target(k)));
      }
      if (m.rooms >= 3 && !rooms.contains(-1) && rooms.size() == 3) {
        distinctRooms++;
      }
    }
    assertThat(distinctRooms).isGreaterThan(190);
  }

  @Test
  void sameSeedSameMazeOtherSeedOtherMaze() {
    String a = MazeGenerator.generate(11, 4, new SplittableRandom(7)).toText(-1, '@', 0);
    String b = MazeGenerator.generate(11, 4, new SplittableRandom(7)).toText(-1, '@', 0);
    String c = MazeGenerator.generate(11, 4, new SplittableRandom(8)).toText(-1, '@', 0);
    assertThat(a).isEqualTo(b).isNotEqualTo(c);
  }

  @Test
  void rejectsBadSizesAndTargetCounts() {
    assertThatThrownBy(() -> MazeGenerator.generate(10, 3, new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("odd");
    assertThatThrownBy(() -> MazeGenerator.generate(17, 3, new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MazeGenerator.generate(9, 7, new SplittableRandom(0)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("targets");
  }

  @Test
  void printSome() {
    for (int size : new int[] {9, 15}) {
      Maze m = MazeGenerator.generate(size, MazeGenerator.defaultTargets(size), new SplittableRandom(3));
      System.out.println(m.rooms + " rooms\n" + m.toText(m.start, '@', 0));
    }
  }
}
