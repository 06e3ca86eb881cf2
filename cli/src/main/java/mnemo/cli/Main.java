package mnemo.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mnemo} command: every subcommand of the distribution. */
@Command(
    name = "mnemo",
    mixinStandardHelpOptions = true,
    version = "mnemo 0.1.0",
    description = "Train memory agents with reinforcement learning: UR-LSTM cores, IMPALA, gRPC environments.",
    subcommands = {
      mnemo.cli.train.TrainCommand.class,
      mnemo.cli.sweep.SweepCommand.class,
      mnemo.cli.train.CurvesCommand.class,
      EvalCommand.class,
      LearnerCommand.class,
      ActorCommand.class,
      EnvsCommand.class,
      EnvServerCommand.class,
      CoreCommand.class,
      SynthCommand.class,
      BenchCommand.class,
      DemoCommand.class,
      CommandLine.HelpCommand.class,
    })
public final class Main implements Runnable {

  @picocli.CommandLine.Spec
  picocli.CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    // DJL must never try to download anything: libtorch comes from the native jar on the class path.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    // descriptions are written as lines of up to ~110 characters: help is laid out 120 wide
    return new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setUsageHelpWidth(120)
        .setExecutionExceptionHandler(Main::reportBadInput);
  }

  /**
   * Bad input (an IllegalArgumentException: an unknown task, a wrong parameter, a run that does not fit) is
   * reported as one line naming the command, exit code 2 as for a wrong option; anything else keeps its
   * stack trace, and so does bad input when the environment variable {@code MNEMO_STACKTRACE} is set.
   */
  private static int reportBadInput(Exception e, CommandLine cl, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof IllegalArgumentException && System.getenv("MNEMO_STACKTRACE") == null) {
      cl.getErr().println(cl.getCommandSpec().qualifiedName() + ": " + e.getMessage());
      return 2;
    }
    throw e; // MNEMO_STACKTRACE set: every error with its stack trace
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out); // with the width set on the root command line
  }
}
