package mnemo.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import mnemo.cli.train.RunFolder;

/** Finds the newest checkpoint of a run and reads its weights. */
final class Checkpoints {
  private Checkpoints() {}

  /** The newest checkpoint's weights (.npz), with the version and frame count it was taken at. */
  record Latest(Path path, byte[] npz, long version, long frames) {}

  static Latest latest(RunFolder run) {
    try (Stream<Path> files = Files.list(run.checkpoints())) {
      Path newest = files.filter(p -> p.getFileName().toString().endsWith(".npz"))
          .max(Comparator.comparingLong(p -> p.toFile().lastModified()))
          .orElseThrow(() -> new IllegalArgumentException("no checkpoint in " + run.checkpoints()));
      return new Latest(newest, Files.readAllBytes(newest), -1, -1);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoints in " + run.checkpoints(), e);
    }
  }
}
