package mnemo.envs.tasks.maze;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import mnemo.envs.Environment;
import mnemo.envs.Frame;
import mnemo.envs.Oracle;
import mnemo.envs.Tensor;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;

/**
 * Writes the pictures of docs/envs/maze.md into docs/img/ (run from the repository root):
 * {@code java -cp envs/target/classes:envs/target/test-classes mnemo.envs.tasks.maze.MazePictures [dir] [steps]}.
 * Each picture is taken after {@code steps} (default 40) oracle steps from seed 1; the contact sheet
 * shows every 5th observation of an oracle episode on 15×15 (seed 3).
 */
public final class MazePictures {
  private MazePictures() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "docs/img");
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    Files.createDirectories(dir);
    TaskRegistry reg = BuiltinTasks.registry();
    try (Environment env = reg.make("memory-maze")) {
      TimeStep ts = advance(env, steps);
      write(observation(ts.observation(), 4), dir.resolve("memory-maze-view.png"));
      write(env.render(), dir.resolve("memory-maze-render.png"));
    }
    ContactSheet.main(new String[] {dir.resolve("memory-maze-sheet.png").toString(), "memory-maze:size=15", "3", "5"});
    try (Environment env = reg.make("memory-grid")) {
      TimeStep ts = advance(env, steps);
      write(observation(ts.observation(), 24), dir.resolve("memory-grid-view.png"));
      write(env.render(), dir.resolve("memory-grid-render.png"));
    }
  }

  private static TimeStep advance(Environment env, int steps) {
    TimeStep ts = env.reset(1);
    for (int i = 0; i < steps; i++) {
      ts = env.step(((Oracle) env).oracleAction());
    }
    return ts;
  }

  /** An [H, W, 3] uint8 observation upscaled by {@code k} (nearest neighbour). */
  static Frame observation(Tensor obs, int k) {
    int h = obs.shapeView()[0];
    int w = obs.shapeView()[1];
    Frame f = Frame.blank(w * k, h * k);
    byte[] b = obs.bytes();
    for (int y = 0; y < h * k; y++) {
      for (int x = 0; x < w * k; x++) {
        int i = ((y / k) * w + x / k) * 3;
        f.set(x, y, (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff));
      }
    }
    return f;
  }

  static void write(Frame f, Path file) throws IOException {
    BufferedImage img = new BufferedImage(f.width(), f.height(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < f.height(); y++) {
      for (int x = 0; x < f.width(); x++) {
        img.setRGB(x, y, f.rgbAt(x, y));
      }
    }
    ImageIO.write(img, "png", new File(file.toString()));
  }
}
