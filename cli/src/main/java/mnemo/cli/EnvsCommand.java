package mnemo.cli;

import java.util.concurrent.Callable;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import picocli.CommandLine.Command;

/** {@code mnemo envs}: the task registry. */
@Command(
    name = "envs",
    header = "List the registered tasks; render rollouts and build the task table.",
    mixinStandardHelpOptions = true,
    description =
        "List every registered task with its parameters, observation and action specs. "
        + "Subcommands render a rollout (GIF, PNG, text) and build the task table of "
        + "docs/envs.md.",
    subcommands = {EnvsRenderCommand.class, EnvsTableCommand.class})
public final class EnvsCommand implements Callable<Integer> {

  @Override
  public Integer call() {
    TaskRegistry registry = BuiltinTasks.registry();
    for (TaskFamily f : registry.families()) {
      System.out.println(f.name() + " — " + f.description());
      for (Param p : f.params()) {
        System.out.printf("    %-14s default %-10s %s%n", p.name(), p.defaultValue(), p.help());
      }
      try (Environment env = registry.make(f.name())) {
        EnvSpec s = env.spec();
        System.out.println("    observation  " + s.observation());
        System.out.println("    actions      " + s.numActions()
            + (s.actionNames().isEmpty() ? "" : " " + s.actionNames())
            + (s.maxEpisodeSteps() > 0 ? ", time limit " + s.maxEpisodeSteps() : ""));
      }
      System.out.println();
    }
    return 0;
  }
}
