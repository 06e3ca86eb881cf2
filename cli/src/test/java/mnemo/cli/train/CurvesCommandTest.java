package mnemo.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import mnemo.cli.CliRuns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mnemo curves}: one line per run in its own colour, and one-line refusals for what cannot be drawn. */
class CurvesCommandTest {
  @TempDir Path dir;

  private Path run(String name, double slope) throws Exception {
    Path run = dir.resolve(name);
    Files.createDirectories(run);
    StringBuilder csv = new StringBuilder("wall_seconds,frames,mean_return,success_rate\n");
    for (int i = 0; i <= 50; i++) {
      csv.append(i).append(',').append(i * 1000).append(',').append(i * slope).append(',')
          .append(i == 0 ? "" : String.valueOf(Math.min(1.0, i * slope / 50))).append('\n');
    }
    Files.writeString(run.resolve("metrics.csv"), csv);
    return run;
  }

  /** Pixels within 12 of {@code rgb} on every channel. */
  private static int pixelsOf(BufferedImage img, int rgb) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        boolean near = true;
        for (int shift = 0; shift <= 16; shift += 8) {
          near &= Math.abs((p >> shift & 0xff) - (rgb >> shift & 0xff)) <= 12;
        }
        n += near ? 1 : 0;
      }
    }
    return n;
  }

  @Test
  void drawsOneLineOfItsOwnColourPerRun() throws Exception {
    Path a = run("aid", 1.0);
    Path b = run("plain", 0.3);
    Path png = dir.resolve("both.png");
    String[] r = CliRuns.exitAndErr("curves", a.toString(), b.toString(), "--metric", "success_rate", "--out", png.toString());
    assertThat(r[0]).isEqualTo("0");
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(900);
    assertThat(img.getHeight()).isEqualTo(500);
    // each run's line, not only its legend entry: hundreds of pixels of its colour; no third colour
    assertThat(pixelsOf(img, LearningCurve.PALETTE[0].getRGB())).isGreaterThan(200);
    assertThat(pixelsOf(img, LearningCurve.PALETTE[1].getRGB())).isGreaterThan(200);
    assertThat(pixelsOf(img, LearningCurve.PALETTE[2].getRGB())).isLessThan(20);

    Path one = dir.resolve("one.png");
    assertThat(CliRuns.exitAndErr("curves", a.toString(), "--out", one.toString())[0]).isEqualTo("0");
    assertThat(pixelsOf(ImageIO.read(one.toFile()), LearningCurve.PALETTE[1].getRGB())).isLessThan(20);
  }

  @Test
  void whatCannotBeDrawnIsRefusedInOneLine() throws Exception {
    Path a = run("aid", 1.0);
    Path png = dir.resolve("x.png");
    String[] unknown = CliRuns.exitAndErr("curves", a.toString(), "--metric", "succes_rate", "--out", png.toString());
    assertThat(unknown[0]).isEqualTo("2");
    assertThat(unknown[1]).startsWith("mnemo curves: ").contains("no succes_rate column", "it has wall_seconds, frames, mean_return, success_rate");
    String[] notARun = CliRuns.exitAndErr("curves", dir.resolve("nothing").toString(), "--out", png.toString());
    assertThat(notARun[0]).isEqualTo("2");
    assertThat(notARun[1]).contains("is not a run folder: it has no metrics.csv");
    String[] labels = CliRuns.exitAndErr("curves", a.toString(), "--labels", "x,y", "--out", png.toString());
    assertThat(labels[0]).isEqualTo("2");
    assertThat(labels[1]).contains("--labels gives 2 names for 1 runs");
    assertThat(png).doesNotExist();
  }
}
