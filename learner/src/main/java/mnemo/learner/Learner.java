package mnemo.learner;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.agent.optim.StatefulOptimizer;
import mnemo.learner.actors.ActorRegistry;
import mnemo.learner.actors.Registration;
import mnemo.learner.batch.Batch;
import mnemo.learner.batch.DecodedUnroll;
import mnemo.learner.batch.UnrollLimits;
import mnemo.learner.batch.UnrollValidator;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.learner.curriculum.LengthCurriculum;
import mnemo.learner.metrics.LearnerMetrics;
import mnemo.learner.optim.LinearDecay;
import mnemo.learner.train.TrainingStep;
import mnemo.proto.Seeds;
import mnemo.proto.TensorCodec;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.EnvSpec;
import mnemo.proto.env.v1.TensorSpec;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;
import mnemo.transport.ClientText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMPALA learner, in-process, composed of its roles: {@link UnrollIntake} takes trajectories (validates
 * them into a bounded queue, with backpressure), {@link UpdateLoop} runs the updates on one thread, {@link
 * WeightPublisher} serves the versioned weights and {@link Checkpointer} checkpoints; the learner registers
 * actors, feeds the length curriculum and reports progress. The gRPC service ({@code
 * mnemo.learner.service.LearnerService}) is a thin adapter over it.
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
  private final NDManager stateManager;
  private final StatefulOptimizer optimizer;
  private final LearnerMetrics metrics;
  private final LengthCurriculum curriculum; // null without one
  private final ActorRegistry actors;
  private final UnrollIntake intake;
  private final WeightPublisher weights;
  private final UpdateLoop loop;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Learner(ExperimentConfig config, AgentModel model, EnvSpec envSpec, Options options) {
    this.config = ExperimentConfigs.resolve(config);
    ExperimentConfigs.validate(this.config);
    this.envSpec = envSpec;
    this.model = model;
    if (model.spec().numActions() != envSpec.getAction().getNumActions()) {
      throw new IllegalArgumentException("the model has " + model.spec().numActions() + " actions, the task "
          + envSpec.getAction().getNumActions());
    }
    LongSupplier frames = this::frames; // the update loop's counter, read by the schedules
    this.stateManager = model.manager().newSubManager();
    LinearDecay learningRate = ExperimentConfigs.learningRate(this.config, frames);
    this.optimizer = ExperimentConfigs.optimizer(this.config, learningRate, stateManager);
    TrainingStep step = new TrainingStep(model, optimizer, ExperimentConfigs.lossConfig(this.config),
        this.config.getMaxGradNorm(), learningRate::value, ExperimentConfigs.entropyCost(this.config, frames));
    List<int[]> stateShapes;
    try (NDManager tmp = model.manager().newSubManager()) {
      stateShapes = Batch.stateShapes(model.initialState(tmp, 1));
    }
    int maxEnvs = options.maxEnvsPerActor() > 0 ? options.maxEnvsPerActor() : defaultMaxEnvs(this.config);
    this.curriculum = LengthCurriculum.of(this.config);
    this.weights = new WeightPublisher(model, this::memoryLength);
    this.metrics = new LearnerMetrics(options.registry(), this::queueDepth, weights::version,
        this.config.getMemoryLength(), this::memoryLength);
    this.actors = new ActorRegistry(Math.max(1, this.config.getEnvsPerActor()), maxEnvs);
    int capacity = options.queueCapacity() > 0 ? options.queueCapacity() : 2 * this.config.getBatchSize();
    this.intake = new UnrollIntake(actors,
        new UnrollValidator(this.config.getUnrollLength(), envSpec, stateShapes, weights::version, maxEnvs)
            .acceptingShorter(this.config.getEpisodeUnrolls()),
        capacity, metrics, weights::version, this::observeEpisodes);
    Checkpointer checkpointer = new Checkpointer(options.runDir(), options.checkpointInterval(), this::snapshot);
    this.loop = new UpdateLoop(step, this.config.getBatchSize(), this.config.getTotalFrames(), intake, weights,
        checkpointer, metrics);
  }

  /** A new learner for {@code config} (unset fields take their defaults) training {@code model}. */
  public static Learner create(ExperimentConfig config, AgentModel model, EnvSpec envSpec, Options options) {
    Learner l = new Learner(config, model, envSpec, options);
    l.weights.publish(0);
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
    l.intake.restoreRejected(checkpoint.rejectedUnrolls());
    if (l.curriculum != null && checkpoint.memoryLength() > 0) {
      l.curriculum.restore(checkpoint.memoryLength(), checkpoint.memoryMastered());
    }
    l.weights.publish(checkpoint.weightVersion());
    log.info("resumed at {} frames, {} updates, weight version {}", checkpoint.frames(), checkpoint.updates(),
        checkpoint.weightVersion());
    l.loop.restore(checkpoint.frames(), checkpoint.updates(), checkpoint.skippedUpdates());
    return l;
  }

  /**
   * The agent spec a config and task call for (what the model must be built with), the task's spec as the
   * environment protocol carries it (one observation tensor).
   */
  public static AgentSpec agentSpec(ExperimentConfig config, EnvSpec envSpec) {
    TensorSpec observation = envSpec.getObservations(0);
    return AgentSpec.forExperiment(TensorCodec.shape(observation), observation.getDtype() == DType.UINT8,
        envSpec.getAction().getNumActions(), ExperimentConfigs.resolve(config));
  }

  /** Starts the training thread. */
  public void start() {
    loop.start();
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
        .setActorSeed(Seeds.derive(config.getSeed(), r.index())).setWeightVersion(weights.version()).build();
  }

  /**
   * The largest message the learner's server accepts: the largest unroll this experiment allows
   * ({@link UnrollLimits}); anything larger is refused before it is buffered.
   */
  public int maxMessageBytes() {
    return intake.maxMessageBytes();
  }

  /**
   * Counts a call the transport refused ({@code code} a gRPC status name): an unroll stream that sent an
   * unparseable or oversized message also counts as a rejected unroll.
   */
  public void callRefused(String method, String code) {
    metrics.callRefused(method, code);
    if (method.endsWith("/StreamUnrolls")) {
      intake.countRejected();
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
    if (loop.stopped()) {
      Ack.Builder ack = Ack.newBuilder().setSequence(unroll.getSequence());
      if (loop.finished() && loop.failure() == null) {
        return intake.refusal(ack, Status.Code.FAILED_PRECONDITION, "training finished");
      }
      return intake.refusal(ack, Status.Code.UNAVAILABLE, loop.failure() != null ? "learner failed" : "learner stopping");
    }
    return intake.offer(unroll, () -> loop.stopped() || cancelled.getAsBoolean());
  }

  /** The length curriculum reads the episodes of every queued unroll; a change of length is logged. */
  private void observeEpisodes(DecodedUnroll decoded) {
    if (curriculum == null) {
      return;
    }
    for (EpisodeStats e : decoded.episodes()) {
      int from = curriculum.length();
      if (curriculum.observe(e)) {
        int to = curriculum.length();
        log.info("length curriculum: {} {} % of the last {} episodes at memory length {} succeeded{}; now {} (of "
            + "{}) from weight version {} on, at {} frames", to > from ? "at least" : "fewer than",
            Math.round(100 * (to > from ? LengthCurriculum.THRESHOLD : LengthCurriculum.FORGOTTEN)),
            LengthCurriculum.WINDOW, from, to > from ? "" : ", a length learned before (the memory was lost)",
            to, curriculum.maxLength(), weights.version() + 1, loop.frames());
      }
    }
  }

  private int memoryLength() {
    return curriculum == null ? 0 : curriculum.length();
  }

  /** The latest published weights (npz) with their version. */
  public Weights latestWeights() {
    return weights.latest();
  }

  /** Calls {@code listener} on the training thread each time new weights are published; keep it quick. */
  public void addWeightsListener(Consumer<Weights> listener) {
    weights.addListener(listener);
  }

  public void removeWeightsListener(Consumer<Weights> listener) {
    weights.removeListener(listener);
  }

  /**
   * The learner's state as a checkpoint. Call it only while no update runs: from the training thread,
   * before {@link #start}, or after {@link #close}.
   */
  public Checkpoint snapshot() {
    if (loop.runningElsewhere()) {
      throw new IllegalStateException("snapshot() while the training thread runs; close() the learner first");
    }
    ByteArrayOutputStream opt = new ByteArrayOutputStream();
    try (NDManager tmp = stateManager.newSubManager()) {
      optimizer.saveState(tmp).encode(opt, NDList.Encoding.NPZ);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Checkpoint(config, loop.frames(), loop.updates(), weights.version(), loop.skipped(), intake.rejected(),
        model.weightsToNpz(), opt.toByteArray(), memoryLength(), curriculum == null ? 0 : curriculum.mastered());
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
    return loop.frames();
  }

  public long updates() {
    return loop.updates();
  }

  public long weightVersion() {
    return weights.version();
  }

  public long skippedUpdates() {
    return loop.skipped();
  }

  public long rejectedUnrolls() {
    return intake.rejected();
  }

  public int queueDepth() {
    return intake.depth();
  }

  public boolean isFinished() {
    return loop.finished();
  }

  /** Why the training thread stopped, if it failed. */
  public Throwable failure() {
    return loop.failure();
  }

  public Progress progress() {
    return new Progress(loop.frames(), config.getTotalFrames(), loop.updates(), weights.version(),
        metrics.framesPerSecond(), metrics.meanEpisodeReturn(), metrics.successRate(), metrics.meanEpisodeLength(),
        intake.rejected(), loop.skipped(), intake.depth(), metrics.lastLoss(), metrics.fullLengthReturn(),
        metrics.fullLengthSuccessRate(), memoryLength());
  }

  /** Waits until at least {@code target} frames were trained on (or training ended); true if reached. */
  public boolean awaitFrames(long target, Duration timeout) throws InterruptedException {
    return loop.await(loop::frames, target, timeout);
  }

  /** Waits until at least {@code target} updates were applied (or training ended); true if reached. */
  public boolean awaitUpdates(long target, Duration timeout) throws InterruptedException {
    return loop.await(loop::updates, target, timeout);
  }

  /** Waits until training has ended (total_frames reached, failure, or close); true if it has. */
  public boolean awaitFinished(Duration timeout) throws InterruptedException {
    return loop.awaitFinished(timeout);
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
    loop.stop();
    stateManager.close();
  }
}
