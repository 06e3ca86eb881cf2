package mnemo.learner.actors;

import java.util.LinkedHashMap;
import java.util.Map;
import mnemo.learner.batch.InvalidUnrollException;
import mnemo.transport.ClientText;

/**
 * The actors the learner has registered, and the claims each unroll is checked against: it comes from a
 * registered actor id, holds exactly the N environments that actor registered, and its sequence number
 * is larger than that of every earlier unroll of the actor.
 *
 * <p>Registration bounds what a client can ask for: N in [1, {@code maxEnvs}] (0 means the experiment's
 * envs_per_actor, which is what an actor started without {@code --envs} sends), a name of at most
 * {@value #MAX_NAME_CHARS} printable characters. The registry remembers the {@value #MAX_ACTORS} most
 * recently active actors (every actor re-registers on each reconnection, so a long run accumulates
 * stale ids; only a flood of registrations could push out a live one, whose unrolls would then be
 * refused as unregistered).
 */
public final class ActorRegistry {
  /** The longest actor name accepted. */
  public static final int MAX_NAME_CHARS = 128;
  /** Registrations remembered, least recently active forgotten first. */
  public static final int MAX_ACTORS = 4096;

  private final int defaultEnvs;
  private final int maxEnvs;
  private final Map<String, Entry> actors = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ACTORS;
    }
  };
  private long next;

  private static final class Entry {
    final Registration registration;
    long lastSequence = -1;

    Entry(Registration registration) {
      this.registration = registration;
    }
  }

  /**
   * @param defaultEnvs N for a registration that asks for 0 (the experiment's envs_per_actor)
   * @param maxEnvs the most environments one actor may step
   */
  public ActorRegistry(int defaultEnvs, int maxEnvs) {
    this.defaultEnvs = defaultEnvs;
    this.maxEnvs = maxEnvs;
  }

  /** Registrations so far (the next actor's index). */
  public synchronized long registered() {
    return next;
  }

  /** Registers an actor; IllegalArgumentException (bounded text) when the request asks for too much. */
  public synchronized Registration register(String name, int numEnvs) {
    if (name.length() > MAX_NAME_CHARS) {
      throw new IllegalArgumentException("actor_name has " + name.length() + " characters, at most "
          + MAX_NAME_CHARS);
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw new IllegalArgumentException("actor_name " + ClientText.quote(name) + " has control characters");
      }
    }
    int n = numEnvs == 0 ? defaultEnvs : numEnvs;
    if (n < 1 || n > maxEnvs) {
      throw new IllegalArgumentException("num_envs must be in [1, " + maxEnvs + "] (0: the experiment's "
          + defaultEnvs + "), got " + numEnvs);
    }
    long index = next++;
    Registration r = new Registration("actor-" + index, index, name, n);
    actors.put(r.id(), new Entry(r));
    return r;
  }

  /**
   * Checks that an unroll's actor id, N and sequence agree with its actor's registration, and records
   * the sequence. Throws InvalidUnrollException (bounded text) otherwise.
   */
  public synchronized Registration admit(String actorId, int numEnvs, long sequence) throws InvalidUnrollException {
    Entry e = actors.get(actorId);
    if (e == null) {
      throw new InvalidUnrollException("actor_id " + ClientText.quote(actorId) + " is not registered here: "
          + "call Register and use the actor_id it returns");
    }
    if (numEnvs != e.registration.numEnvs()) {
      throw new InvalidUnrollException("num_envs is " + numEnvs + ", " + actorId + " registered "
          + e.registration.numEnvs());
    }
    if (sequence <= e.lastSequence) {
      throw new InvalidUnrollException("sequence " + sequence + " is not after " + e.lastSequence
          + ", the last of " + actorId);
    }
    e.lastSequence = sequence;
    return e.registration;
  }
}
