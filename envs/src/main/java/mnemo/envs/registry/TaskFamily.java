package mnemo.envs.registry;

import java.util.List;
import java.util.function.Function;
import mnemo.envs.Environment;

/** A registered family of tasks: a name such as {@code memory/tmaze}, its parameters and a factory. */
public record TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory) {

  public TaskFamily {
    params = List.copyOf(params);
  }

  public Params resolve(TaskId id) {
    return new Params(name, params, id.params());
  }
}
