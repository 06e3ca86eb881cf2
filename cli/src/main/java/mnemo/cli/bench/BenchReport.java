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

  static final String BEGIN = "<!-- bench:begin -->";
  static final String END = "<!-- bench:end -->";
  /** The markers of the eighth session's one section per page, still recognised. */
  static final String LEGACY_BEGIN = "<!-- bench:latest:begin -->";
  static final String LEGACY_END = "<!-- bench:latest:end -->";

  /**
   * Writes the section to {@code out} (creating its folder) and says so. Each section sits between the
   * markers {@link #BEGIN} and {@link #END} and is known by the command it was measured with ({@code
   * command}, which the section shows in its code block): a rerun of the same command replaces its own
   * section, another command's section is appended after the rest, and a page's text outside the markers
   * (written by hand) is kept.
   */
  public static void write(Path out, String command, CharSequence markdown) throws IOException {
    if (out.toAbsolutePath().getParent() != null) {
      Files.createDirectories(out.toAbsolutePath().getParent());
    }
    String section = BEGIN + "\n" + markdown + (markdown.toString().endsWith("\n") ? "" : "\n") + END + "\n";
    String page = Files.isRegularFile(out) ? Files.readString(out) : "";
    String block = "```\n" + command + "\n```";
    int[] own = sectionWith(page, block, BEGIN, END);
    if (own == null) {
      own = sectionWith(page, block, LEGACY_BEGIN, LEGACY_END);
    }
    if (own != null) {
      page = page.substring(0, own[0]) + section + page.substring(own[1]).replaceFirst("^\n", "");
    } else if (page.isEmpty()) {
      page = section;
    } else {
      page = page + (page.endsWith("\n") ? "\n" : "\n\n") + "## Latest run of `" + command.replaceFirst("^\\./", "")
          + "`\n\n" + section;
    }
    Files.writeString(out, page);
    System.out.println("wrote " + out);
  }

  /** {start, end} of the first section between {@code begin} and {@code end} holding {@code block}, or null. */
  private static int[] sectionWith(String page, String block, String begin, String end) {
    for (int b = page.indexOf(begin); b >= 0; b = page.indexOf(begin, b + 1)) {
      int e = page.indexOf(end, b);
      if (e < 0) {
        return null;
      }
      if (page.substring(b, e).contains(block)) {
        return new int[] {b, e + end.length()};
      }
    }
    return null;
  }
}
