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

  static final String BEGIN = "<!-- bench:latest:begin -->";
  static final String END = "<!-- bench:latest:end -->";

  /**
   * Writes the section to {@code out} (creating its folder) and says so. The section goes between the
   * markers {@link #BEGIN} and {@link #END}: a page that has them gets that part replaced, a page without
   * them (written by hand) gets the section appended, so a rerun never loses the page's own text.
   */
  public static void write(Path out, CharSequence markdown) throws IOException {
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    String section = BEGIN + "\n" + markdown + (markdown.toString().endsWith("\n") ? "" : "\n") + END + "\n";
    String page = Files.isRegularFile(out) ? Files.readString(out) : "";
    int b = page.indexOf(BEGIN);
    int e = page.indexOf(END);
    if (b >= 0 && e > b) {
      page = page.substring(0, b) + section + page.substring(e + END.length()).replaceFirst("^\n", "");
    } else {
      page = page.isEmpty() ? section : page + (page.endsWith("\n") ? "\n" : "\n\n") + "## Latest run\n\n" + section;
    }
    Files.writeString(out, page);
    System.out.println("wrote " + out);
  }
}
