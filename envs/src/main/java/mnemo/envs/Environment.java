package mnemo.envs;


/**
 * A reinforcement-learning environment with discrete actions (dm_env's contract).
 *
 * <pre>{@code
 * try (Environment env = BuiltinTasks.registry().make("memory/tmaze:length=20")) {
 *   TimeStep ts = env.reset(seed);              // FIRST
 *   while (!ts.isLast()) {
 *     ts = env.step(policy.act(ts.observation()));
 *   }
 * }
 * }</pre>
 *
 * <p>The same seed gives the same episode. Calling {@code step} after a LAST step, or before any
 * {@code reset}, throws IllegalStateException; an action outside the spec throws
 * IllegalArgumentException. Implementations are not thread-safe.
 */
public interface Environment extends AutoCloseable {

  EnvSpec spec();

  /** Starts a new episode, fully determined by {@code seed}. Returns a FIRST step. */
  TimeStep reset(long seed);

  /** Applies {@code action} and returns a MID or LAST step. */
  TimeStep step(int action);

  /** A picture of the current state for people (full view where the task has one). */
  default Frame render() {
    throw new UnsupportedOperationException(spec().taskId() + " has no picture");
  }

  /** A text picture of the current state for terminals. */
  default String renderText() {
    return spec().taskId();
  }

  @Override
  default void close() {}
}
