package mnemo.cli.train;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.proto.config.v1.ExperimentConfig;

/**
 * A training run's folder:
 *
 * <pre>
 * DIR/config.json     the resolved ExperimentConfig (protobuf JSON), written at start, read on resume
 * DIR/metrics.csv     one row per progress report (frames, frames/s, mean return, success rate, losses)
 * DIR/curve.png       mean return and success rate against frames
 * DIR/checkpoint.zip  the learner's latest checkpoint (weights, optimizer state, counters, config)
 * DIR/logs/           actor processes' logs
 * </pre>
 */
public record RunFolder(Path dir) {

  public Path config() {
    return dir.resolve("config.json");
  }

  public Path metrics() {
    return dir.resolve("metrics.csv");
  }

  public Path curve() {
    return dir.resolve("curve.png");
  }

  public Path checkpoint() {
    return Checkpoint.inRunDir(dir);
  }

  public Path logs() {
    return dir.resolve("logs");
  }

  /** The run's checkpoint, to resume from; IllegalArgumentException when there is none. */
  public Checkpoint readCheckpoint() throws IOException {
    if (!Files.isRegularFile(checkpoint())) {
      throw new IllegalArgumentException("cannot resume: no checkpoint in " + dir);
    }
    return Checkpoint.read(checkpoint());
  }

  /** Creates the folder and its subfolders. */
  public RunFolder create() {
    try {
      Files.createDirectories(logs());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the run folder " + dir + ": " + e.getMessage(), e);
    }
    return this;
  }

  public static String toJson(ExperimentConfig config) {
    try {
      return JsonFormat.printer().print(config);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes config.json atomically (temporary file, then rename). */
  public void writeConfig(ExperimentConfig config) {
    try {
      Path tmp = dir.resolve("config.json.tmp");
      Files.writeString(tmp, toJson(config) + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, config(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + config(), e);
    }
  }

  /** Reads config.json; IllegalArgumentException when it is missing or malformed. */
  public ExperimentConfig readConfig() {
    if (!Files.isRegularFile(config())) {
      throw new IllegalArgumentException(dir + " is not a run folder: no config.json");
    }
    try {
      ExperimentConfig.Builder b = ExperimentConfig.newBuilder();
      JsonFormat.parser().merge(Files.readString(config(), StandardCharsets.UTF_8), b);
      return b.build();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + config() + ": " + e.getMessage(), e);
    }
  }
}
