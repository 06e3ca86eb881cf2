package mnemo.envs.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import mnemo.envs.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageWritersTest {
  @TempDir Path dir;

  private static Frame pattern(int w, int h, int seed, int colours) {
    SplittableRandom rng = new SplittableRandom(seed);
    int[] palette = new int[colours];
    for (int i = 0; i < colours; i++) {
      palette[i] = rng.nextInt(1 << 24);
    }
    Frame f = Frame.blank(w, h);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        f.set(x, y, palette[rng.nextInt(colours)]);
      }
    }
    return f;
  }

  @Test
  void upscaleRepeatsEachPixelAsABlock() {
    Frame f = pattern(3, 2, 1, 6);
    Frame up = FrameImages.upscale(f, 3);
    assertThat(up.width()).isEqualTo(9);
    assertThat(up.height()).isEqualTo(6);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 9; x++) {
        assertThat(up.rgbAt(x, y)).isEqualTo(f.rgbAt(x / 3, y / 3));
      }
    }
    assertThat(FrameImages.upscale(f, 1)).isSameAs(f);
    assertThatThrownBy(() -> FrameImages.upscale(f, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThat(FrameImages.fitScale(Frame.blank(64, 32), 320)).isEqualTo(5);
    assertThat(FrameImages.fitScale(Frame.blank(1000, 32), 320)).isEqualTo(1);
  }

  @Test
  void pngRoundTripsPixelsAtScale() throws IOException {
    Frame f = pattern(7, 5, 2, 1000);
    Path png = dir.resolve("sub/f.png");
    PngWriter.write(f, 2, png);
    Frame back = FrameImages.fromImage(ImageIO.read(png.toFile()));
    assertThat(back.width()).isEqualTo(14);
    assertThat(back.height()).isEqualTo(10);
    assertThat(back.rgb()).isEqualTo(FrameImages.upscale(f, 2).rgb());
  }

  @Test
  void gifHasEveryFrameExactDelayAndLoopsForever() throws IOException {
    List<Frame> frames = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      frames.add(pattern(12, 8, 10 + i, i == 4 ? 256 : 3 + i));
    }
    Path gif = dir.resolve("a.gif");
    try (GifWriter w = new GifWriter(gif, 120)) {
      for (Frame f : frames) {
        w.write(f);
      }
      assertThat(w.frames()).isEqualTo(5);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(5);
      for (int i = 0; i < 5; i++) {
        BufferedImage img = reader.read(i);
        assertThat(FrameImages.fromImage(img).rgb()).as("frame %d", i).isEqualTo(frames.get(i).rgb());
        IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(i).getAsTree("javax_imageio_gif_image_1.0");
        IIOMetadataNode gce = (IIOMetadataNode) root.getElementsByTagName("GraphicControlExtension").item(0);
        assertThat(gce.getAttribute("delayTime")).isEqualTo("12");
        assertThat(gce.getAttribute("disposalMethod")).isEqualTo("none");
        IIOMetadataNode apps = (IIOMetadataNode) root.getElementsByTagName("ApplicationExtension").item(0);
        if (i == 0) {
          assertThat(apps.getAttribute("applicationID")).isEqualTo("NETSCAPE");
          assertThat(apps.getAttribute("authenticationCode")).isEqualTo("2.0");
          assertThat((byte[]) apps.getUserObject()).containsExactly(1, 0, 0);
        }
      }
      reader.dispose();
    }
  }

  @Test
  void gifWithManyColoursIsStillReadable() throws IOException {
    Frame f = pattern(20, 20, 3, 400);
    Path gif = dir.resolve("many.gif");
    try (GifWriter w = new GifWriter(gif, 50)) {
      w.write(f);
      w.write(f);
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(2);
      assertThat(reader.read(1).getWidth()).isEqualTo(20);
    }
  }

  @Test
  void gifMisuse() throws IOException {
    assertThatThrownBy(() -> new GifWriter(dir.resolve("x.gif"), 0)).isInstanceOf(IllegalArgumentException.class);
    GifWriter w = new GifWriter(dir.resolve("y.gif"), 100);
    w.write(Frame.blank(2, 2));
    w.close();
    w.close(); // idempotent
    assertThatThrownBy(() -> w.write(Frame.blank(2, 2))).isInstanceOf(IllegalStateException.class);
  }
}
