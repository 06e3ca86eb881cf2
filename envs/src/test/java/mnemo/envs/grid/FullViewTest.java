package mnemo.envs.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FullViewTest {

  @Test
  void fullViewEncodesEveryCellAndTheAgentAsMiniGridsFullyObsWrapper() {
    World w = new World(3, 2);
    w.grid().setWall(0, 0);
    w.grid().set(2, 1, Cell.DOOR, Cell.BLUE, Cell.LOCKED);
    w.place(1, 1, Direction.WEST);
    byte[] out = new byte[3 * 2 * 3];
    FullView.encode(w, out);
    // [x, y, c]: (0,0) wall, (0,1) empty, (1,0) empty, (1,1) agent facing west, (2,0) empty, (2,1) door.
    assertThat(out).containsExactly(
        2, 5, 0, 1, 0, 0,
        1, 0, 0, 10, 0, 2,
        1, 0, 0, 4, 2, 2);
    assertThatThrownBy(() -> FullView.encode(w, new byte[5])).isInstanceOf(IllegalArgumentException.class);
  }
}
