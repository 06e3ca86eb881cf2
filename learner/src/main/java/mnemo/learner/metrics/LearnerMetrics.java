package mnemo.learner.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.train.StepResult;
import mnemo.proto.learner.v1.EpisodeStats;

/**
 * The learner's meters (Micrometer; Prometheus names in brackets):
 *
 * <ul>
 *   <li>frames [mnemo_learner_frames_total], frames/s [mnemo_learner_frames_per_second], updates
 *       [mnemo_learner_updates_total], skipped updates [mnemo_learner_updates_skipped_total], weight version
 *       [mnemo_learner_weight_version];
 *   <li>loss terms [mnemo_learner_loss{term=total|policy|baseline}], entropy [mnemo_learner_entropy],
 *       gradient norm [mnemo_learner_grad_norm], learning rate [mnemo_learner_learning_rate], step time
 *       [mnemo_learner_step_seconds];
 *   <li>queue depth [mnemo_learner_queue_depth], accepted and rejected unrolls
 *       [mnemo_learner_unrolls_accepted_total, mnemo_learner_unrolls_rejected_total], calls refused by the
 *       transport [mnemo_learner_calls_refused_total{method,code}], unroll bytes
 *       [mnemo_learner_unroll_bytes], decode time [mnemo_learner_unroll_decode_seconds], time an unroll
 *       waits for queue space [mnemo_learner_unroll_enqueue_seconds], policy lag in versions
 *       [mnemo_learner_policy_lag];
 *   <li>finished episodes: return, success, length [mnemo_learner_episode_return, _success, _length] and
 *       their means over the last 100 episodes [mnemo_learner_episode_return_mean,
 *       mnemo_learner_episode_success_rate, mnemo_learner_episode_length_mean].
 * </ul>
 * gRPC call timings come from {@link GrpcMetricsInterceptor} [mnemo_grpc_server_seconds].
 */
public final class LearnerMetrics {
  /** Episodes in the rolling means. */
  public static final int WINDOW = 100;

  private final Counter frames;
  private final Counter updates;
  private final Counter skipped;
  private final Counter accepted;
  private final Counter rejected;
  private final MeterRegistry registry;
  private final DistributionSummary unrollBytes;
  private final DistributionSummary policyLag;
  private final DistributionSummary episodeReturn;
  private final DistributionSummary episodeSuccess;
  private final DistributionSummary episodeLength;
  private final Timer stepTime;
  private final Timer decodeTime;
  private final Timer enqueueTime;
  private final Values values = new Values();
  private final ArrayDeque<EpisodeStats> window = new ArrayDeque<>();
  private final ArrayDeque<EpisodeStats> fullWindow = new ArrayDeque<>(); // episodes of the task as given
  private final int fullLength;
  private final AtomicLong rejectedCount = new AtomicLong();
  private final AtomicLong skippedCount = new AtomicLong();
  private long lastFrames = -1;
  private long lastNanos;

  /** Latest values behind the gauges (Micrometer holds gauges weakly: this object keeps them alive). */
  private static final class Values {
    volatile double loss = Double.NaN;
    volatile double policy = Double.NaN;
    volatile double baseline = Double.NaN;
    volatile double entropy = Double.NaN;
    volatile double gradNorm = Double.NaN;
    volatile double learningRate = Double.NaN;
    volatile double framesPerSecond;
    volatile double meanReturn = Double.NaN;
    volatile double successRate = Double.NaN;
    volatile double meanLength = Double.NaN;
    volatile double fullMeanReturn = Double.NaN;
    volatile double fullSuccessRate = Double.NaN;
  }

  public LearnerMetrics(MeterRegistry registry, Supplier<Number> queueDepth, Supplier<Number> weightVersion) {
    this(registry, queueDepth, weightVersion, 0, () -> 0);
  }

