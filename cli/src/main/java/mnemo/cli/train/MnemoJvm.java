package mnemo.cli.train;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.core.RowGemm;

/**
 * The command line of a child JVM running this distribution's {@code mnemo} command: {@code java <jvm
 * options> [--add-modules jdk.incubator.vector] -Dai.djl.offline=true -cp <this JVM's class path> mnemo.cli.Main
 * <args>}. {@code train} starts its actor processes with it ({@link ActorProcesses}); the system tests start
 * learners, actors and {@code train} itself the same way. The Vector API module is passed on when this JVM
 * has it (the launcher adds it), so that the child's Java paths run the same matrix product
 * ({@link mnemo.agent.core.RowGemm}).
 */
public final class MnemoJvm {
  private static final String VECTOR_MODULE = "jdk.incubator.vector";

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
    if (RowGemm.vectorAvailable() && !jvmOptions.contains(VECTOR_MODULE)) {
      cmd.add("--add-modules");
      cmd.add(VECTOR_MODULE);
    }
    cmd.add("-Dai.djl.offline=true");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("mnemo.cli.Main");
    cmd.addAll(args);
    return cmd;
  }
}
