package mnemo.cli.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child JVM running this distribution's {@code mnemo} command: {@code java <jvm
 * options> -Dai.djl.offline=true -cp <this JVM's class path> mnemo.cli.Main <args>}. {@code train} starts
 * its actor processes with it ({@link ActorProcesses}); the system tests start learners, actors and
 * {@code train} itself the same way.
 */
public final class MnemoJvm {
  private MnemoJvm() {}

  /** The java executable of this JVM. */
  public static String java() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * @param jvmOptions JVM flags (heap, GC, DJL thread counts)
   * @param args the {@code mnemo} subcommand and its arguments, e.g. {@code actor --learner=host:port}
   */
  public static List<String> command(List<String> jvmOptions, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmOptions);
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("mnemo.cli.Main");
    cmd.addAll(args);
    return cmd;
  }
}
