package mnemo.learner.checkpoint;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.TextFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import mnemo.proto.config.v1.ExperimentConfig;

/**
 * A learner checkpoint: everything needed to continue a run. One zip file, written atomically (a
 * temporary file in the same folder, then a rename), so a crash mid-write leaves the previous
 * checkpoint intact. Entries:
 *
 * <ul>
 *   <li>{@code config.pb} / {@code config.txt}: the resolved ExperimentConfig (binary; text for people);
 *   <li>{@code counters.properties}: frames, updates, weight_version, skipped_updates, rejected_unrolls,
 *       memory_length and memory_mastered (the length curriculum's ℓ and the longest length it mastered;
 *       0 without one);
 *   <li>{@code weights.npz}: the agent's weights ({@code AgentModel.weightsToNpz}, names kept);
 *   <li>{@code optimizer.npz}: the optimizer's state arrays, named {@code <slot>/<parameter>}.
 * </ul>
 *
 * Read it with {@link #read}; {@code eval} needs only {@link #config()} and {@link #weightsNpz()}.
 */
public record Checkpoint(
    ExperimentConfig config, long frames, long updates, long weightVersion, long skippedUpdates,
    long rejectedUnrolls, byte[] weightsNpz, byte[] optimizerNpz, int memoryLength, int memoryMastered) {

  /** A checkpoint of a run without a length curriculum. */
  public Checkpoint(ExperimentConfig config, long frames, long updates, long weightVersion, long skippedUpdates,
      long rejectedUnrolls, byte[] weightsNpz, byte[] optimizerNpz) {
    this(config, frames, updates, weightVersion, skippedUpdates, rejectedUnrolls, weightsNpz, optimizerNpz, 0, 0);
  }

  /** The checkpoint's file name inside a run folder. */
  public static final String FILE_NAME = "checkpoint.zip";

  /** {@code runDir/checkpoint.zip}. */
  public static Path inRunDir(Path runDir) {
    return runDir.resolve(FILE_NAME);
  }

  /**
   * Deletes the temporary files ({@code checkpoint.zip*.tmp}) that a learner killed while writing a
   * checkpoint (SIGKILL: its clean-up never ran) left in {@code runDir}; the checkpoint itself is
   * untouched. Call it only when no other learner writes to {@code runDir}.
   *
   * @return the files deleted
   */
  public static List<Path> removePartialWrites(Path runDir) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(runDir)) {
      return removed;
    }
    try (DirectoryStream<Path> tmps = Files.newDirectoryStream(runDir, FILE_NAME + "*.tmp")) {
      for (Path tmp : tmps) {
        if (Files.deleteIfExists(tmp)) {
          removed.add(tmp);
        }
      }
    }
    return removed;
  }

  /** Writes atomically: {@code file} holds either the previous checkpoint or this one, never a mix. */
  public void write(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp); ZipOutputStream zip = new ZipOutputStream(out)) {
        put(zip, "config.pb", config.toByteArray());
        put(zip, "config.txt", TextFormat.printer().printToString(config).getBytes(StandardCharsets.UTF_8));
        Properties p = new Properties();
        p.setProperty("frames", Long.toString(frames));
        p.setProperty("updates", Long.toString(updates));
        p.setProperty("weight_version", Long.toString(weightVersion));
        p.setProperty("skipped_updates", Long.toString(skippedUpdates));
        p.setProperty("rejected_unrolls", Long.toString(rejectedUnrolls));
        p.setProperty("memory_length", Integer.toString(memoryLength));
        p.setProperty("memory_mastered", Integer.toString(memoryMastered));
        ByteArrayOutputStream props = new ByteArrayOutputStream();
        p.store(props, "Mnemo learner counters");
        put(zip, "counters.properties", props.toByteArray());
        put(zip, "weights.npz", weightsNpz);
        put(zip, "optimizer.npz", optimizerNpz);
      }
      try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      try { // readable by evaluation jobs running as other users, like any file the run writes
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep the default
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(data);
    zip.closeEntry();
  }

  /** Reads a checkpoint written by {@link #write}; IOException naming what is missing or corrupt. */
  public static Checkpoint read(Path file) throws IOException {
    Map<String, byte[]> entries = new HashMap<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
        entries.put(e.getName(), zip.readAllBytes());
      }
    }
    for (String name : new String[] {"config.pb", "counters.properties", "weights.npz", "optimizer.npz"}) {
      if (!entries.containsKey(name)) {
        throw new IOException(file + " is not a Mnemo checkpoint: no " + name);
      }
    }
    ExperimentConfig config;
    try {
      config = ExperimentConfig.parseFrom(entries.get("config.pb"));
    } catch (InvalidProtocolBufferException e) {
      throw new IOException(file + ": corrupt config.pb", e);
    }
    Properties p = new Properties();
    p.load(new ByteArrayInputStream(entries.get("counters.properties")));
    try {
      return new Checkpoint(config, Long.parseLong(p.getProperty("frames")), Long.parseLong(p.getProperty("updates")),
          Long.parseLong(p.getProperty("weight_version")), Long.parseLong(p.getProperty("skipped_updates", "0")),
          Long.parseLong(p.getProperty("rejected_unrolls", "0")), entries.get("weights.npz"),
          entries.get("optimizer.npz"), Integer.parseInt(p.getProperty("memory_length", "0")),
          Integer.parseInt(p.getProperty("memory_mastered", "0")));
    } catch (NumberFormatException | NullPointerException e) {
      throw new IOException(file + ": corrupt counters.properties", e);
    }
  }
}
