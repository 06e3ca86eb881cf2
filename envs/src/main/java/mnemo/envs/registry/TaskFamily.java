package mnemo.envs.registry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
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
 * @param exploringStarts the share of training episodes whose first action the actors should draw at
 *     random (the trainer's {@code --exploring-starts} default), by the task's parameters: 0 for most
 *     tasks; the active T-maze asks for some, since its detour to the cue is never found otherwise.
 */
public record TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory,
    String memoryParam, Map<String, String> trainingAids, ToDoubleFunction<Params> exploringStarts) {

  public TaskFamily {
    params = List.copyOf(params);
    trainingAids = Collections.unmodifiableMap(new LinkedHashMap<>(trainingAids));
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
    this(name, description, params, factory, null, Map.of(), p -> 0);
  }

  /** This family with {@code param} as its memory-length parameter. */
  public TaskFamily withMemoryParam(String param) {
    return new TaskFamily(name, description, params, factory, param, trainingAids, exploringStarts);
  }

  /** This family with training episodes played at {@code param} = {@code value} unless the task id sets it. */
  public TaskFamily withTrainingAid(String param, String value) {
    Map<String, String> aids = new LinkedHashMap<>(trainingAids);
    aids.put(param, value);
    return new TaskFamily(name, description, params, factory, memoryParam, aids, exploringStarts);
  }

  /** This family asking for exploring starts at the share {@code share} gives for a task's parameters. */
  public TaskFamily withExploringStarts(ToDoubleFunction<Params> share) {
    return new TaskFamily(name, description, params, factory, memoryParam, trainingAids, share);
  }

  /** The exploring starts {@code id} asks for, in [0, 1]. */
  public double exploringStarts(TaskId id) {
    double p = exploringStarts.applyAsDouble(resolve(id));
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalStateException(name + ": exploring starts must be in [0, 1], got " + p);
    }
    return p;
  }

  public Params resolve(TaskId id) {
    return new Params(name, params, id.params());
  }
}
