package mnemo.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A benchmark's rerun replaces its own section of a page and keeps the page's own text. */
class BenchReportTest {

  @Test
  void aHandWrittenPageKeepsItsTextAndGetsOneSection(@TempDir Path dir) throws Exception {
    Path page = dir.resolve("docs/system.md");
    Files.createDirectories(page.getParent());
    Files.writeString(page, "# System\n\nprose measured by hand\n");
    BenchReport.write(page, "| a | 1 |\n");
    BenchReport.write(page, "| a | 2 |\n");
    String text = Files.readString(page);
    assertThat(text).startsWith("# System\n\nprose measured by hand\n");
    assertThat(text).contains("| a | 2 |").doesNotContain("| a | 1 |");
    assertThat(text.split(BenchReport.BEGIN, -1)).hasSize(2);
    assertThat(text).endsWith(BenchReport.END + "\n");
  }

  @Test
  void aNewFileHoldsJustTheSection(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("new/cores.md");
    BenchReport.write(out, "table");
    assertThat(Files.readString(out)).isEqualTo(BenchReport.BEGIN + "\ntable\n" + BenchReport.END + "\n");
  }
}
