package mnemo.envs.render;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import mnemo.envs.Frame;

/** Writes a {@link Frame} as a PNG file, optionally upscaled by an integer factor. */
public final class PngWriter {
  private PngWriter() {}

  /** Writes {@code frame}, each pixel a {@code scale}×{@code scale} block, to {@code path} (parents created). */
  public static void write(Frame frame, int scale, Path path) throws IOException {
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    if (!ImageIO.write(FrameImages.toImage(FrameImages.upscale(frame, scale)), "png", path.toFile())) {
      throw new IOException("no PNG writer available in this JVM");
    }
  }
}
