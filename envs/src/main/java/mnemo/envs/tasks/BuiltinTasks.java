package mnemo.envs.tasks;

import java.util.List;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskRegistry;

/**
 * Every task family that ships with Mnemo, listed in one place; {@code BuiltinTasks.registry()} registers
 * them. (This class knows the families, not the registry, so the two do not import each other.)
 */
public final class BuiltinTasks {
  private BuiltinTasks() {}

  /** A registry holding every task that ships with Mnemo. */
  public static TaskRegistry registry() {
    TaskRegistry r = new TaskRegistry();
    families().forEach(r::register);
    return r;
  }

  /** The families, in the order they are registered. */
  public static List<TaskFamily> families() {
    return List.of(
        CueRecall.FAMILY,
        mnemo.envs.tasks.minigrid.Empty.FAMILY,
        mnemo.envs.tasks.minigrid.FourRooms.FAMILY,
        mnemo.envs.tasks.minigrid.Memory.FAMILY,
        mnemo.envs.tasks.pycolab.VisualMatch.FAMILY,
        mnemo.envs.tasks.pycolab.KeyToDoor.FAMILY,
        mnemo.envs.tasks.maze.MemoryGrid.FAMILY,
        mnemo.envs.tasks.maze.MemoryMaze.FAMILY,
        TMaze.FAMILY,
        RepeatFirst.FAMILY,
        RepeatPrevious.FAMILY);
  }
}
