package mnemo.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A benchmark's rerun replaces its own section of a page (known by its command) and keeps everything else. */
class BenchReportTest {
  static final String A = "./mnemo bench cores --part unroll";
  static final String B = "./mnemo bench cores --part step";

  private static String section(String command, String body) {
    return BenchReport.measured("", command) + body;
  }

  @Test
  void aHandWrittenPageKeepsItsTextAndGetsOneSectionPerCommand(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("docs/system.md");
    Files.createDirectories(page.getParent());
    Files.writeString(page, "# System\n\nprose measured by hand\n");
    BenchReport.write(page, A, section(A, "| a | 1 |\n"));
    BenchReport.write(page, B, section(B, "| b | 1 |\n"));
    BenchReport.write(page, A, section(A, "| a | 2 |\n"));
    String text = Files.readString(page);
    assertThat(text).startsWith("# System\n\nprose measured by hand\n");
    assertThat(text).contains("| a | 2 |", "| b | 1 |").doesNotContain("| a | 1 |");
    assertThat(text.split(BenchReport.BEGIN, -1)).hasSize(3);
    // A's section stays where it was, before B's; each appended section is headed by its command
    assertThat(text.indexOf("| a | 2 |")).isLessThan(text.indexOf("| b | 1 |"));
    assertThat(text).contains("## Latest run of `mnemo bench cores --part unroll`",
        "## Latest run of `mnemo bench cores --part step`");
    assertThat(text).endsWith(BenchReport.END + "\n");
  }

  @Test
  void aNewFileHoldsJustTheSection(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("new/cores.md");
    BenchReport.write(out, A, "table");
    assertThat(Files.readString(out)).isEqualTo(BenchReport.BEGIN + "\ntable\n" + BenchReport.END + "\n");
  }

  @Test
  void aSectionWithTheOldMarkersIsReplacedByARerunOfItsCommand(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("cores.md");
    Files.writeString(page, "# Cores\n\n" + BenchReport.LEGACY_BEGIN + "\n" + section(A, "| old |\n")
        + BenchReport.LEGACY_END + "\n\ntext after\n");
    BenchReport.write(page, A, section(A, "| new |\n"));
    String text = Files.readString(page);
    assertThat(text).contains("| new |", "text after").doesNotContain("| old |", BenchReport.LEGACY_BEGIN);
    assertThat(text.indexOf("| new |")).isLessThan(text.indexOf("text after"));
  }
}
