package mnemo.learner;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.protobuf.UnsafeByteOperations;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Seeds;
import mnemo.learner.batch.Batch;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.batch.InvalidUnrollException;
import mnemo.learner.batch.UnrollLimits;
import mnemo.learner.batch.UnrollValidator;
import mnemo.learner.actors.ActorRegistry;
import mnemo.learner.actors.Registration;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.learner.curriculum.LengthCurriculum;
import mnemo.learner.metrics.LearnerMetrics;
import mnemo.learner.optim.LinearDecay;
import mnemo.agent.Autograd;
import mnemo.agent.optim.StatefulOptimizer;

import mnemo.learner.train.StepResult;
import mnemo.learner.train.TrainingStep;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;
import mnemo.transport.ClientText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMPALA learner, in-process: validates unrolls into a bounded queue, batches B of them, trains on
 * one thread, publishes versioned weights, and checkpoints. The gRPC service ({@code
 * mnemo.learner.service.LearnerService}) is a thin adapter over it; {@code train --local} can drive it
 * directly.
 *
 * <pre>{@code
 * Learner learner = Learner.create(config, model, envSpec, Learner.Options.defaults().withRunDir(dir));
 * learner.start();                               // the training thread
 * Ack ack = learner.submit(unroll, () -> false); // blocks while the queue is full (backpressure)
 * learner.awaitFinished(Duration.ofMinutes(5));  // total_frames reached
 * learner.close();                               // stops training, writes the final checkpoint
 * }</pre>
 *
 * <p>Counters: frames are the environment steps trained on (T·N per unroll, counted when a batch is
 * consumed, also when its update is skipped); updates and the weight version advance by one per applied
 * update. Training stops once frames reach {@code total_frames} (0: never).
 */
