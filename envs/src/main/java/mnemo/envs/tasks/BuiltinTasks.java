package mnemo.envs.tasks;

import mnemo.envs.registry.TaskRegistry;

/** Every task family that ships with Mnemo, registered in one place. */
public final class BuiltinTasks {
  private BuiltinTasks() {}

  public static void registerAll(TaskRegistry registry) {
    registry.register(CueRecall.FAMILY);
    registry.register(mnemo.envs.tasks.minigrid.Empty.FAMILY);
    registry.register(mnemo.envs.tasks.minigrid.FourRooms.FAMILY);
    registry.register(mnemo.envs.tasks.minigrid.Memory.FAMILY);
    registry.register(mnemo.envs.tasks.pycolab.VisualMatch.FAMILY);
    registry.register(mnemo.envs.tasks.pycolab.KeyToDoor.FAMILY);
    registry.register(mnemo.envs.tasks.maze.MemoryGrid.FAMILY);
    registry.register(mnemo.envs.tasks.maze.MemoryMaze.FAMILY);
    registry.register(TMaze.FAMILY);
    registry.register(RepeatFirst.FAMILY);
    registry.register(RepeatPrevious.FAMILY);
  }
}
