package mnemo.envs.tasks.maze;

import java.io.IOException;
import java.nio.file.Path;
import mnemo.envs.Frame;
import mnemo.envs.TimeStep;
import mnemo.envs.tasks.BuiltinTasks;

/**
 * A contact sheet of first-person observations from an oracle episode, for looking at the renderer:
 * {@code java -cp envs/target/classes:envs/target/test-classes mnemo.envs.tasks.maze.ContactSheet out.png [task] [seed] [every]}.
 */
public final class ContactSheet {
  private ContactSheet() {}

  public static void main(String[] args) throws IOException {
    String task = args.length > 1 ? args[1] : "memory-maze";
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 1;
    int every = args.length > 3 ? Integer.parseInt(args[3]) : 7;
    MemoryMaze env = (MemoryMaze) BuiltinTasks.registry().make(task);
    int cols = 6;
    int rows = 4;
    int k = 2;
    Frame sheet = Frame.blank(cols * (64 * k + 4), rows * (64 * k + 4));
    TimeStep ts = env.reset(seed);
    for (int n = 0; n < cols * rows; n++) {
      for (int s = 0; s < every && !ts.isLast(); s++) {
        ts = env.step(env.oracleAction());
      }
      Frame f = MazePictures.observation(ts.observation(), k);
      int ox = (n % cols) * (64 * k + 4);
      int oy = (n / cols) * (64 * k + 4);
      for (int y = 0; y < f.height(); y++) {
        for (int x = 0; x < f.width(); x++) {
          sheet.set(ox + x, oy + y, f.rgbAt(x, y));
        }
      }
    }
    MazePictures.write(sheet, Path.of(args[0]));
  }
}
