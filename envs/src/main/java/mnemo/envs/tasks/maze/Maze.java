package mnemo.envs.tasks.maze;

import java.util.Arrays;

/**
 * One generated maze: a square grid of {@code width × width} cells (the interior of odd size
 * {@code size} plus one ring of outer wall), the rooms, the coloured targets and the agent's start
 * cell. Cells are numbered row-major, {@code cell = row * width + col}; cell (col, row) covers the
 * square [col, col+1) × [row, row+1) of the continuous plane used by the first-person maze.
 *
 * <p>Immutable once built by {@link MazeGenerator}; the arrays are shared, not copied, for speed:
 * callers must not modify them.
 */
public final class Maze {
  /** Interior size (odd), e.g. 9 for Memory Maze 9×9. */
  public final int size;
  /** Grid width and height including the outer wall: size + 2. */
  public final int width;
  /** {@code wall[cell]}: true for wall cells. */
  final boolean[] wall;
  /** {@code room[cell]}: index of the room holding a floor cell, or -1 (corridors and walls). */
  final int[] room;
  /** Number of rooms. */
  public final int rooms;
  /** {@code targets[k]}: the cell of target k (target k has colour {@link TargetColors#rgb}(k)). */
  final int[] targets;
  /** The agent's start cell: a floor cell holding no target. */
  public final int start;

  Maze(int size, boolean[] wall, int[] room, int rooms, int[] targets, int start) {
    this.size = size;
    this.width = size + 2;
    this.wall = wall;
    this.room = room;
    this.rooms = rooms;
    this.targets = targets;
    this.start = start;
  }

  public int cell(int col, int row) {
    return row * width + col;
  }

  public int col(int cell) {
    return cell % width;
  }

  public int row(int cell) {
    return cell / width;
  }

  /** True for wall cells and for anything outside the grid. */
  public boolean isWall(int col, int row) {
    return col < 0 || row < 0 || col >= width || row >= width || wall[row * width + col];
  }

  public boolean isWall(int cell) {
    return wall[cell];
  }

  /** The room index of a cell, or -1 outside rooms. */
  public int roomOf(int cell) {
    return room[cell];
  }

  public int numTargets() {
    return targets.length;
  }

  public int target(int k) {
    return targets[k];
  }

  /** Index of the target on {@code cell}, or -1. */
  public int targetAt(int cell) {
    for (int k = 0; k < targets.length; k++) {
      if (targets[k] == cell) {
        return k;
      }
    }
    return -1;
  }

  /**
   * Breadth-first distances (in 4-neighbour moves) from {@code from} to every cell; -1 for walls and
   * unreachable cells.
   */
  public int[] distancesFrom(int from) {
    int[] dist = new int[wall.length];
    Arrays.fill(dist, -1);
    int[] queue = new int[wall.length];
    int head = 0;
    int tail = 0;
    dist[from] = 0;
    queue[tail++] = from;
    while (head < tail) {
      int c = queue[head++];
      for (int d = 0; d < 4; d++) {
        int n = c + neighbourOffset(d);
        if (!wall[n] && dist[n] < 0) {
          dist[n] = dist[c] + 1;
          queue[tail++] = n;
        }
      }
    }
    return dist;
  }

  /**
   * The cell offset of a move: 0 up (row − 1), 1 right (col + 1), 2 down (row + 1), 3 left (col − 1).
   * Never leaves the grid from a floor cell, because the outer ring is wall.
   */
  public int neighbourOffset(int direction) {
    return switch (direction) {
      case 0 -> -width;
      case 1 -> 1;
      case 2 -> width;
      case 3 -> -1;
      default -> throw new IllegalArgumentException("direction " + direction + " outside [0, 4)");
    };
  }

  /** The next cell on a shortest path from {@code cell} toward distance-field 0, or -1 if none. */
  public int downhill(int[] dist, int cell) {
    int best = -1;
    for (int d = 0; d < 4; d++) {
      int n = cell + neighbourOffset(d);
      if (dist[n] >= 0 && dist[n] < dist[cell] && (best < 0 || dist[n] < dist[best])) {
        best = n;
      }
    }
    return best;
  }

  /**
   * ASCII picture: '#' wall, '.' floor, each target as the first letter of its colour (r g b p y s),
   * upper case for target {@code current}, and {@code agentChar} at {@code agentCell} (none when -1).
   */
  public String toText(int agentCell, char agentChar, int current) {
    StringBuilder sb = new StringBuilder((width + 1) * width);
    for (int r = 0; r < width; r++) {
      for (int c = 0; c < width; c++) {
        int cell = cell(c, r);
        int k = targetAt(cell);
        char ch;
        if (cell == agentCell) {
          ch = agentChar;
        } else if (k >= 0) {
          ch = k == current ? TargetColors.NAMES[k].toUpperCase().charAt(0) : TargetColors.NAMES[k].charAt(0);
        } else {
          ch = wall[cell] ? '#' : '.';
        }
        sb.append(ch);
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
