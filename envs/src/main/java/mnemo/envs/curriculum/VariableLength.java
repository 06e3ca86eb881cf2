package mnemo.envs.curriculum;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.function.IntSupplier;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Frame;
import mnemo.envs.Oracle;
import mnemo.proto.Seeds;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskId;
import mnemo.envs.registry.TaskRegistry;

/**
 * A memory task whose memory length ℓ is chosen anew at each reset, up to the L its id gives: uniformly
 * from 1..L ({@link LengthSampling#UNIFORM}), or the length a curriculum sets ({@link
 * LengthSampling#CURRICULUM}, read from a supplier at each reset, clamped to 1..L). Each episode is the
 * task's own at length ℓ, with the family's training aids ({@link TaskFamily#trainingAids}) where the task
 * id leaves them unset; an episode an aid made easier reports no ℓ, so the curriculum does not count it.
 * Parameters whose default scales with the length keep their value at L where the family says so ({@link
 * TaskFamily#heldAtTarget}): the T-maze at ℓ = 2 on the way to L = 1000 costs −1/1000 per lagging step,
 * not −1/2, so "walk right" is not learned, from the penalty alone, long before the turn at the junction
 * (the first stage failed in 8 of 15 runs at L = 1000 with −1/ℓ; docs/results-rl.md).
 *
 * <p>Why: a policy-gradient agent on a long T-maze learns "right" along the corridor from the lag
 * penalty long before it first reaches the junction, and then never turns there (docs/results-rl.md);
 * on short corridors the junction is reached while the policy is still random, and the turn and the
 * cue learned there carry over to longer ones.
 *
 * <p>The spec (observation, actions, the longest episode) is the task's at L; every ℓ must give the
 * same observation and actions. The LAST step of each episode carries {@link #MEMORY_LENGTH} = ℓ. The
 * uniform length is drawn from the reset seed, so the same seed gives the same episode.
 */
public final class VariableLength implements Environment, Oracle {
  /** Info key on the LAST step: the memory length ℓ the episode was played at. */
  public static final String MEMORY_LENGTH = "memory_length";

  private final TaskFamily family;
  private final TaskId task;
  private final int maxLength;
  private final LengthSampling sampling;
  private final IntSupplier curriculum;
  private final EnvSpec spec;
  private final Map<Integer, Environment> byLength = new HashMap<>();
  private Environment current;
  private int length;

  private VariableLength(TaskFamily family, TaskId task, int maxLength, Environment atMax, LengthSampling sampling,
      IntSupplier curriculum) {
    this.family = family;
    this.task = trainingTask(family, task);
    this.maxLength = maxLength;
    this.sampling = sampling;
    this.curriculum = curriculum;
    this.spec = atMax.spec();
    if (this.task.equals(task)) {
      byLength.put(maxLength, atMax);
    } else {
      atMax.close(); // training plays the task with its aids: made at each length as needed
    }
  }

  /**
   * The task training episodes play: {@code task} with the family's training aids and the values held
   * at the target for the parameters it leaves unset ({@link TaskFamily#trainingAids}, {@link
   * TaskFamily#heldAtTarget}).
   */
  public static TaskId trainingTask(TaskFamily family, TaskId task) {
    return task.withUnset(family.trainingAids(task)).withUnset(family.heldAtTarget(task));
  }

  /**
   * The aids in-process training applies to {@code taskId} (empty when none, or when the registry does not
   * know its family, as for a task an environment server serves), for the start-up print.
   */
  public static Map<String, String> trainingAids(TaskRegistry registry, String taskId) {
    return registry.findFor(taskId).map(f -> f.trainingAids(TaskId.parse(taskId))).orElse(Map.of());
  }

