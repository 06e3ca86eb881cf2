package mnemo.actor;

import io.grpc.Status;
import java.util.concurrent.atomic.AtomicLong;
import mnemo.proto.learner.v1.Ack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@link LearnerLink} has heard from the learner: the newest weight version it announced (in a
 * registration, an ack or fetched weights) and whether it said training has finished. Acks are read the
 * same way over any link: FAILED_PRECONDITION means training finished (the actor stops), UNAVAILABLE that
 * the learner is stopping (the actor retries), anything else a rejected unroll (counted).
 */
public final class LearnerStatus {
  private static final Logger log = LoggerFactory.getLogger(LearnerStatus.class);

  private final ActorMetrics metrics;
  private final AtomicLong version = new AtomicLong(-1);
  private volatile boolean finished;

  public LearnerStatus(ActorMetrics metrics) {
    this.metrics = metrics;
  }

  /** A registration's version: it may go down (a learner resumed from an older checkpoint). */
  public void registered(long weightVersion) {
    version.set(weightVersion);
  }

  /** A version the learner has published; kept when newer (an old ack may arrive after newer weights). */
  public void saw(long weightVersion) {
    version.accumulateAndGet(weightVersion, Math::max);
  }

  /** Reads one ack: its version, and what a refusal means. */
  public void read(Ack ack) {
    saw(ack.getWeightVersion());
    if (ack.getAccepted()) {
      return;
    }
    Status.Code code = Status.fromCodeValue(ack.getCode()).getCode();
    if (code == Status.Code.FAILED_PRECONDITION) {
      if (!finished) {
        log.info("the learner finished training: {}", ack.getMessage());
      }
      finished = true;
    } else if (code != Status.Code.UNAVAILABLE) {
      metrics.unrollRejected();
      log.warn("the learner rejected unroll {}: {}", ack.getSequence(), ack.getMessage());
    }
  }

  /** The newest weight version the learner announced (−1 before registering). */
  public long version() {
    return version.get();
  }

  /** True once the learner said training has finished. */
  public boolean finished() {
    return finished;
  }
}
