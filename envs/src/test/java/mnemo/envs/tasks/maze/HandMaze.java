package mnemo.envs.tasks.maze;

import java.util.Arrays;

/** Builds a {@link Maze} from a square ASCII picture: '#' wall, '.' floor, digits 0-5 targets, '@' start. */
final class HandMaze {
  private HandMaze() {}

  static Maze of(String... rows) {
    int w = rows.length;
    boolean[] wall = new boolean[w * w];
    int[] room = new int[w * w];
    Arrays.fill(room, -1);
    int[] targets = new int[TargetColors.MAX];
    int n = 0;
    int start = -1;
    for (int r = 0; r < w; r++) {
      if (rows[r].length() != w) {
        throw new IllegalArgumentException("row " + r + " is not " + w + " wide");
      }
      for (int c = 0; c < w; c++) {
        char ch = rows[r].charAt(c);
        wall[r * w + c] = ch == '#';
        if (Character.isDigit(ch)) {
          targets[ch - '0'] = r * w + c;
          n = Math.max(n, ch - '0' + 1);
        } else if (ch == '@') {
          start = r * w + c;
        }
      }
    }
    return new Maze(w - 2, wall, room, 0, Arrays.copyOf(targets, n), start);
  }
}
