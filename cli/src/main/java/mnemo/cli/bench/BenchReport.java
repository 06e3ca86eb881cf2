package mnemo.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The frame of every benchmark's Markdown section: when and on what it was measured, and where it goes. */
public final class BenchReport {
  private BenchReport() {}

  /**
   * "Measured 2026-11-26T12:20:00Z on 2 CPUs{machine} with" and {@code command} in a code block.
   *
   * @param machine said after the CPU count, e.g. " (shared)", or ""
   */
  public static String measured(String machine, String command) {
    return "Measured " + Instant.now().truncatedTo(ChronoUnit.MINUTES) + " on " + Runtime.getRuntime().availableProcessors()
        + " CPUs" + machine + " with\n\n```\n" + command + "\n```\n\n";
  }

  /** Writes the section to {@code out} (creating its folder) and says so. */
  public static void write(Path out, CharSequence markdown) throws IOException {
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    Files.writeString(out, markdown);
    System.out.println("wrote " + out);
  }
}