  /**
   * The parameter values training with a varying memory length keeps at their value for {@code taskId}
   * at every shorter length (empty when none, or when its family has no memory parameter), for the
   * start-up print.
   */
  public static Map<String, String> heldAtTarget(TaskRegistry registry, String taskId) {
    TaskId id = TaskId.parse(taskId);
    TaskFamily f = registry.family(id.family());
    return f.memoryParam() == null ? Map.of() : f.heldAtTarget(id);
  }

  /**
   * The environment training plays for {@code taskId}: with {@link LengthSampling#FIXED}, or when its family
   * has no memory parameter, the task at its one length with the family's training aids where the id leaves
   * them unset (MiniGrid Memory's {@code fixed_order} and {@code cue_start}); else a {@link VariableLength},
   * which applies them at every length.
   *
   * @param curriculum the curriculum's current length (read at each reset; used with {@link
   *     LengthSampling#CURRICULUM})
   */
  public static Environment open(TaskRegistry registry, String taskId, LengthSampling sampling,
      IntSupplier curriculum) {
    TaskId id = TaskId.parse(taskId);
    TaskFamily f = registry.family(id.family());
    if (sampling == LengthSampling.FIXED || f.memoryParam() == null) {
      return registry.make(id.withUnset(f.trainingAids(id)));
    }
    Environment atMax = registry.make(id);
    return new VariableLength(f, id, f.resolve(id).getInt(f.memoryParam()), atMax, sampling, curriculum);
  }

  /** L, the memory length {@code taskId} gives, when its family has a memory parameter. */
  public static OptionalInt memoryLength(TaskRegistry registry, String taskId) {
    TaskId id = TaskId.parse(taskId);
    TaskFamily f = registry.family(id.family());
    return f.memoryParam() == null ? OptionalInt.empty() : OptionalInt.of(f.resolve(id).getInt(f.memoryParam()));
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  /** ℓ of the current episode. */
  public int length() {
    return length;
  }

  @Override
  public TimeStep reset(long seed) {
    length = sampling == LengthSampling.UNIFORM
        ? 1 + new SplittableRandom(Seeds.derive(seed, 0x4c454e)).nextInt(maxLength) // ℓ ~ U{1..L}
        : Math.max(1, Math.min(maxLength, curriculum.getAsInt()));
    current = byLength.computeIfAbsent(length, this::make);
    return current.reset(seed);
  }

  private Environment make(int l) {
    Map<String, String> params = new LinkedHashMap<>(task.params());
    params.put(family.memoryParam(), Integer.toString(l));
    Environment e = family.factory().apply(family.resolve(new TaskId(task.family(), params)));
    if (!e.spec().sameInterface(spec)) {
      e.close();
      throw new IllegalStateException(task + ": the observation or actions change with " + family.memoryParam()
          + " = " + l + ", so it cannot vary per episode");
    }
    return e;
  }

  @Override
  public TimeStep step(int action) {
    if (current == null) {
      throw new IllegalStateException("reset " + spec.taskId() + " before stepping it");
    }
    TimeStep ts = current.step(action);
    if (!ts.isLast()) {
      return ts;
    }
    Map<String, Float> info = new HashMap<>(ts.info());
    if (ts.info(TimeStep.AIDED) != 1f) { // an aided episode does not count towards the curriculum
      info.put(MEMORY_LENGTH, (float) length);
    }
    return new TimeStep(ts.type(), ts.reward(), ts.discount(), ts.observation(), Map.copyOf(info));
  }

  @Override
  public int oracleAction() {
    if (current instanceof Oracle o) {
      return o.oracleAction();
    }
    throw new UnsupportedOperationException(spec.taskId() + " has no oracle");
  }

  @Override
  public Frame render() {
    if (current == null) {
      throw new IllegalStateException("reset " + spec.taskId() + " before rendering it");
    }
    return current.render();
  }

  @Override
  public String renderText() {
    return current == null ? spec.taskId() : current.renderText();
  }

  @Override
  public void close() {
    byLength.values().forEach(Environment::close);
    byLength.clear();
  }
}
