package mnemo.envs.tasks.maze;

import mnemo.envs.Frame;

/** A top-down picture of a maze with the targets and a continuous agent pose, for people. */
final class TopDownMap {
  private TopDownMap() {}

  /**
   * Draws the maze into the square of side {@code side} at ({@code ox}, {@code oy}) of {@code f}:
   * walls dark, floors light (rooms tinted), targets as discs (the current one ringed in white), the
   * agent as a white disc with a line along its heading and the edges of its field of view.
   */
  static void draw(Frame f, int ox, int oy, int side, Maze maze, double ax, double ay, double theta,
      double[] targetX, double[] targetY, int current) {
    double scale = (double) side / maze.width;
    for (int py = 0; py < side; py++) {
      for (int px = 0; px < side; px++) {
        double wx = px / scale;
        double wy = py / scale;
        int c = (int) wx;
        int r = (int) wy;
        int colour;
        if (maze.isWall(c, r)) {
          colour = 0x2B2B30;
        } else {
          int rm = maze.roomOf(maze.cell(c, r));
          colour = rm < 0 ? 0xD8D4CC : ROOM_TINT[rm % ROOM_TINT.length];
        }
        for (int k = 0; k < maze.numTargets(); k++) {
          double d = Math.hypot(wx - targetX[k], wy - targetY[k]);
          if (d <= 0.3) {
            colour = TargetColors.rgb(k);
          } else if (k == current && d <= 0.42) {
            colour = 0xFFFFFF;
          } else if (k == current && d <= 0.48) {
            colour = 0x000000;
          }
        }
        double da = Math.hypot(wx - ax, wy - ay);
        if (da <= MemoryMaze.AGENT_RADIUS) {
          colour = da <= MemoryMaze.AGENT_RADIUS - 1.5 / scale ? 0xFFFFFF : 0x000000;
        }
        f.set(ox + px, oy + py, colour);
      }
    }
    double half = Math.toRadians(RayCaster.FOV_DEGREES / 2);
    line(f, ox, oy, side, scale, ax, ay, theta, 0.6, 0x000000);
    line(f, ox, oy, side, scale, ax, ay, theta - half, 1.2, 0x5A5A5A);
    line(f, ox, oy, side, scale, ax, ay, theta + half, 1.2, 0x5A5A5A);
  }

  private static void line(Frame f, int ox, int oy, int side, double scale, double ax, double ay, double angle,
      double length, int colour) {
    int n = (int) (length * scale * 2);
    for (int i = 0; i <= n; i++) {
      double t = length * i / n;
      int px = (int) ((ax + t * Math.cos(angle)) * scale);
      int py = (int) ((ay + t * Math.sin(angle)) * scale);
      if (px >= 0 && py >= 0 && px < side && py < side) {
        f.set(ox + px, oy + py, colour);
      }
    }
  }

  private static final int[] ROOM_TINT = {0xE9D8BE, 0xC9D8E6, 0xD5E2C6, 0xEBCDBE, 0xDCD0EA, 0xC6E2DE, 0xEEDDB8,
      0xE6CFD4};
}
