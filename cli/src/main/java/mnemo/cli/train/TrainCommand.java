package mnemo.cli.train;

import ai.djl.Device;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import mnemo.actor.Actor;
import mnemo.actor.ActorMetrics;
import mnemo.actor.ActorSetup;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.agent.network.AgentNetworks;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.curriculum.VariableLength;
import mnemo.envs.curriculum.LengthSampling;
import mnemo.envs.remote.RemoteBatchedEnvironment;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Learner;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.transport.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mnemo train}: the whole IMPALA system on this machine. The data path, in order:
 *
 * <ol>
 *   <li>the learner (in this JVM, {@link LearnerProcess}) serves {@code mnemo.learner.v1.Learner} on loopback;
 *   <li>K actors register, step their environments and stream unrolls to it: child JVMs over gRPC, or
 *       with {@code --local} threads in this JVM handing their unrolls to the learner directly ({@link
 *       InProcessLearnerLink});
 *   <li>the learner validates, queues and batches them, trains, publishes new weights (the actors pick
 *       them up) and checkpoints into the run folder;
 *   <li>this command shows progress, logs metrics.csv and draws curve.png until the frame budget is
 *       spent, then stops the actors and writes the final checkpoint.
 * </ol>
 */
@Command(
    name = "train",
    header = "Train an agent: a learner and K actors on this machine, with progress and a run folder.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Train an agent: start a learner and K actors (actor JVMs over loopback gRPC, or with --local threads",
      "in this JVM linked to the learner directly), show progress, and write the run folder (config.json, metrics.csv,",
      "curve.png, checkpoint.zip, logs/). Without flags: a short run on memory/cue-recall that learns in",
      "a few minutes. --resume DIR continues a run from its checkpoint with its counters."
    })