  /**
   * @param fullLength the task's memory length L when training varies it (length sampling), else 0:
   *     episodes reporting a memory length other than 0 or L are left out of the full-length figures
   * @param curriculumLength the length curriculum's current ℓ (0 without one), for its gauge
   */
  public LearnerMetrics(MeterRegistry registry, Supplier<Number> queueDepth, Supplier<Number> weightVersion,
      int fullLength, Supplier<Number> curriculumLength) {
    this.registry = registry;
    this.fullLength = fullLength;
    Gauge.builder("mnemo.learner.curriculum.memory.length", curriculumLength)
        .description("the memory length training episodes are played at (length curriculum; 0: none)")
        .register(registry);
    frames = Counter.builder("mnemo.learner.frames").description("environment frames trained on").register(registry);
    updates = Counter.builder("mnemo.learner.updates").description("applied optimizer updates").register(registry);
    skipped = Counter.builder("mnemo.learner.updates.skipped").description("updates skipped: non-finite loss or gradient")
        .register(registry);
    accepted = Counter.builder("mnemo.learner.unrolls.accepted").register(registry);
    rejected = Counter.builder("mnemo.learner.unrolls.rejected").description("invalid unrolls (INVALID_ARGUMENT)")
        .register(registry);
    unrollBytes = DistributionSummary.builder("mnemo.learner.unroll.bytes").baseUnit("bytes").register(registry);
    policyLag = DistributionSummary.builder("mnemo.learner.policy.lag")
        .description("learner weight version minus the version that acted").register(registry);
    episodeReturn = DistributionSummary.builder("mnemo.learner.episode.return").register(registry);
    episodeSuccess = DistributionSummary.builder("mnemo.learner.episode.success").register(registry);
    episodeLength = DistributionSummary.builder("mnemo.learner.episode.length").register(registry);
    stepTime = Timer.builder("mnemo.learner.step").description("one training step").register(registry);
    decodeTime = Timer.builder("mnemo.learner.unroll.decode").description("validating and decoding one unroll")
        .register(registry);
    enqueueTime = Timer.builder("mnemo.learner.unroll.enqueue").description("waiting for queue space (backpressure)")
        .register(registry);
    Gauge.builder("mnemo.learner.queue.depth", queueDepth).register(registry);
    Gauge.builder("mnemo.learner.weight.version", weightVersion).register(registry);
    Gauge.builder("mnemo.learner.frames.per.second", values, v -> v.framesPerSecond).register(registry);
    Gauge.builder("mnemo.learner.loss", values, v -> v.loss).tag("term", "total").register(registry);
    Gauge.builder("mnemo.learner.loss", values, v -> v.policy).tag("term", "policy").register(registry);
    Gauge.builder("mnemo.learner.loss", values, v -> v.baseline).tag("term", "baseline").register(registry);
    Gauge.builder("mnemo.learner.entropy", values, v -> v.entropy).register(registry);
    Gauge.builder("mnemo.learner.grad.norm", values, v -> v.gradNorm).register(registry);
    Gauge.builder("mnemo.learner.learning.rate", values, v -> v.learningRate).register(registry);
    Gauge.builder("mnemo.learner.episode.return.mean", values, v -> v.meanReturn).register(registry);
    Gauge.builder("mnemo.learner.episode.success.rate", values, v -> v.successRate).register(registry);
    Gauge.builder("mnemo.learner.episode.length.mean", values, v -> v.meanLength).register(registry);
    Gauge.builder("mnemo.learner.episode.full.return.mean", values, v -> v.fullMeanReturn)
        .description("mean return of the last episodes played at the task's own memory length").register(registry);
    Gauge.builder("mnemo.learner.episode.full.success.rate", values, v -> v.fullSuccessRate)
        .description("success rate of the last episodes played at the task's own memory length").register(registry);
  }

  public void unrollDecoded(Duration took) {
    decodeTime.record(took);
  }

  /** Policy lag of an unroll as it is trained on: the learner's weight version minus the one that acted. */
  public void trainedOn(DecodedUnroll u, long learnerVersion) {
    policyLag.record(Math.max(0, learnerVersion - u.weightVersion()));
  }

