package mnemo.envs;

/**
 * N environment instances of one task stepped together: what an actor holds. Local ({@link
 * VectorEnvironment}) and remote (one gRPC session) implementations behave identically.
 *
 * <p><b>Seeding:</b> {@code reset(seed)} seeds instance i with {@code Seeds.derive(seed, i)}; the k-th
 * episode that instance starts after that is seeded with {@code Seeds.derive(seed_i, k)}.
 *
 * <p><b>Auto-reset:</b> when instance i returned LAST, its next {@code step} ignores the action,
 * starts a new episode and returns that episode's FIRST step. So every call returns one step per
 * instance and an actor never has to reset by hand.
 */
public interface BatchedEnvironment extends AutoCloseable {

  EnvSpec spec();

  /** N, the number of instances. */
  int size();

  /** Resets every instance (see seeding above) and returns N FIRST steps. */
  TimeStep[] reset(long seed);

  /** Steps every instance with {@code actions[i]} (exactly N, each valid) and returns N steps. */
  TimeStep[] step(int[] actions);

  @Override
  void close();
}
