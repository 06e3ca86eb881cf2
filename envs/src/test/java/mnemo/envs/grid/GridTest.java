package mnemo.envs.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GridTest {

  @Test
  void cellsOutsideReadAsGreyWallsAndEmptyCellsAreAlwaysZeroColoured() {
    Grid g = new Grid(3, 2);
    assertThat(g.object(-1, 0)).isEqualTo(Cell.WALL);
    assertThat(g.color(3, 1)).isEqualTo(Cell.GREY);
    assertThat(g.object(2, 1)).isEqualTo(Cell.EMPTY);
    g.set(1, 1, Cell.EMPTY, Cell.BLUE, Cell.LOCKED);
    assertThat(g.color(1, 1)).isZero();
    assertThat(g.state(1, 1)).isZero();
    assertThatThrownBy(() -> g.set(3, 0, Cell.WALL, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> new Grid(0, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void wallRectDrawsTheBorderOnly() {
    Grid g = new Grid(4, 3);
    g.wallRect(0, 0, 4, 3);
    StringBuilder sb = new StringBuilder();
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        sb.append(g.object(x, y) == Cell.WALL ? '#' : '.');
      }
      sb.append('/');
    }
    assertThat(sb.toString()).isEqualTo("####/#..#/####/");
  }

  @Test
  void overlapFollowsMiniGrid() {
    assertThat(Cell.canOverlap(Cell.EMPTY, 0)).isTrue();
    assertThat(Cell.canOverlap(Cell.GOAL, 0)).isTrue();
    assertThat(Cell.canOverlap(Cell.DOOR, Cell.OPEN)).isTrue();
    assertThat(Cell.canOverlap(Cell.DOOR, Cell.LOCKED)).isFalse();
    assertThat(Cell.canOverlap(Cell.KEY, 0)).isFalse();
    assertThat(Cell.canOverlap(Cell.WALL, 0)).isFalse();
    assertThat(Cell.seeBehind(Cell.KEY, 0)).isTrue();
    assertThat(Cell.seeBehind(Cell.DOOR, Cell.CLOSED)).isFalse();
  }

  @Test
  void fillRejectsArtOfTheWrongShape() {
    Grid g = new Grid(2, 2);
    assertThatThrownBy(() -> g.fill(new String[] {"##"}, (gr, x, y, c) -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows");
    assertThatThrownBy(() -> g.fill(new String[] {"##", "#"}, (gr, x, y, c) -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("columns");
    g.fill(new String[] {"#.", ".#"}, (gr, x, y, c) -> {
      if (c == '#') {
        gr.setWall(x, y);
      }
    });
    assertThat(g.object(1, 1)).isEqualTo(Cell.WALL);
    assertThat(g.object(1, 0)).isEqualTo(Cell.EMPTY);
  }

  @Test
  void worldMovesAsMiniGridAndPycolab() {
    World w = new World(4, 3);
    w.grid().wallRect(0, 0, 4, 3);
    w.place(1, 1, Direction.EAST);
    assertThat(w.forward()).isTrue();
    assertThat(w.x()).isEqualTo(2);
    assertThat(w.forward()).isFalse(); // wall at x = 3
    w.turnLeft();
    assertThat(w.dir()).isEqualTo(Direction.NORTH);
    w.turnRight();
    w.turnRight();
    assertThat(w.dir()).isEqualTo(Direction.SOUTH);
    assertThat(w.move(Direction.WEST, (o, c, s) -> o == Cell.WALL)).isTrue();
    assertThat(w.x()).isEqualTo(1);
    assertThat(w.dir()).isEqualTo(Direction.WEST);
    assertThat(w.move(Direction.WEST, (o, c, s) -> o == Cell.WALL)).isFalse();
    assertThatThrownBy(() -> w.place(4, 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }
}
