package mnemo.learner;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import mnemo.learner.actors.ActorRegistry;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.batch.InvalidUnrollException;
import mnemo.learner.batch.UnrollValidator;
import mnemo.learner.metrics.LearnerMetrics;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.Unroll;
import mnemo.transport.ClientText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What takes trajectories: checks each unroll against its actor's registration ({@link ActorRegistry})
 * and the experiment ({@link UnrollValidator}), and puts it in a bounded queue, waiting while the queue is
 * full (backpressure: the actor's next send waits for this ack). Counts what it rejects.
 *
 * <pre>{@code
 * Ack ack = intake.offer(unroll, stopping);   // an actor's thread (a gRPC call)
 * intake.takeBatch(pending, B);               // the training thread: up to B unrolls in pending
 * }</pre>
 */
final class UnrollIntake {
  private static final Logger log = LoggerFactory.getLogger(UnrollIntake.class);

  private final ActorRegistry actors;
  private final UnrollValidator validator;
  private final ArrayBlockingQueue<DecodedUnroll> queue;
  private final LearnerMetrics metrics;
  private final LongSupplier version;
  private final Consumer<DecodedUnroll> queued;
  private final AtomicLong rejected = new AtomicLong();

  /**
   * @param version the learner's weight version, sent back in every ack
   * @param queued called with each unroll once it is queued (the curriculum reads its episodes)
   */
  UnrollIntake(ActorRegistry actors, UnrollValidator validator, int capacity, LearnerMetrics metrics,
      LongSupplier version, Consumer<DecodedUnroll> queued) {
    this.actors = actors;
    this.validator = validator;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.metrics = metrics;
    this.version = version;
    this.queued = queued;
  }

  /**
   * Validates and queues {@code unroll}, waiting while the queue is full until {@code stop} turns true.
   * Never throws on bad input: an invalid unroll is answered accepted=false, INVALID_ARGUMENT, and counted;
   * one given up while waiting, UNAVAILABLE (the actor retries).
   */
  Ack offer(Unroll unroll, BooleanSupplier stop) {
    Ack.Builder ack = Ack.newBuilder().setSequence(unroll.getSequence());
    long t0 = System.nanoTime();
    DecodedUnroll decoded;
    try {
      actors.admit(unroll.getActorId(), unroll.getNumEnvs(), unroll.getSequence());
      decoded = validator.validate(unroll);
    } catch (InvalidUnrollException e) {
      countRejected();
      log.warn("rejected unroll {} from {}: {}", unroll.getSequence(), ClientText.quote(unroll.getActorId()),
          e.getMessage());
      return refusal(ack, Status.Code.INVALID_ARGUMENT, e.getMessage());
    }
    long t1 = System.nanoTime();
    metrics.unrollDecoded(Duration.ofNanos(t1 - t0));
    try {
      while (!queue.offer(decoded, 100, TimeUnit.MILLISECONDS)) {
        if (stop.getAsBoolean()) {
          return refusal(ack, Status.Code.UNAVAILABLE, "learner stopping");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return refusal(ack, Status.Code.UNAVAILABLE, "interrupted");
    }
    metrics.unrollEnqueued(decoded, Duration.ofNanos(System.nanoTime() - t1));
    queued.accept(decoded);
    return ack.setAccepted(true).setWeightVersion(version.getAsLong()).build();
  }

  /** {@code ack} refused with {@code code} and {@code message}, carrying the current weight version. */
  Ack refusal(Ack.Builder ack, Status.Code code, String message) {
    return ack.setAccepted(false).setCode(code.value()).setMessage(message).setWeightVersion(version.getAsLong())
        .build();
  }

  /**
   * Moves queued unrolls into {@code pending} until it holds {@code batchSize}, waiting up to 100 ms for
   * the first.
   */
  void takeBatch(List<DecodedUnroll> pending, int batchSize) throws InterruptedException {
    DecodedUnroll u = queue.poll(100, TimeUnit.MILLISECONDS);
    if (u != null) {
      pending.add(u);
      queue.drainTo(pending, batchSize - pending.size());
    }
  }

  /** Counts an unroll refused before it got here (by the transport: unparseable, oversized). */
  void countRejected() {
    rejected.incrementAndGet();
    metrics.unrollRejected();
  }

  long rejected() {
    return rejected.get();
  }

  void restoreRejected(long n) {
    rejected.set(n);
  }

  int depth() {
    return queue.size();
  }

  int maxMessageBytes() {
    return validator.limits().maxMessageBytes();
  }
}
