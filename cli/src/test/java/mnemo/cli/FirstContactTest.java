package mnemo.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mnemo.cli.train.MnemoJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What a new user sees in the first minute: the command lists of --help, and no CUDA warnings on a CPU machine. */
class FirstContactTest {

  /** Every command and its subcommands, depth first. */
  private static List<CommandLine> all(CommandLine cl) {
    List<CommandLine> out = new ArrayList<>();
    out.add(cl);
    cl.getSubcommands().values().forEach(sub -> {
      if (!sub.getCommandName().equals("help")) {
        out.addAll(all(sub));
      }
    });
    return out;
  }

  @Test
  void everyCommandListShowsOneWholeSentencePerCommand() {
    for (CommandLine cl : all(Main.commandLine())) {
      String name = cl.getCommandSpec().qualifiedName();
      if (cl != cl.getCommandSpec().root().commandLine()) {
        String[] header = cl.getCommandSpec().usageMessage().header();
        assertThat(header).as("the one-line summary (header) of '%s'", name).hasSize(1);
        assertThat(header[0]).as("'%s' summary", name).endsWith(".").hasSizeLessThanOrEqualTo(100);
      }
      if (cl.getSubcommands().isEmpty()) {
        continue;
      }
      String usage = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
      String commands = usage.substring(usage.indexOf("Commands:") + "Commands:".length()).strip();
      for (String line : commands.split("\n")) {
        assertThat(line).as("a line of the command list of '%s' (one line per command, ending its sentence):%n%s",
            name, usage).matches("^\\s*[a-z-]+ {2,}\\S.*\\.$");
      }
    }
  }

  @Test
  void noCudaWarningsOnAMachineWithoutAGpu(@TempDir Path dir) throws Exception {
    // the distribution's own logging configuration, not the tests' (logback-test.xml comes first on the class path)
    Path logback = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target/classes/logback.xml");
    assertThat(logback).isRegularFile();
    List<String> cmd = MnemoJvm.command(List.of("-Xmx512m", "-Dlogback.configurationFile=" + logback),
        List.of("synth", "adding", "--length", "3", "--steps", "2", "--batch", "2", "--hidden", "4", "--out",
            dir.toString()));
    Process p = new ProcessBuilder(cmd).start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("mnemo synth adding finished").isTrue();
    assertThat(p.exitValue()).as(err.join()).isZero();
    assertThat(out.join()).contains("on adding-3");
    assertThat(err.join()).as("stderr of a run that loads libtorch").doesNotContain("CudaUtils").doesNotContain(" WARN ")
        .doesNotContain("logback").doesNotContain("Exception");
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }
}
