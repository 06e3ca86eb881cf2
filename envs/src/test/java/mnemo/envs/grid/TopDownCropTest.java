package mnemo.envs.grid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopDownCropTest {

  private static int rgbAt(byte[] img, int row, int col, int side) {
    int o = (row * side + col) * 3;
    return (img[o] & 0xff) << 16 | (img[o + 1] & 0xff) << 8 | (img[o + 2] & 0xff);
  }

  @Test
  void centresTheAgentAndPadsOutsideTheBoard() {
    Palette p = new Palette(0xcccccc, 0x111111, 0xff00ff).object(Cell.WALL, 0x202020).objectInMiniGridColors(Cell.SQUARE);
    World w = new World(4, 3);
    w.grid().setWall(0, 0);
    w.grid().set(2, 1, Cell.SQUARE, Cell.BLUE);
    w.place(1, 0, Direction.NORTH);
    byte[] img = new byte[75];
    new TopDownCrop(2, p).encode(w, img);
    assertThat(rgbAt(img, 2, 2, 5)).isEqualTo(0xff00ff); // agent in the middle
    assertThat(rgbAt(img, 2, 1, 5)).isEqualTo(0x202020); // wall at (0, 0), left of the agent
    assertThat(rgbAt(img, 3, 3, 5)).isEqualTo(0x0000ff); // square at (2, 1): one down, one right
    assertThat(rgbAt(img, 3, 2, 5)).isEqualTo(0xcccccc); // empty floor at (1, 1)
    assertThat(rgbAt(img, 0, 2, 5)).isEqualTo(0x111111); // y = -2: outside, padding
    assertThat(rgbAt(img, 2, 0, 5)).isEqualTo(0x111111); // x = -1
  }

  @Test
  void pycolabColoursScaleTo255() {
    assertThat(Palette.fromPycolab(1000, 0, 500)).isEqualTo(0xff0080);
    assertThat(Palette.fromPycolab(800, 800, 800)).isEqualTo(0xcccccc);
  }
}
