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
 * @param trainingAids parameter values that make training episodes easier to learn from, by the task's
 *     parameters, which in-process training applies where the task id leaves the parameter unset, at every
 *     memory length, and evaluation never does (the active T-maze's {@code hint}, MiniGrid Memory's {@code
 *     fixed_order} and {@code cue_start}). An episode an aid made easier reports {@code TimeStep.AIDED} on its
 *     LAST step and does not count towards the curriculum.
 * @param training what the task asks of its trainer by the task's parameters ({@link TrainingSettings}: the
 *     defaults of {@code --exploring-starts}, {@code --unroll}, {@code --entropy-cost} and {@code
 *     --entropy-cost-final}); {@link TrainingSettings#DEFAULTS} for most tasks.
 * @param heldAtTarget parameter values that training with a varying memory length keeps at their value
 *     for the target task (the L its id gives) at every shorter ℓ, where the task id leaves them unset,
 *     by the target task's parameters: the T-maze's lag penalty stays −1/L instead of growing to −1/ℓ.
 */
public record TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory,
    String memoryParam, Function<Params, Map<String, String>> trainingAids, Function<Params, TrainingSettings> training,
    Function<Params, Map<String, String>> heldAtTarget) {

  public TaskFamily {
    params = List.copyOf(params);
    if (memoryParam != null && params.stream().noneMatch(p -> p.name().equals(memoryParam))) {
      throw new IllegalArgumentException(name + ": memory parameter '" + memoryParam + "' is not a parameter");
    }
  }

  /** A family without a memory-length parameter. */
  public TaskFamily(String name, String description, List<Param> params, Function<Params, Environment> factory) {
    this(name, description, params, factory, null, p -> Map.of(), p -> TrainingSettings.DEFAULTS, p -> Map.of());
  }

  /** This family with {@code param} as its memory-length parameter. */
  public TaskFamily withMemoryParam(String param) {
    return new TaskFamily(name, description, params, factory, param, trainingAids, training, heldAtTarget);
  }

  /** This family with training episodes played at {@code param} = {@code value} unless the task id sets it. */
  public TaskFamily withTrainingAid(String param, String value) {
    if (!hasParam(param)) {
      throw new IllegalArgumentException(name + ": training aid '" + param + "' is not a parameter");
    }
    Function<Params, Map<String, String>> before = trainingAids;
    return withTrainingAids(p -> {
      Map<String, String> aids = new LinkedHashMap<>(before.apply(p));
      aids.put(param, value);
      return aids;
    });
  }

  /** This family with the training aids {@code aids} gives for a task's parameters (only some modes need one). */
  public TaskFamily withTrainingAids(Function<Params, Map<String, String>> aids) {
    return new TaskFamily(name, description, params, factory, memoryParam, aids, training, heldAtTarget);
  }

  /** The training aids {@code id} gets: {@link #trainingAids} for the parameters it leaves unset. */
  public Map<String, String> trainingAids(TaskId id) {
    return leftUnset(id, trainingAids, p -> hasParam(p) ? null : "training aid '" + p + "' is not a parameter");
  }

  /** This family asking its trainer for what {@code settings} gives for a task's parameters. */
  public TaskFamily withTraining(Function<Params, TrainingSettings> settings) {
    return new TaskFamily(name, description, params, factory, memoryParam, trainingAids, settings, heldAtTarget);
  }

  /**
   * This family with the parameter values {@code held} gives for a target task kept at every memory
   * length training plays on the way to it.
   */
  public TaskFamily withHeldAtTarget(Function<Params, Map<String, String>> held) {
    return new TaskFamily(name, description, params, factory, memoryParam, trainingAids, training, held);
  }

  /**
   * The parameter values every memory length ℓ plays at when training towards {@code target}: {@link
   * #heldAtTarget} for the parameters the id leaves unset.
   */
  public Map<String, String> heldAtTarget(TaskId target) {
    return leftUnset(target, heldAtTarget, p -> hasParam(p) && !p.equals(memoryParam) ? null
        : "'" + p + "' cannot be held at the target (not a parameter, or the memory length)");
  }

  /**
   * The values {@code values} gives for {@code id}'s parameters, without those {@code id} sets; a name
   * {@code refusal} finds fault with (a non-null reason) is a bug in the family's declaration.
   */
  private Map<String, String> leftUnset(TaskId id, Function<Params, Map<String, String>> values,
      Function<String, String> refusal) {
    Map<String, String> kept = new LinkedHashMap<>(values.apply(resolve(id)));
    for (String p : kept.keySet()) {
      String why = refusal.apply(p);
      if (why != null) {
        throw new IllegalStateException(name + ": " + why);
      }
    }
    kept.keySet().removeAll(id.params().keySet());
    return kept;
  }

  private boolean hasParam(String param) {
    return params.stream().anyMatch(p -> p.name().equals(param));
  }

  /** What {@code id} asks of its trainer. */
  public TrainingSettings training(TaskId id) {
    return training.apply(resolve(id));
  }

  public Params resolve(TaskId id) {
    return new Params(name, params, id.params());
  }
}