public final class TrainCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(TrainCommand.class);

  @Mixin ExperimentOptions experiment;

  @Option(names = "--run-dir", paramLabel = "DIR", description = "The run folder (default: runs/<time>).")
  Path runDir;

  @Option(names = "--resume", paramLabel = "DIR", arity = "0..1", fallbackValue = "",
      description = "Continue the run in DIR (default: --run-dir) from its checkpoint: its config and counters "
          + "(--frames may extend the budget).")
  Path resume;

  @Option(names = "--local", description = "Run the actors as threads in this JVM, handing unrolls to the learner "
      + "directly (no gRPC), instead of child processes.")
  boolean local;

  @Option(names = "--env-server", paramLabel = "HOST:PORT",
      description = "Step the environments on this environment server (`mnemo env-server`, "
          + "python/mnemo_env/gym_server.py, ...) instead of in-process; --env names one of its tasks.")
  String envServer;

  @Option(names = "--port", defaultValue = "0", paramLabel = "PORT",
      description = "Learner gRPC port (default: a free one).")
  int port;

  @Mixin mnemo.cli.MetricsOptions metricsOptions;

  @Option(names = "--report-every", defaultValue = "5", paramLabel = "SECONDS",
      description = "Seconds between metrics.csv rows (default: ${DEFAULT-VALUE}).")
  double reportEvery;

  @Option(names = "--checkpoint-every", defaultValue = "120", paramLabel = "SECONDS",
      description = "Seconds between periodic checkpoints (default: ${DEFAULT-VALUE}; one is always written at the "
          + "end and on SIGTERM / Ctrl-C); a run killed outright loses at most this much training.")
  double checkpointEvery;

  @Option(names = "--actor-jvm-options", paramLabel = "OPTS",
      defaultValue = "-Xmx768m -XX:+UseSerialGC -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1",
      description = "JVM flags of the actor processes (default: ${DEFAULT-VALUE}).")
  String actorJvmOptions;

  @Mixin mnemo.cli.TransportOptions transport;

  @Spec CommandSpec spec;

  @Mixin mnemo.cli.LearnerOptions learnerOptions;

  /** Makes the agent network for a spec on a device: the learner's, and every in-process actor's on the CPU. */
  private final java.util.function.BiFunction<AgentSpec, Device, AgentModel> models;

  /** The command as {@code mnemo train} runs it: the learner's network on {@code --device}, the actors' on the CPU. */
  public TrainCommand() {
    this(AgentNetworks::create);
  }

  /** The command with another network factory (a smaller model in a test, say), on the CPU throughout. */
  public TrainCommand(Function<AgentSpec, AgentModel> models) {
    this((agentSpec, device) -> models.apply(agentSpec));
  }

  private TrainCommand(java.util.function.BiFunction<AgentSpec, Device, AgentModel> models) {
    this.models = models;
  }

  @Override
  public Integer call() throws Exception {
    // an unsafe bind (learner or metrics) is refused before anything is built, written or bound: the
    // IllegalArgumentException is Main's one line and exit code 2
    transport.security().checkServer();
    metricsOptions.checkBind(transport.security().bind(), transport.security());
    Device learnerDevice = learnerOptions.device(); // a missing GPU or a bad queue fails before anything is written
    int queue = learnerOptions.queue();
    Duration checkpointInterval = LearnerProcess.checkpointInterval(checkpointEvery);
    ExperimentConfig config;
    Checkpoint checkpoint = null;
    if (resume != null && resume.toString().isEmpty()) { // --resume without DIR: the --run-dir
      if (runDir == null) {
        throw new IllegalArgumentException("--resume needs a run folder: --resume DIR or --resume --run-dir DIR");
      }
      resume = runDir;
    }
    if (resume != null) {
      checkpoint = new RunFolder(resume).readCheckpoint();
      config = checkpoint.config();
      if (spec.commandLine().getParseResult().hasMatchedOption("--frames")) {
        config = config.toBuilder().setTotalFrames(experiment.frames).build();
        checkpoint = withConfig(checkpoint, config);
      }
      if (runDir == null) {
        runDir = resume;
      }
    } else {
      EnvSpec probed = probe(experiment.task(), transport.security());
      int maxSteps = probed.maxEpisodeSteps(); // the unroll follows it
      // memory tasks stepped in-process sample their length per training episode (--length-sampling)
      int memoryLength = envServer == null ? VariableLength.memoryLength(BuiltinTasks.registry(), experiment.task()).orElse(0) : 0;
      config = experiment.toConfig(probed, memoryLength);
      ExperimentOptions.unrollWarning(config, maxSteps, memoryLength > 0).ifPresent(System.err::println);
      if (runDir == null) {
        runDir = Path.of("runs", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
      }
    }
    RunFolder run = new RunFolder(runDir).create();
    run.writeConfig(config);
    System.out.println("mnemo train: " + (checkpoint != null ? "resuming " + resume + " at " + checkpoint.frames()
        + " frames" : "run folder " + runDir));
    System.out.println(RunFolder.toJson(config));
    if (envServer == null) {
      ExperimentOptions.trainingAidsNote(config).ifPresent(System.out::println);
      ExperimentOptions.taskSettingsNote(config).ifPresent(System.out::println);
    }

    TransportSecurity security = transport.security();
    EnvSpec envSpec = probe(config.getTaskId(), security);
    Function<AgentSpec, AgentModel> onCpu = agentSpec -> models.apply(agentSpec, Device.cpu());
    LearnerProcess process = LearnerProcess.start(config, checkpoint, envSpec,
        agentSpec -> models.apply(agentSpec, learnerDevice),
        new LearnerProcess.Settings(runDir, checkpointInterval, queue, 0, security, port,
            metricsOptions.start(security.bind())));
    Learner learner = process.learner();
    System.out.println("learner listening on " + process.address());

    ActorSetup.EnvironmentOpener opener = envServer == null ? ActorSetup.local()
        : (c, n, curriculum) -> RemoteBatchedEnvironment.connect(envServer, security, c.getTaskId(), n);
    Actors actors = local ? new LocalActors(config, learner, process.registry(), opener, onCpu)
        : new ProcessActors(new ActorProcesses(config.getNumActors(), process.target(), config.getEnvsPerActor(),
            Arrays.asList(actorJvmOptions.trim().split("\\s+")),
            envServer == null ? List.of() : List.of("--env-server=" + envServer), security.token(), run.logs(),
            TrainCommand::event));
    process.closeOnShutdown(actors::close); // the actors stop first, then the learner: final checkpoint

    long startNanos = System.nanoTime();
    long startFrames = learner.frames();
    boolean sampled = ActorSetup.lengthSampling(config) != LengthSampling.FIXED;
    try (MetricsLog metrics = new MetricsLog(run.metrics(), COLUMNS);
        ProgressView progress = new ProgressView(config.getTotalFrames(), startFrames)) {
      long nextReport = 0;
      long nextCurve = System.nanoTime() + 20_000_000_000L;
      while (!learner.isFinished()) {
        learner.awaitFinished(Duration.ofMillis(500));
        Learner.Progress p = learner.progress();
        progress.update(p.frames(), p.framesPerSecond(), p.meanEpisodeReturn(), p.successRate(), p.updates(),
            sampled ? p.fullLengthSuccessRate() : null, p.memoryLength(), config.getMemoryLength());
        long now = System.nanoTime();
        if (now >= nextReport) {
          metrics.append(row(p, (now - startNanos) / 1e9, actors.restarts()));
          nextReport = now + (long) (reportEvery * 1e9);
        }
        if (now >= nextCurve) {
          LearningCurve.write(run.metrics(), run.curve(), config.getTaskId() + " — " + config.getCoreSpec());
          nextCurve = now + 30_000_000_000L;
        }
      }
      Learner.Progress p = learner.progress();
      progress.update(p.frames(), p.framesPerSecond(), p.meanEpisodeReturn(), p.successRate(), p.updates(),
            sampled ? p.fullLengthSuccessRate() : null, p.memoryLength(), config.getMemoryLength());
      metrics.append(row(p, (System.nanoTime() - startNanos) / 1e9, actors.restarts()));
    }
    if (learner.failure() != null) {
      log.error("the learner failed", learner.failure());
    }
    Learner.Progress p = learner.progress();
    process.close();
    boolean drawn = LearningCurve.write(run.metrics(), run.curve(), config.getTaskId() + " — " + config.getCoreSpec());
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    System.out.printf(Locale.ROOT, "trained %d frames (%d updates) in %.0f s, %.0f frames/s; recent episodes: mean "
        + "return %.3f, success %s%s%n", p.frames(), p.updates(), seconds, (p.frames() - startFrames) / seconds,
        p.meanEpisodeReturn(), pct(p.successRate()), sampled ? String.format(Locale.ROOT,
            " (memory length varied by %s%s; at the task's L = %d: mean return %.3f, success %s)",
            config.getLengthSampling(), p.memoryLength() > 0 ? ", reached " + p.memoryLength() : "",
            config.getMemoryLength(), p.fullLengthReturn(), pct(p.fullLengthSuccessRate())) : "");
    System.out.println("run folder: " + runDir + " (config.json, metrics.csv, " + (drawn ? "curve.png, " : "")
        + "checkpoint.zip)");
    System.out.println(drawn ? "curve:      " + run.curve() + " (return and success against frames; open it in any "
        + "image viewer, e.g. xdg-open; the numbers are in metrics.csv, its columns in docs/training.md)"
        : "curve:      not drawn (no episode ended yet; see " + run.metrics() + ")");
    System.out.println("evaluate:   ./mnemo eval --run-dir " + runDir + " --episodes 200 " + (envServer != null
        ? "--env-server " + envServer : "--gif " + runDir.resolve("episode.gif")));
    return learner.failure() == null ? 0 : 1;
  }

  /** The task's spec: from the environment server with --env-server, else from the built-in registry. */
  private EnvSpec probe(String taskId, TransportSecurity security) {
    if (envServer != null) {
      try (RemoteBatchedEnvironment env = RemoteBatchedEnvironment.connect(envServer, security, taskId, 1)) {
        return env.spec();
      }
    }
    try (Environment env = BuiltinTasks.registry().make(taskId)) {
      return env.spec();
    }
  }

  static final List<String> COLUMNS = List.of("wall_seconds", "frames", "updates", "weight_version", "fps",
      "mean_return", "success_rate", "mean_length", "loss", "queue_depth", "rejected_unrolls", "skipped_updates",
      "actor_restarts", "full_mean_return", "full_success_rate", "memory_length");

  private static String pct(double rate) {
    return Double.isNaN(rate) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * rate);
  }

  private static Map<String, Double> row(Learner.Progress p, double seconds, int restarts) {
    Map<String, Double> r = new LinkedHashMap<>();
    r.put("wall_seconds", Math.rint(seconds * 10) / 10);
    r.put("frames", (double) p.frames());
    r.put("updates", (double) p.updates());
    r.put("weight_version", (double) p.weightVersion());
    r.put("fps", Math.rint(p.framesPerSecond()));
    r.put("mean_return", p.meanEpisodeReturn());
    r.put("success_rate", p.successRate());
    r.put("mean_length", p.meanEpisodeLength());
    r.put("loss", p.loss());
    r.put("queue_depth", (double) p.queueDepth());
    r.put("rejected_unrolls", (double) p.rejectedUnrolls());
    r.put("skipped_updates", (double) p.skippedUpdates());
    r.put("actor_restarts", (double) restarts);
    r.put("full_mean_return", p.fullLengthReturn());
    r.put("full_success_rate", p.fullLengthSuccessRate());
    r.put("memory_length", (double) p.memoryLength());
    return r;
  }

  private static Checkpoint withConfig(Checkpoint c, ExperimentConfig config) {
    return new Checkpoint(config, c.frames(), c.updates(), c.weightVersion(), c.skippedUpdates(), c.rejectedUnrolls(),
        c.weightsNpz(), c.optimizerNpz(), c.memoryLength(), c.memoryMastered());
  }

  private static void event(String line) {
    log.info(line);
  }

  /** The actors of a run, however they run. */
  interface Actors extends AutoCloseable {
    int restarts();

    @Override
    void close();
  }

  /** Actor child processes. */
  record ProcessActors(ActorProcesses processes) implements Actors {
    @Override
    public int restarts() {
      int n = 0;
      for (int k = 0; k < processes.size(); k++) {
        n += processes.restarts(k);
      }
      return n;
    }

    @Override
    public void close() {
      processes.close();
    }
  }

  /** Actor threads in this JVM, each linked to the learner directly ({@link InProcessLearnerLink}, no gRPC). */
  static final class LocalActors implements Actors {
    private final List<Actor> actors = new ArrayList<>();
    private final List<InProcessLearnerLink> links = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    LocalActors(ExperimentConfig config, Learner learner, MeterRegistry registry, ActorSetup.EnvironmentOpener opener,
        Function<AgentSpec, AgentModel> models) throws InterruptedException {
      for (int k = 0; k < config.getNumActors(); k++) {
        String name = "local-actor-" + k;
        ActorMetrics metrics = new ActorMetrics(registry, name);
        InProcessLearnerLink link = new InProcessLearnerLink(learner, name, config.getEnvsPerActor(), metrics);
        Actor actor = ActorSetup.create(link, config.getEnvsPerActor(), opener, models, metrics);
        Thread t = new Thread(actor, name);
        t.setDaemon(true);
        links.add(link);
        actors.add(actor);
        threads.add(t);
      }
      threads.forEach(Thread::start);
    }

    @Override
    public int restarts() {
      return 0;
    }

    @Override
    public void close() {
      actors.forEach(Actor::stop);
      links.forEach(InProcessLearnerLink::close); // unblocks an actor waiting for queue space
      for (int k = 0; k < threads.size(); k++) {
        Thread t = threads.get(k);
        try {
          t.join(5000);
          if (t.isAlive()) {
            t.interrupt();
            t.join(5000);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (!t.isAlive()) {
          actors.get(k).close();
        }
      }
    }
  }
}
