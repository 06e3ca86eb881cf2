package mnemo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code mnemo bench}: the benchmarks behind docs/benchmarks.md, one subcommand per component. */
@Command(
    name = "bench",
    header = "The benchmarks behind docs/benchmarks.md.",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmarks whose results go to docs/benchmarks.md. Each measures the things it compares side by",
      "side in one run and reports ratios, since machines are shared and noisy."
    },
    subcommands = {BenchCoresCommand.class, EnvsBenchCommand.class, mnemo.cli.bench.BenchLearnerCommand.class,
        mnemo.cli.bench.SystemBenchCommand.class})
public final class BenchCommand implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;
  @Override
  public void run() {
    spec.commandLine().usage(System.out); // with the width set on the root command line
  }
}