  public void unrollEnqueued(DecodedUnroll u, Duration waited) {
    accepted.increment();
    enqueueTime.record(waited);
    unrollBytes.record(u.bytes());
    synchronized (window) {
      for (EpisodeStats e : u.episodes()) {
        episodeReturn.record(e.getEpisodeReturn());
        episodeLength.record(e.getLength());
        if (!Float.isNaN(e.getSuccess())) {
          episodeSuccess.record(e.getSuccess());
        }
        push(window, e);
        if (e.getMemoryLength() == 0 || e.getMemoryLength() == fullLength) {
          push(fullWindow, e);
        }
      }
      if (!u.episodes().isEmpty()) {
        double len = 0;
        for (EpisodeStats e : window) {
          len += e.getLength();
        }
        values.meanReturn = meanReturn(window);
        values.meanLength = len / window.size();
        values.successRate = successRate(window);
        values.fullMeanReturn = meanReturn(fullWindow);
        values.fullSuccessRate = successRate(fullWindow);
      }
    }
  }

  private static void push(ArrayDeque<EpisodeStats> w, EpisodeStats e) {
    w.addLast(e);
    if (w.size() > WINDOW) {
      w.removeFirst();
    }
  }

  private static double meanReturn(ArrayDeque<EpisodeStats> w) {
    double ret = 0;
    for (EpisodeStats e : w) {
      ret += e.getEpisodeReturn();
    }
    return w.isEmpty() ? Double.NaN : ret / w.size();
  }

  /** Success rate over the episodes that report success; NaN when none does. */
  private static double successRate(ArrayDeque<EpisodeStats> w) {
    double succ = 0;
    int withSuccess = 0;
    for (EpisodeStats e : w) {
      if (!Float.isNaN(e.getSuccess())) {
        succ += e.getSuccess();
        withSuccess++;
      }
    }
    return withSuccess == 0 ? Double.NaN : succ / withSuccess;
  }

  /** A call the transport refused (unparseable, oversized, unauthenticated, bad arguments…). */
  public void callRefused(String method, String code) {
    Counter.builder("mnemo.learner.calls.refused").description("calls refused with a status (bad client input)")
        .tag("method", method.substring(method.lastIndexOf('/') + 1)).tag("code", code).register(registry)
        .increment();
  }

  public void unrollRejected() {
    rejected.increment();
    rejectedCount.incrementAndGet();
  }

  /** Records a training step that consumed {@code batchFrames} frames, the total now {@code totalFrames}. */
  public void step(StepResult r, long batchFrames, long totalFrames, Duration took) {
    stepTime.record(took);
    frames.increment(batchFrames);
    if (r.applied()) {
      updates.increment();
    } else {
      skipped.increment();
      skippedCount.incrementAndGet();
    }
    values.loss = r.loss();
    values.policy = r.policyLoss();
    values.baseline = r.baselineLoss();
    values.entropy = r.entropy();
    values.gradNorm = r.gradNorm();
    values.learningRate = r.learningRate();
    long now = System.nanoTime();
    if (lastFrames >= 0 && now > lastNanos) {
      double fps = (totalFrames - lastFrames) / ((now - lastNanos) / 1e9);
      // smoothed over about ten steps
      values.framesPerSecond = values.framesPerSecond == 0 ? fps : 0.9 * values.framesPerSecond + 0.1 * fps;
    }
    lastFrames = totalFrames;
    lastNanos = now;
  }

  public double framesPerSecond() {
    return values.framesPerSecond;
  }

  /** Mean return of the last {@link #WINDOW} finished episodes (NaN before the first). */
  public double meanEpisodeReturn() {
    return values.meanReturn;
  }

  /** Success rate of the last {@link #WINDOW} finished episodes that report success (NaN if none). */
  public double successRate() {
    return values.successRate;
  }

  /**
   * Mean return of the last {@link #WINDOW} episodes played at the task's own memory length (not
   * shortened by length sampling; every episode when there is none). NaN before the first.
   */
  public double fullLengthReturn() {
    return values.fullMeanReturn;
  }

  /** Success rate of the last {@link #WINDOW} episodes played at the task's own memory length. */
  public double fullLengthSuccessRate() {
    return values.fullSuccessRate;
  }

  public double meanEpisodeLength() {
    return values.meanLength;
  }

  public double lastLoss() {
    return values.loss;
  }

  public long rejectedUnrolls() {
    return rejectedCount.get();
  }

  public long skippedUpdates() {
    return skippedCount.get();
  }

  /** Episodes finished so far in the rolling window. */
  public int episodesInWindow() {
    synchronized (window) {
      return window.size();
    }
  }
}
