package mnemo.envs.grid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathFinderTest {

  /** A wall with one gap: the way round is the only way. */
  private static World maze() {
    World w = new World(7, 5);
    Grid g = w.grid();
    g.wallRect(0, 0, 7, 5);
    g.vertWall(3, 1, 3);
    g.setEmpty(3, 3); // the gap, at the bottom
    return w;
  }

  @Test
  void firstMoveFollowsTheShortestWalk() {
    World w = maze();
    Grid g = w.grid();
    PathFinder.CellTest free = (x, y) -> g.object(x, y) != Cell.WALL;
    PathFinder.CellTest goal = (x, y) -> x == 5 && y == 1;
    // From (1, 1): two rows down, through the gap, two rows up: 8 moves; the first is south or east.
    assertThat(PathFinder.firstMove(g, 1, 1, free, goal)).isIn(Direction.SOUTH, Direction.EAST);
    // From (2, 3), next to the gap: east is the only shortest first move.
    assertThat(PathFinder.firstMove(g, 2, 3, free, goal)).isEqualTo(Direction.EAST);
    assertThat(PathFinder.distance(g, 1, 1, free, goal)).isEqualTo(8);
    assertThat(PathFinder.firstMove(g, 5, 1, free, goal)).isEqualTo(-1);
    g.setWall(3, 3);
    assertThat(PathFinder.firstMove(g, 1, 1, free, goal)).isEqualTo(-1);
    assertThat(PathFinder.distance(g, 1, 1, free, goal)).isEqualTo(-1);
  }

  /** The maze's 5×3 inside less the wall's two cells: 13 cells, all reached through the gap; 6 once it closes. */
  @Test
  void reachableCellsAreThoseOnTheStartsSideOfEveryWall() {
    World w = maze();
    Grid g = w.grid();
    PathFinder.CellTest free = (x, y) -> g.object(x, y) != Cell.WALL;
    int[] cells = PathFinder.reachable(g, 1, 1, free);
    assertThat(cells[0]).isEqualTo(1 * 7 + 1); // the start first
    assertThat(cells).hasSize(13).doesNotHaveDuplicates().doesNotContain(1 * 7 + 3, 2 * 7 + 3);
    g.setWall(3, 3);
    int[] left = PathFinder.reachable(g, 1, 1, free);
    assertThat(left).hasSize(6);
    assertThat(java.util.Arrays.stream(left).map(c -> c % 7).max().getAsInt()).isLessThan(3);
  }

  @Test
  void targetsMayBeEnteredThoughNotPassable() {
    World w = maze();
    Grid g = w.grid();
    g.set(2, 1, Cell.SQUARE, Cell.RED);
    PathFinder.CellTest free = (x, y) -> g.object(x, y) == Cell.EMPTY;
    assertThat(PathFinder.firstMove(g, 1, 1, free, (x, y) -> g.object(x, y) == Cell.SQUARE)).isEqualTo(Direction.EAST);
  }

  @Test
  void turnActionsReachTheTargetInTheFewestActions() {
    World w = maze();
    w.place(1, 1, Direction.NORTH);
    PathFinder.CellTest goal = (x, y) -> x == 1 && y == 3;
    // Facing north, the target two cells south: turn twice (either way), then forward twice.
    int a = PathFinder.firstTurnAction(w, goal, (x, y) -> false);
    assertThat(a).isIn(PathFinder.LEFT, PathFinder.RIGHT);
    int steps = 0;
    while (!(w.x() == 1 && w.y() == 3)) {
      int act = PathFinder.firstTurnAction(w, goal, (x, y) -> false);
      switch (act) {
        case PathFinder.LEFT -> w.turnLeft();
        case PathFinder.RIGHT -> w.turnRight();
        default -> w.forward();
      }
      steps++;
    }
    assertThat(steps).isEqualTo(4);
    assertThat(PathFinder.firstTurnAction(w, goal, (x, y) -> false)).isEqualTo(-1);
    // Forbidding the row-2 cells left of the wall cuts (1, 1) off from (1, 3).
    w.place(1, 1, Direction.SOUTH);
    assertThat(PathFinder.firstTurnAction(w, goal, (x, y) -> y == 2 && x < 3)).isEqualTo(-1);
    assertThat(PathFinder.firstTurnAction(w, goal, (x, y) -> x == 1 && y == 2)).isIn(PathFinder.LEFT, PathFinder.RIGHT);
  }
}
