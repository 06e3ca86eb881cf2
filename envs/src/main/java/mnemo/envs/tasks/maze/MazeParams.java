package mnemo.envs.tasks.maze;

import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;

/**
 * The parameters Memory Grid and Memory Maze share, declared and read in one place: the interior maze
 * size and the number of targets ({@code auto}: {@link MazeGenerator#defaultTargets}).
 */
record MazeParams(int size, int numTargets) {
  static final Param SIZE = new Param("size", "9", "interior maze size, odd 7..15 (Memory Maze: 9, 11, 13, 15)");
  static final Param TARGETS =
      new Param("targets", "auto", "number of targets 2..6; auto = (size-3)/2 (3 for 9x9 ... 6 for 15x15)");

  /** Reads and checks {@code size} and {@code targets}. */
  static MazeParams of(Params p) {
    int size = p.getInt("size", MazeGenerator.MIN_SIZE, MazeGenerator.MAX_SIZE);
    MazeGenerator.checkSize(size);
    return new MazeParams(size, auto(p, "targets", MazeGenerator.defaultTargets(size), 2, TargetColors.MAX));
  }

  /** An integer parameter that may be {@code auto}, meaning {@code dflt}. */
  static int auto(Params p, String name, int dflt, int min, int max) {
    return p.getString(name).equals("auto") ? dflt : p.getInt(name, min, max);
  }
}
