package mnemo.actor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import mnemo.proto.learner.v1.EpisodeStats;

/**
 * The actor's meters, all named {@code mnemo_actor_*} in Prometheus text: environment steps and
 * steps/s, unrolls sent and rejected, bytes sent, the weight version in use, reconnections, inference
 * time, and finished episodes' return, length and success.
 */
public final class ActorMetrics {
  private final Counter steps;
  private final Counter unrollsSent;
  private final Counter unrollsRejected;
  private final Counter bytesSent;
  private final Counter reconnects;
  private final Timer inference;
  private final DistributionSummary episodeReturn;
  private final DistributionSummary episodeLength;
  private final DistributionSummary episodeSuccess;
  private final AtomicLong version = new AtomicLong();
  private final AtomicLong stepCount = new AtomicLong();
  private final long startNanos = System.nanoTime();
  private volatile double stepsPerSecond;
  private long windowStart = System.nanoTime();
  private long windowSteps;

  public ActorMetrics(MeterRegistry registry, String actorName) {
    Tags tags = Tags.of("actor", actorName);
    steps = Counter.builder("mnemo.actor.steps").description("environment steps (frames)").tags(tags).register(registry);
    unrollsSent = Counter.builder("mnemo.actor.unrolls.sent").tags(tags).register(registry);
    unrollsRejected = Counter.builder("mnemo.actor.unrolls.rejected").description("unrolls the learner refused")
        .tags(tags).register(registry);
    bytesSent = Counter.builder("mnemo.actor.unroll.bytes").baseUnit("bytes").tags(tags).register(registry);
    reconnects = Counter.builder("mnemo.actor.reconnects").description("re-registrations after losing the learner")
        .tags(tags).register(registry);
    inference = Timer.builder("mnemo.actor.inference").description("one batched inference step").tags(tags)
        .register(registry);
    episodeReturn = DistributionSummary.builder("mnemo.actor.episode.return").tags(tags).register(registry);
    episodeLength = DistributionSummary.builder("mnemo.actor.episode.length").tags(tags).register(registry);
    episodeSuccess = DistributionSummary.builder("mnemo.actor.episode.success").tags(tags).register(registry);
    Gauge.builder("mnemo.actor.weight.version", version, AtomicLong::get).tags(tags).register(registry);
    Gauge.builder("mnemo.actor.steps.per.second", this, m -> m.stepsPerSecond).tags(tags).register(registry);
  }

  /** Meters kept in memory only (tests, benchmarks). */
  public static ActorMetrics unregistered() {
    return new ActorMetrics(new SimpleMeterRegistry(), "test");
  }

  void steps(int n) {
    steps.increment(n);
    stepCount.addAndGet(n);
    synchronized (this) {
      windowSteps += n;
      long now = System.nanoTime();
      if (now - windowStart > 2_000_000_000L) {
        stepsPerSecond = windowSteps * 1e9 / (now - windowStart);
        windowStart = now;
        windowSteps = 0;
      }
    }
  }

  void inference(long nanos) {
    inference.record(nanos, TimeUnit.NANOSECONDS);
  }

  void unrollSent() {
    unrollsSent.increment();
  }

  void unrollRejected() {
    unrollsRejected.increment();
  }

  void bytesSent(long n) {
    bytesSent.increment(n);
  }

  void reconnected() {
    reconnects.increment();
  }

  void weightVersion(long v) {
    version.set(v);
  }

  void episode(EpisodeStats e) {
    episodeReturn.record(e.getEpisodeReturn());
    episodeLength.record(e.getLength());
    if (!Float.isNaN(e.getSuccess())) {
      episodeSuccess.record(e.getSuccess());
    }
  }

  /** Total time spent in inference so far. */
  public long inferenceNanos() {
    return (long) inference.totalTime(TimeUnit.NANOSECONDS);
  }

  public long totalSteps() {
    return stepCount.get();
  }

  public double reconnectCount() {
    return reconnects.count();
  }

  /** Steps per second since these meters were made. */
  public double averageStepsPerSecond() {
    return stepCount.get() * 1e9 / Math.max(1, System.nanoTime() - startNanos);
  }
}
