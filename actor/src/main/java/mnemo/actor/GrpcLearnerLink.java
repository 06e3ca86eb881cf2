package mnemo.actor;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.LearnerGrpc;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;
import mnemo.proto.learner.v1.WeightsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link LearnerLink} over gRPC: Register, a StreamUnrolls stream with at most {@code maxInFlight}
 * unacknowledged unrolls (the learner delays acks when its queue is full, which stalls the actor:
 * backpressure), and GetWeights. When the learner goes away the stream fails; the next {@link #send}
 * waits with exponential backoff, registers again and opens a new stream (unacknowledged unrolls of the
 * old stream are dropped; so is an unroll made with weights newer than those of a learner that came back
 * from an older checkpoint). Authentication failures are not retried. {@link #close} wakes a caller
 * waiting for the learner, which then fails with IllegalStateException.
 */
public final class GrpcLearnerLink implements LearnerLink {
  private static final Logger log = LoggerFactory.getLogger(GrpcLearnerLink.class);

  private final ManagedChannel channel;
  private final LearnerGrpc.LearnerStub async;
  private final LearnerGrpc.LearnerBlockingStub blocking;
  private final String actorName;
  private final int numEnvs;
  private final ActorMetrics metrics;
  private final Backoff backoff;
  private final int maxInFlight;
  private final Object lock = new Object();
  private volatile boolean closed;
  /** What this learner announced since registering (versions in acks and fetches, training finished). */
  private final LearnerStatus learner;
  private volatile String actorId;
  private String taskId;
  private UnrollStream stream;

  /**
   * @param channel a channel to the learner (credentials attached by its builder); closed with this link
   * @param maxInFlight unrolls sent but not yet acknowledged, at most
   */
  public GrpcLearnerLink(ManagedChannel channel, String actorName, int numEnvs, ActorMetrics metrics, Backoff backoff,
      int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    }
    this.channel = channel;
    this.async = LearnerGrpc.newStub(channel);
    this.blocking = LearnerGrpc.newBlockingStub(channel);
    this.actorName = actorName;
    this.numEnvs = numEnvs;
    this.metrics = metrics;
    this.backoff = backoff;
    this.maxInFlight = maxInFlight;
    this.learner = new LearnerStatus(metrics);
  }

  @Override
  public RegisterResponse register() throws InterruptedException {
    RegisterRequest req = RegisterRequest.newBuilder().setActorName(actorName).setNumEnvs(numEnvs).build();
    while (true) {
      checkOpen();
      try {
        RegisterResponse r = blocking.withDeadlineAfter(10, TimeUnit.SECONDS).register(req);
        String task = r.getConfig().getTaskId();
        if (taskId != null && !taskId.equals(task)) {
          throw new IllegalStateException("the learner now trains " + task + ", this actor was set up for " + taskId);
        }
        taskId = task;
        actorId = r.getActorId();
        learner.registered(r.getWeightVersion()); // may go down: a learner resumed from an older checkpoint
        backoff.reset();
        log.info("registered as {} (weight version {})", actorId, learner.version());
        return r;
      } catch (StatusRuntimeException e) {
        if (!retryable(e.getStatus())) {
          throw e;
        }
        long d = backoff.nextMillis();
        log.warn("learner unreachable ({}); retrying in {} ms", e.getStatus().getCode(), d);
        pause(d);
      }
    }
  }

  private static boolean retryable(Status s) {
    return switch (s.getCode()) {
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, RESOURCE_EXHAUSTED, UNKNOWN, INTERNAL -> true;
      default -> false;
    };
  }

  @Override
  public void send(Unroll unroll) throws InterruptedException {
    while (true) {
      checkOpen();
      UnrollStream s = openStream();
      synchronized (lock) {
        while (s.inFlight >= maxInFlight && !s.broken && !closed) {
          lock.wait(1000);
        }
        if (s.broken) {
          continue;
        }
        checkOpen();
        long learnerVersion = learner.version();
        if (unroll.getWeightVersion() > learnerVersion) {
          // The learner restarted from a checkpoint older than the weights that made this unroll (it was
          // killed after publishing them): it would refuse the unroll as claiming a version it never
          // published. Drop it; the actor loads the learner's weights next (fetchWeights).
          log.info("the learner is back at weight version {}, older than this unroll's {} (restarted from a "
              + "checkpoint): dropping the unroll, taking the learner's weights", learnerVersion, unroll.getWeightVersion());
          return;
        }
        Unroll stamped = unroll.toBuilder().setActorId(actorId).build();
        try {
          s.requests.onNext(stamped);
        } catch (RuntimeException e) {
          log.warn("sending an unroll failed: {}", e.toString());
          s.broken = true;
          continue;
        }
        s.inFlight++;
        metrics.bytesSent(stamped.getSerializedSize());
        return;
      }
    }
  }

  /** The current stream, or a new one after (re-)registering when the last one broke. */
  private UnrollStream openStream() throws InterruptedException {
    UnrollStream s;
    synchronized (lock) {
      s = stream;
    }
    if (s != null && !s.broken) {
      return s;
    }
    if (s != null) {
      metrics.reconnected();
      long d = backoff.nextMillis();
      log.warn("lost the learner; reconnecting in {} ms", d);
      pause(d);
    }
    if (s != null || actorId == null) {
      register();
    }
    UnrollStream fresh = new UnrollStream();
    fresh.requests = async.streamUnrolls(fresh);
    synchronized (lock) {
      stream = fresh;
    }
    return fresh;
  }

  @Override
  public long learnerVersion() {
    return learner.version();
  }

  @Override
  public Optional<Weights> fetchWeights(long have) {
    // A learner that restarted from scratch may be behind us: then ask for whatever it has.
    long ask = learner.version() < have ? -1 : have;
    try {
      Weights w = blocking.withDeadlineAfter(60, TimeUnit.SECONDS)
          .getWeights(WeightsRequest.newBuilder().setHaveVersion(ask).build());
      learner.saw(w.getVersion()); // it has published this one
      return w.getNpz().isEmpty() ? Optional.empty() : Optional.of(w);
    } catch (StatusRuntimeException e) {
      if (!retryable(e.getStatus())) {
        throw e;
      }
      log.warn("fetching weights failed ({}); keeping version {}", e.getStatus().getCode(), have);
      return Optional.empty();
    }
  }

  /** True once the learner answered that training has finished. */
  @Override
  public boolean learnerFinished() {
    return learner.finished();
  }

  public String actorId() {
    return actorId;
  }

  /** Waits {@code millis}, or less when the link is closed meanwhile (callers then fail in checkOpen). */
  private void pause(long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    synchronized (lock) {
      for (long left = millis; !closed && left > 0; left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
        lock.wait(left);
      }
    }
  }

  /** True once {@link #close} was called. */
  public boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the learner link is closed");
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (lock) {
      if (stream != null && !stream.broken) {
        try {
          stream.requests.onCompleted();
        } catch (RuntimeException ignored) {
          // already closed by the server
        }
      }
      lock.notifyAll();
    }
    channel.shutdown();
    try {
      if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  /** One StreamUnrolls call: its request side and the acks coming back. */
  private final class UnrollStream implements StreamObserver<Ack> {
    StreamObserver<Unroll> requests;
    int inFlight;
    volatile boolean broken;

    @Override
    public void onNext(Ack ack) {
      learner.read(ack);
      synchronized (lock) {
        inFlight = Math.max(0, inFlight - 1);
        lock.notifyAll();
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!closed) {
        log.warn("the unroll stream failed: {}", Status.fromThrowable(t));
      }
      end();
    }

    @Override
    public void onCompleted() {
      end();
    }

    private void end() {
      synchronized (lock) {
        broken = true;
        lock.notifyAll();
      }
    }
  }
}
