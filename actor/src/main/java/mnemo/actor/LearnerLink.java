package mnemo.actor;

import java.util.Optional;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;

/**
 * The actor's side of the learner protocol: register, send unrolls (the learner's acks carry its weight
 * version), fetch newer weights. Implementations hide reconnection: a call blocks until the learner is
 * reachable again (re-registering under the hood) or the link is closed.
 */
public interface LearnerLink extends AutoCloseable {

  /** Registers (retrying while the learner is unreachable) and returns the experiment. */
  RegisterResponse register() throws InterruptedException;

  /**
   * Sends one unroll; blocks while too many unrolls are unacknowledged (the learner's backpressure) or
   * the learner is unreachable. The link fills in the actor id.
   */
  void send(Unroll unroll) throws InterruptedException;

  /** The newest weight version the learner has announced (in an ack or a registration). */
  long learnerVersion();

  /** The learner's weights when its version differs from {@code have}, else empty. */
  Optional<Weights> fetchWeights(long have) throws InterruptedException;

  /** True once the learner said training has finished (the actor then stops). */
  default boolean learnerFinished() {
    return false;
  }

  @Override
  void close();
}
