package mnemo.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** Runs the {@code mnemo} command line in the test JVM, as the launcher would. */
public final class CliRuns {
  private CliRuns() {}

  /** {exit code, picocli's error output} of {@code mnemo args...}. */
  public static String[] exitAndErr(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new String[] {Integer.toString(code), err.toString()};
  }
}
