package mnemo.envs.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import mnemo.envs.Environment;

/**
 * A registered family of tasks: a name such as {@code memory/tmaze}, its parameters and a factory.
 *
 * @param memoryParam the integer parameter that sets how long the task must remember (the T-maze's and
 *     cue recall's {@code length}), or null when the family has none; training may sample it per episode
 *     (the curriculum package's VariableLength). Changing it must not change the observation or
 *     action spec.
 * @param trainingAids parameter values that make training episodes easier to learn from, which
 *     training with a varying memory length applies where the task id leaves the parameter unset, and
 *     evaluation never does (the active T-maze's {@code hint}). An episode an aid made easier reports
 *     {@code TimeStep.AIDED} on its LAST step and does not count towards the curriculum.
 */
public record TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory,
    String memoryParam, Map<String, String> trainingAids) {

  public TaskFamily {
    params = List.copyOf(params);
    trainingAids = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(trainingAids));
    if (memoryParam != null && params.stream().noneMatch(p -> p.name().equals(memoryParam))) {
      throw new IllegalArgumentException(name + ": memory parameter '" + memoryParam + "' is not a parameter");
    }
    for (String aid : trainingAids.keySet()) {
      if (params.stream().noneMatch(p -> p.name().equals(aid))) {
        throw new IllegalArgumentException(name + ": training aid '" + aid + "' is not a parameter");
      }
    }
  }

  /** A family without a memory-length parameter. */
  public TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory) {
    this(name, description, params, factory, null, Map.of());
  }

  /** This family with {@code param} as its memory-length parameter. */
  public TaskFamily withMemoryParam(String param) {
    return new TaskFamily(name, description, params, factory, param, trainingAids);
  }

  /** This family with training episodes played at {@code param} = {@code value} unless the task id sets it. */
  public TaskFamily withTrainingAid(String param, String value) {
    Map<String, String> aids = new LinkedHashMap<>(trainingAids);
    aids.put(param, value);
    return new TaskFamily(name, description, params, factory, memoryParam, aids);
  }

  public Params resolve(TaskId id) {
    return new Params(name, params, id.params());
  }
}
