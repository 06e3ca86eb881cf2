package mnemo.learner.actors;

/**
 * What an actor told the learner when it registered, and what the learner assigned.
 *
 * @param id the actor id the learner assigned ({@code actor-K}), echoed in every unroll
 * @param index K, the registration's number (the actor's seed derives from it)
 * @param name the actor's name, as it sent it (at most {@link ActorRegistry#MAX_NAME_CHARS} characters)
 * @param numEnvs N, the environments every unroll of this actor must hold
 */
public record Registration(String id, long index, String name, int numEnvs) {}
