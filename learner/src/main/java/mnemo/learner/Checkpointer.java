package mnemo.learner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import mnemo.learner.checkpoint.Checkpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What checkpoints: writes the learner's state into the run folder every {@code interval} and once at the
 * end; a failed write is logged, never thrown (training goes on). Without a run folder it does nothing.
 *
 * <pre>{@code
 * Checkpointer c = new Checkpointer(runDir, Duration.ofMinutes(5), learner::snapshot);
 * c.maybeWrite(false);  // on the training thread, between updates: writes when the interval has passed
 * c.maybeWrite(true);   // at the end
 * }</pre>
 */
final class Checkpointer {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  private final Path runDir;
  private final Duration interval;
  private final Supplier<Checkpoint> snapshot;
  private long lastNanos = System.nanoTime();

  /** Also removes what a killed learner left half-written in {@code runDir} (null: no checkpoints). */
  Checkpointer(Path runDir, Duration interval, Supplier<Checkpoint> snapshot) {
    this.runDir = runDir;
    this.interval = interval;
    this.snapshot = snapshot;
    if (runDir != null) {
      try {
        for (Path tmp : Checkpoint.removePartialWrites(runDir)) {
          log.warn("removed {}, a checkpoint a killed learner did not finish writing", tmp);
        }
      } catch (IOException e) {
        log.warn("could not clean up partial checkpoints in {}: {}", runDir, e.toString());
      }
    }
  }

  /** Writes a checkpoint when {@code force} or when the interval has passed since the last one. */
  void maybeWrite(boolean force) {
    if (runDir == null) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastNanos < interval.toNanos()) {
      return;
    }
    lastNanos = now;
    try {
      Path file = Checkpoint.inRunDir(runDir);
      Checkpoint c = snapshot.get();
      c.write(file);
      log.info("checkpoint at {} frames, version {} -> {}", c.frames(), c.weightVersion(), file);
    } catch (IOException | RuntimeException e) {
      log.error("could not write a checkpoint", e);
    }
  }
}