public final class Learner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Learner.class);

  /**
   * How the learner runs.
   *
   * @param runDir where checkpoints go (null: no checkpoints)
   * @param checkpointInterval time between periodic checkpoints
   * @param queueCapacity unrolls the queue holds (0: 2·B)
   * @param registry where the metrics go
   * @param maxEnvsPerActor the most environments one actor may register (0: {@link #defaultMaxEnvs})
   */
  public record Options(Path runDir, Duration checkpointInterval, int queueCapacity, MeterRegistry registry,
      int maxEnvsPerActor) {
    public static Options defaults() {
      return new Options(null, Duration.ofMinutes(5), 0, new SimpleMeterRegistry(), 0);
    }

    public Options withRunDir(Path dir) {
      return new Options(dir, checkpointInterval, queueCapacity, registry, maxEnvsPerActor);
    }

    public Options withCheckpointInterval(Duration d) {
      return new Options(runDir, d, queueCapacity, registry, maxEnvsPerActor);
    }

    public Options withQueueCapacity(int n) {
      return new Options(runDir, checkpointInterval, n, registry, maxEnvsPerActor);
    }

    public Options withRegistry(MeterRegistry r) {
      return new Options(runDir, checkpointInterval, queueCapacity, r, maxEnvsPerActor);
    }

    public Options withMaxEnvsPerActor(int n) {
      return new Options(runDir, checkpointInterval, queueCapacity, registry, n);
    }
  }

  /**
   * The default bound on N per actor: 4 × the experiment's envs_per_actor, at least 64, at most {@link
   * UnrollValidator#MAX_ENVS}. With it, the learner's message cap follows the experiment's largest unroll.
   */
  public static int defaultMaxEnvs(ExperimentConfig config) {
    return (int) Math.min(UnrollValidator.MAX_ENVS, Math.max(64, 4L * config.getEnvsPerActor()));
  }

  /** A snapshot of the learner's progress (for progress bars and logs). */
  public record Progress(
      long frames, long totalFrames, long updates, long weightVersion, double framesPerSecond,
      double meanEpisodeReturn, double successRate, double meanEpisodeLength, long rejectedUnrolls,
      long skippedUpdates, int queueDepth, double loss, double fullLengthReturn, double fullLengthSuccessRate,
      int memoryLength) {}

  private final ExperimentConfig config;
  private final EnvSpec envSpec;
  private final AgentModel model;
  private final Options options;
  private final NDManager stateManager;
  private final LinearDecay learningRate;
  private final StatefulOptimizer optimizer;
  private final TrainingStep step;
  private final UnrollValidator validator;
  private final ArrayBlockingQueue<DecodedUnroll> queue;
  private final LearnerMetrics metrics;
  private final LengthCurriculum curriculum; // null without one
  private final AtomicLong frames = new AtomicLong();
  private final AtomicLong updates = new AtomicLong();
  private final AtomicLong version = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final ActorRegistry actors;
  private final CopyOnWriteArrayList<Consumer<Weights>> weightListeners = new CopyOnWriteArrayList<>();
  private final CountDownLatch finishedLatch = new CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
  private final Object progressLock = new Object();
  private volatile Weights published;
  private volatile boolean finished;
  private volatile boolean closing;
  private volatile Throwable failure;
  private Thread trainer;
  private long lastCheckpointNanos = System.nanoTime();

  private Learner(ExperimentConfig config, AgentModel model, EnvSpec envSpec, Options options) {
    this.config = ExperimentConfigs.resolve(config);
    ExperimentConfigs.validate(this.config);
    this.envSpec = envSpec;
    this.model = model;
    this.options = options;
    if (model.spec().numActions() != envSpec.numActions()) {
      throw new IllegalArgumentException("the model has " + model.spec().numActions() + " actions, the task "
          + envSpec.numActions());
    }
    this.stateManager = model.manager().newSubManager();
    this.learningRate = ExperimentConfigs.learningRate(this.config, frames::get);
    this.optimizer = ExperimentConfigs.optimizer(this.config, learningRate, stateManager);
    this.step = new TrainingStep(model, optimizer, ExperimentConfigs.lossConfig(this.config),
        this.config.getMaxGradNorm(), learningRate::value, ExperimentConfigs.entropyCost(this.config, frames::get));
    List<int[]> stateShapes;
    try (NDManager tmp = model.manager().newSubManager()) {
      stateShapes = Batch.stateShapes(model.initialState(tmp, 1));
    }
    int maxEnvs = options.maxEnvsPerActor() > 0 ? options.maxEnvsPerActor() : defaultMaxEnvs(this.config);
    this.validator = new UnrollValidator(this.config.getUnrollLength(), envSpec, stateShapes, version::get, maxEnvs);
    this.actors = new ActorRegistry(Math.max(1, this.config.getEnvsPerActor()), maxEnvs);
    int capacity = options.queueCapacity() > 0 ? options.queueCapacity() : 2 * this.config.getBatchSize();
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.curriculum = LengthCurriculum.of(this.config);
    this.metrics = new LearnerMetrics(options.registry(), queue::size, version::get, this.config.getMemoryLength(),
        curriculum == null ? () -> 0 : curriculum::length);
    if (options.runDir() != null) {
      try {
        for (Path tmp : Checkpoint.removePartialWrites(options.runDir())) {
          log.warn("removed {}, a checkpoint a killed learner did not finish writing", tmp);
        }
      } catch (IOException e) {
        log.warn("could not clean up partial checkpoints in {}: {}", options.runDir(), e.toString());
      }
    }
  }

  /** A new learner for {@code config} (unset fields take their defaults) training {@code model}. */
  public static Learner create(ExperimentConfig config, AgentModel model, EnvSpec envSpec, Options options) {
    Learner l = new Learner(config, model, envSpec, options);
    l.publishWeights();
    return l;
  }

  /**
   * A learner continuing from {@code checkpoint}: its config, weights (loaded into {@code model}),
   * optimizer state and counters, so the learning-rate schedule and the weight versions continue.
   */
  public static Learner resume(Checkpoint checkpoint, AgentModel model, EnvSpec envSpec, Options options) {
    Learner l = new Learner(checkpoint.config(), model, envSpec, options);
    model.loadWeightsFromNpz(checkpoint.weightsNpz());
    try (NDManager tmp = l.stateManager.newSubManager()) {
      l.optimizer.loadState(NDList.decode(tmp, new ByteArrayInputStream(checkpoint.optimizerNpz())));
    }
    l.frames.set(checkpoint.frames());
    l.updates.set(checkpoint.updates());
    l.version.set(checkpoint.weightVersion());
    l.skipped.set(checkpoint.skippedUpdates());
    l.rejected.set(checkpoint.rejectedUnrolls());
    if (l.curriculum != null && checkpoint.memoryLength() > 0) {
      l.curriculum.restore(checkpoint.memoryLength(), checkpoint.memoryMastered());
    }
    l.publishWeights();
    log.info("resumed at {} frames, {} updates, weight version {}", checkpoint.frames(), checkpoint.updates(),
        checkpoint.weightVersion());
    if (l.budgetSpent(checkpoint.frames())) {
      // a finished run stays finished: no extra batch past the budget, actors are told at once (the
      // training thread, once started, ends straight away)
      log.info("the checkpoint already holds the whole budget ({} of {} frames): training is finished",
          checkpoint.frames(), l.config.getTotalFrames());
      l.finished = true;
    }
    return l;
  }

  /** The agent spec a config and task call for (what the model must be built with). */
  public static AgentSpec agentSpec(ExperimentConfig config, EnvSpec envSpec) {
    return AgentSpec.forExperiment(envSpec.observation().shape(), envSpec.observation().dtype() == DType.UINT8,
        envSpec.numActions(), ExperimentConfigs.resolve(config));
  }

  /** Starts the training thread. */
  public synchronized void start() {
    if (trainer != null) {
      throw new IllegalStateException("already started");
    }
    trainer = new Thread(this::trainLoop, "learner-train");
    trainer.setDaemon(true);
    trainer.start();
  }

  // ---------------------------------------------------------------- actors' side

  /**
   * Registers an actor: its id and seed, the experiment and the current weight version. Throws
   * IllegalArgumentException (a message for the client, bounded) when the request is out of bounds
   * ({@link ActorRegistry}).
   */
  public RegisterResponse register(RegisterRequest request) {
    Registration r = actors.register(request.getActorName(), request.getNumEnvs());
    log.info("registered {} ({}, {} envs)", r.id(), ClientText.quote(r.name()), r.numEnvs());
    return RegisterResponse.newBuilder().setActorId(r.id()).setConfig(config)
        .setActorSeed(Seeds.derive(config.getSeed(), r.index())).setWeightVersion(version.get()).build();
  }

  /**
   * The largest message the learner's server accepts: the largest unroll this experiment allows
   * ({@link UnrollLimits}); anything larger is refused before it is buffered.
   */
  public int maxMessageBytes() {
    return validator.limits().maxMessageBytes();
  }

  /**
   * Counts a call the transport refused ({@code code} a gRPC status name): an unroll stream that sent an
   * unparseable or oversized message also counts as a rejected unroll.
   */
  public void callRefused(String method, String code) {
    metrics.callRefused(method, code);
    if (method.endsWith("/StreamUnrolls")) {
      rejected.incrementAndGet();
      metrics.unrollRejected();
    }
  }

  /**
   * Validates {@code unroll} (against its actor's registration, {@link ActorRegistry}, and the experiment,
   * {@link UnrollValidator}) and queues it, waiting while the queue is full (backpressure). Never
   * throws on bad input: an invalid unroll is answered with accepted=false, code INVALID_ARGUMENT, and
   * counted. Returns UNAVAILABLE when the learner stops or its training thread failed (actors retry, and
   * a restarted learner takes them back) or {@code cancelled} turns true while waiting; FAILED_PRECONDITION
   * only once the frame budget is reached (actors stop for good).
   */
  public Ack submit(Unroll unroll, BooleanSupplier cancelled) {
    Ack.Builder ack = Ack.newBuilder().setSequence(unroll.getSequence());
    if (finished || closing) {
      boolean done = finished && failure == null;
      return ack.setAccepted(false).setCode(done ? 9 : 14)
          .setMessage(done ? "training finished" : failure != null ? "learner failed" : "learner stopping")
          .setWeightVersion(version.get()).build();
    }
    long t0 = System.nanoTime();
    DecodedUnroll decoded;
    try {
      actors.admit(unroll.getActorId(), unroll.getNumEnvs(), unroll.getSequence());
      decoded = validator.validate(unroll);
    } catch (InvalidUnrollException e) {
      rejected.incrementAndGet();
      metrics.unrollRejected();
      log.warn("rejected unroll {} from {}: {}", unroll.getSequence(), ClientText.quote(unroll.getActorId()),
          e.getMessage());
      return ack.setAccepted(false).setCode(3).setMessage(e.getMessage()).setWeightVersion(version.get()).build();
    }
    long t1 = System.nanoTime();
    metrics.unrollDecoded(Duration.ofNanos(t1 - t0));
    try {
      while (!queue.offer(decoded, 100, TimeUnit.MILLISECONDS)) {
        if (closing || finished || cancelled.getAsBoolean()) {
          return ack.setAccepted(false).setCode(14).setMessage("learner stopping").setWeightVersion(version.get())
              .build();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ack.setAccepted(false).setCode(14).setMessage("interrupted").setWeightVersion(version.get()).build();
    }
    metrics.unrollEnqueued(decoded, Duration.ofNanos(System.nanoTime() - t1));
    if (curriculum != null) {
      for (EpisodeStats e : decoded.episodes()) {
        int from = curriculum.length();
        if (curriculum.observe(e)) {
          int to = curriculum.length();
          log.info("length curriculum: {} {} % of the last {} episodes at memory length {} succeeded{}; now {} (of "
              + "{}) from weight version {} on, at {} frames", to > from ? "at least" : "fewer than",
              Math.round(100 * (to > from ? LengthCurriculum.THRESHOLD : LengthCurriculum.FORGOTTEN)),
              LengthCurriculum.WINDOW, from, to > from ? "" : ", a length learned before (the memory was lost)",
              to, curriculum.maxLength(), version.get() + 1, frames.get());
        }
      }
    }
    return ack.setAccepted(true).setWeightVersion(version.get()).build();
  }

  /** The latest published weights (npz) with their version. */
  public Weights latestWeights() {
    return published;
  }

  /** Calls {@code listener} on the training thread each time new weights are published; keep it quick. */
  public void addWeightsListener(Consumer<Weights> listener) {
    weightListeners.add(listener);
  }

  public void removeWeightsListener(Consumer<Weights> listener) {
    weightListeners.remove(listener);
  }

  // ---------------------------------------------------------------- the training thread

  private void trainLoop() {
    Autograd.disableOnThisThread();
    int batchSize = config.getBatchSize();
    List<DecodedUnroll> pending = new ArrayList<>(batchSize);
    try {
      while (!closing && !finished) {
        DecodedUnroll u = queue.poll(100, TimeUnit.MILLISECONDS);
        if (u != null) {
          pending.add(u);
          queue.drainTo(pending, batchSize - pending.size());
        }
        if (pending.size() >= batchSize) {
          trainOn(pending);
          pending.clear();
        }
        maybeCheckpoint(false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      failure = t;
      log.error("the training thread failed", t);
    } finally {
      if (failure == null) {
        maybeCheckpoint(true);
      }
      finished = true;
      finishedLatch.countDown();
    }
  }

  private void trainOn(List<DecodedUnroll> unrolls) {
    long t0 = System.nanoTime();
    for (DecodedUnroll u : unrolls) {
      metrics.trainedOn(u, version.get());
    }
    StepResult r;
    long batchFrames;
    try (NDManager m = step.newStepManager()) {
      Batch batch = Batch.stack(unrolls, m);
      batchFrames = batch.frames();
      r = step.run(batch);
    }
    if (r.applied()) {
      // publish before the counters move, so whoever sees update n also gets weights of version n
      version.incrementAndGet();
      publishWeights();
    }
    synchronized (progressLock) {
      long total = frames.addAndGet(batchFrames);
      if (r.applied()) {
        updates.incrementAndGet();
      } else {
        skipped.incrementAndGet();
        log.warn("skipped an update: loss {}, gradient norm {}", r.loss(), r.gradNorm());
      }
      metrics.step(r, batchFrames, total, Duration.ofNanos(System.nanoTime() - t0));
      progressLock.notifyAll();
      if (budgetSpent(total)) {
        log.info("reached {} frames (total_frames {})", total, config.getTotalFrames());
        finished = true;
      }
    }
  }

  /** Whether {@code frames} reach the frame budget (total_frames; 0 is no budget). */
  private boolean budgetSpent(long frames) {
    return config.getTotalFrames() > 0 && frames >= config.getTotalFrames();
  }

  private void publishWeights() {
    Weights w = Weights.newBuilder().setVersion(version.get())
        .setNpz(UnsafeByteOperations.unsafeWrap(model.weightsToNpz()))
        .setMemoryLength(curriculum == null ? 0 : curriculum.length()).build();
    published = w;
    for (Consumer<Weights> l : weightListeners) {
      try {
        l.accept(w);
      } catch (RuntimeException e) {
        log.warn("a weights listener failed", e);
      }
    }
  }

  private void maybeCheckpoint(boolean force) {
    if (options.runDir() == null) {
      return;
    }
    long now = System.nanoTime();
    if (!force && now - lastCheckpointNanos < options.checkpointInterval().toNanos()) {
      return;
    }
    lastCheckpointNanos = now;
    try {
      Path file = Checkpoint.inRunDir(options.runDir());
      snapshot().write(file);
      log.info("checkpoint at {} frames, version {} -> {}", frames.get(), version.get(), file);
    } catch (IOException | RuntimeException e) {
      log.error("could not write a checkpoint", e);
    }
  }

  /**
   * The learner's state as a checkpoint. Call it only while no update runs: from the training thread,
   * before {@link #start}, or after {@link #close}.
   */
  public Checkpoint snapshot() {
    Thread t = trainer;
    if (t != null && t.isAlive() && Thread.currentThread() != t) {
      throw new IllegalStateException("snapshot() while the training thread runs; close() the learner first");
    }
    ByteArrayOutputStream opt = new ByteArrayOutputStream();
    try (NDManager tmp = stateManager.newSubManager()) {
      optimizer.saveState(tmp).encode(opt, NDList.Encoding.NPZ);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Checkpoint(config, frames.get(), updates.get(), version.get(), skipped.get(), rejected.get(),
        model.weightsToNpz(), opt.toByteArray(), curriculum == null ? 0 : curriculum.length(),
        curriculum == null ? 0 : curriculum.mastered());
  }

  // ---------------------------------------------------------------- progress

  public ExperimentConfig config() {
    return config;
  }

  public EnvSpec envSpec() {
    return envSpec;
  }

  public AgentModel model() {
    return model;
  }

  public LearnerMetrics metrics() {
    return metrics;
  }

  public long frames() {
    return frames.get();
  }

  public long updates() {
    return updates.get();
  }

  public long weightVersion() {
    return version.get();
  }

  public long skippedUpdates() {
    return skipped.get();
  }

  public long rejectedUnrolls() {
    return rejected.get();
  }

  public int queueDepth() {
    return queue.size();
  }

  public boolean isFinished() {
    return finished;
  }

  /** Why the training thread stopped, if it failed. */
  public Throwable failure() {
    return failure;
  }

  public Progress progress() {
    return new Progress(frames.get(), config.getTotalFrames(), updates.get(), version.get(),
        metrics.framesPerSecond(), metrics.meanEpisodeReturn(), metrics.successRate(), metrics.meanEpisodeLength(),
        rejected.get(), skipped.get(), queue.size(), metrics.lastLoss(), metrics.fullLengthReturn(),
        metrics.fullLengthSuccessRate(), curriculum == null ? 0 : curriculum.length());
  }

  /** Waits until at least {@code target} frames were trained on (or training ended); true if reached. */
  public boolean awaitFrames(long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progressLock) {
      while (frames.get() < target && !finished) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progressLock, left);
      }
    }
    return frames.get() >= target;
  }

  /** Waits until at least {@code target} updates were applied (or training ended); true if reached. */
  public boolean awaitUpdates(long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (progressLock) {
      while (updates.get() < target && !finished) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(progressLock, left);
      }
    }
    return updates.get() >= target;
  }

  /** Waits until training has ended (total_frames reached, failure, or close); true if it has. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return finishedLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /**
   * Stops the training thread after its current step and writes the final checkpoint (when a run
   * folder is set). Does not close the model: its owner does.
   */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    closing = true;
    Thread t;
    synchronized (this) {
      t = trainer;
    }
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      maybeCheckpoint(true);
      finished = true;
      finishedLatch.countDown();
    }
    synchronized (progressLock) {
      progressLock.notifyAll();
    }
    stateManager.close();
  }
}
