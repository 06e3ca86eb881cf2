package mnemo.cli.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import mnemo.proto.config.v1.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {

  @Test
  void configRoundTripsThroughJson(@TempDir Path dir) {
    RunFolder run = new RunFolder(dir.resolve("run")).create();
    ExperimentConfig c = ExperimentConfig.newBuilder().setTaskId("memory/cue-recall:length=5").setCoreSpec("lstm")
        .setUnrollLength(7).setDiscount(0).setTotalFrames(1000).build();
    run.writeConfig(c);
    assertThat(run.readConfig()).isEqualTo(c);
    assertThat(run.readConfig().hasDiscount()).isTrue();
    assertThatThrownBy(() -> new RunFolder(dir).readConfig()).hasMessageContaining("no config.json");
  }

  @Test
  void metricsLogAppendsAcrossReopeningAndDrawsACurve(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("metrics.csv");
    List<String> cols = List.of("frames", "mean_return", "success_rate");
    try (MetricsLog log = new MetricsLog(csv, cols)) {
      log.append(Map.of("frames", 100.0, "mean_return", Double.NaN));
      log.append(Map.of("frames", 200.0, "mean_return", 0.25, "success_rate", 0.5));
      assertThatThrownBy(() -> log.append(Map.of("loss", 1.0))).hasMessageContaining("unknown metrics column 'loss'");
    }
    try (MetricsLog log = new MetricsLog(csv, cols)) {
      log.append(Map.of("frames", 300.0, "mean_return", 0.75, "success_rate", 0.875));
    }
    assertThat(Files.readAllLines(csv)).containsExactly("frames,mean_return,success_rate", "100,,", "200,0.25,0.5", "300,0.75,0.875");
    Map<String, double[]> read = MetricsLog.read(csv);
    assertThat(read.get("frames")).containsExactly(100, 200, 300);
    assertThat(read.get("mean_return")[0]).isNaN();
    assertThatThrownBy(() -> new MetricsLog(csv, List.of("frames"))).hasMessageContaining("has columns");

    Path png = dir.resolve("curve.png");
    assertThat(LearningCurve.write(csv, png, "test")).isTrue();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(900);
    assertThat(img.getHeight()).isEqualTo(500);
  }

  @Test
  void noCurveBeforeTheFirstEpisode(@TempDir Path dir) {
    Path csv = dir.resolve("metrics.csv");
    try (MetricsLog log = new MetricsLog(csv, List.of("frames", "mean_return"))) {
      log.append(Map.of("frames", 100.0));
    }
    assertThat(LearningCurve.write(csv, dir.resolve("curve.png"), "t")).isFalse();
    assertThat(dir.resolve("curve.png")).doesNotExist();
  }
}
