package mnemo.envs.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mnemo.envs.Frame;
import org.junit.jupiter.api.Test;

class GridPainterTest {

  private static final int T = 24;

  private static World room() {
    World w = new World(3, 2);
    w.grid().setWall(0, 0);
    w.grid().set(2, 0, Cell.GOAL, Cell.GREEN);
    w.place(1, 1, Direction.EAST);
    return w;
  }

  @Test
  void miniGridTilesAgentTriangleAndHighlight() {
    World w = room();
    Frame f = new GridPainter(GridPainter.Style.MINIGRID, T, null).paint(w, null);
    assertThat(f.width()).isEqualTo(3 * T);
    assertThat(f.height()).isEqualTo(2 * T);
    assertThat(f.rgbAt(T / 2, T / 2)).isEqualTo(0x646464); // wall: MiniGrid's grey
    assertThat(f.rgbAt(2 * T + T / 2, T / 2)).isEqualTo(0x00ff00); // goal
    // The agent at (1, 1) faces east: its triangle covers the tile's middle-right, not its corners.
    assertThat(f.rgbAt(T + (int) (0.7 * T), T + T / 2)).isEqualTo(0xff0000);
    assertThat(f.rgbAt(T + (int) (0.8 * T), T + (int) (0.15 * T))).isEqualTo(0x000000);
    w.turnRight(); // facing south: the tip points down
    Frame south = new GridPainter(GridPainter.Style.MINIGRID, T, null).paint(w, null);
    assertThat(south.rgbAt(T + T / 2, T + (int) (0.75 * T))).isEqualTo(0xff0000);
    assertThat(south.rgbAt(T + (int) (0.8 * T), T + T / 2)).isEqualTo(0x000000);
    // Highlighted empty floor: black lightened by 30% white.
    boolean[] seen = new boolean[6];
    seen[3] = true; // (0, 1)
    Frame lit = new GridPainter(GridPainter.Style.MINIGRID, T, null).paint(w, seen);
    assertThat(lit.rgbAt(T / 2, T + T / 2)).isEqualTo(0x4d4d4d);
  }

  @Test
  void flatStyleUsesThePaletteAndDimsWhatIsNotSeen() {
    Palette p = new Palette(0xcccccc, 0xcccccc, 0xe5956e).object(Cell.WALL, 0x1a1a1a);
    World w = room();
    boolean[] seen = {true, true, true, true, true, false};
    Frame f = new GridPainter(GridPainter.Style.FLAT, T, p).paint(w, seen);
    assertThat(f.rgbAt(T / 2, T / 2)).isEqualTo(0x1a1a1a);
    assertThat(f.rgbAt(T / 2, T + T / 2)).isEqualTo(0xcccccc);
    assertThat(f.rgbAt(2 * T + T / 2, T + T / 2)).isEqualTo(0x707070); // (2, 1) unseen: darkened by 45%
    assertThat(f.rgbAt(T + (int) (0.6 * T), T + T / 2)).isEqualTo(0xe5956e);
    assertThatThrownBy(() -> new GridPainter(GridPainter.Style.FLAT, T, null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new GridPainter(GridPainter.Style.MINIGRID, 2, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void textShowsCellsTwoCharactersEach() {
    World w = room();
    w.grid().set(0, 1, Cell.DOOR, Cell.YELLOW, Cell.LOCKED);
    assertThat(GridText.render(w)).isEqualTo("WG  GG\nLY>>  \n");
  }
}
