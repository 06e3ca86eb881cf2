package mnemo.envs.registry;

import java.util.List;
import java.util.function.Function;
import mnemo.envs.Environment;

/**
 * A registered family of tasks: a name such as {@code memory/tmaze}, its parameters and a factory.
 *
 * @param memoryParam the integer parameter that sets how long the task must remember (the T-maze's and
 *     cue recall's {@code length}), or null when the family has none; training may sample it per episode
 *     (the curriculum package's VariableLength). Changing it must not change the observation or
 *     action spec.
 */
public record TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory,
    String memoryParam) {

  public TaskFamily {
    params = List.copyOf(params);
    if (memoryParam != null && params.stream().noneMatch(p -> p.name().equals(memoryParam))) {
      throw new IllegalArgumentException(name + ": memory parameter '" + memoryParam + "' is not a parameter");
    }
  }

  /** A family without a memory-length parameter. */
  public TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory) {
    this(name, description, params, factory, null);
  }

  /** This family with {@code param} as its memory-length parameter. */
  public TaskFamily withMemoryParam(String param) {
    return new TaskFamily(name, description, params, factory, param);
  }

  public Params resolve(TaskId id) {
    return new Params(name, params, id.params());
  }
}
