package mnemo.cli;

import ai.djl.Device;
import com.google.protobuf.util.JsonFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import mnemo.agent.network.AgentNetworks;
import mnemo.cli.train.ExperimentOptions;
import mnemo.cli.train.LearnerProcess;
import mnemo.cli.train.RunFolder;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.curriculum.VariableLength;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Learner;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.transport.TransportSecurity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mnemo learner}: the learner process, serving {@code mnemo.learner.v1.Learner} to actors. */
@Command(
    name = "learner",
    header = "Run the learner alone, serving actors on other processes or machines.",
    mixinStandardHelpOptions = true,
    description = {
      "Run the learner: serve mnemo.learner.v1.Learner to actors",
      "(`mnemo actor --learner HOST:PORT`), train the agent with V-trace on one",
      "thread, publish versioned weights, checkpoint to DIR/checkpoint.zip every",
      "--checkpoint-every seconds and on shutdown (SIGTERM: final checkpoint, then exit",
      "code 143), and stop after --frames (exit code 0).",
      "The experiment comes from the flags, from --config FILE (a run folder's",
      "config.json), or, with --resume, from DIR's checkpoint."
    })
public final class LearnerCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(LearnerCommand.class);

  @Mixin ExperimentOptions experiment;

  @Option(names = "--config", paramLabel = "FILE",
      description = "The experiment as protobuf JSON (e.g. a run folder's config.json); replaces the experiment flags.")
  Path configFile;

  @Option(names = "--run-dir", required = true, paramLabel = "DIR",
      description = "The run folder: config.json and checkpoint.zip go here.")
  Path runDir;

  @Option(names = "--resume", description = "Continue from DIR/checkpoint.zip: its config, weights, optimizer state "
      + "and counters (frames, updates, weight version), so the learning-rate schedule carries on.")
  boolean resume;

  @Option(names = "--port", defaultValue = "50051", paramLabel = "P",
      description = "gRPC port (0: any free port; default: ${DEFAULT-VALUE}).")
  int port;

  @Mixin MetricsOptions metricsOptions;

  @Option(names = "--metrics-bind", defaultValue = TransportSecurity.LOOPBACK, paramLabel = "ADDR",
      description = "Address of the metrics endpoint (default: ${DEFAULT-VALUE}).")
  String metricsBind;

  @Mixin LearnerOptions learnerOptions;

  @Option(names = "--checkpoint-every", defaultValue = "300", paramLabel = "SECONDS",
      description = "Seconds between periodic checkpoints (default: ${DEFAULT-VALUE}); a learner killed outright "
          + "(SIGKILL, the OOM killer) loses at most this much training. One is always written on shutdown.")
  double checkpointEvery;

  @Option(names = "--max-envs-per-actor", defaultValue = "0", paramLabel = "N",
      description = "The most environments an actor may register; the learner's message cap is the largest unroll "
          + "this allows (default: 4 x the experiment's envs-per-actor, at least 64, at most 4096).")
  int maxEnvsPerActor;

  @Mixin TransportOptions transport;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    // first: an unsafe bind is refused before anything is built, written or bound (an IllegalArgumentException:
    // Main's one line and exit code 2)
    TransportSecurity security = transport.security();
    security.checkServer();
    metricsOptions.checkBind(metricsBind, security);
    Device dev = learnerOptions.device(); // a missing GPU or a bad queue fails before anything is written
    int queue = learnerOptions.queue();
    Duration checkpointInterval = LearnerProcess.checkpointInterval(checkpointEvery);
    RunFolder folder = new RunFolder(runDir).create();
    Checkpoint checkpoint = null;
    ExperimentConfig config;
    if (resume) {
      checkpoint = folder.readCheckpoint();
      config = checkpoint.config();
    } else if (configFile != null) {
      ExperimentConfig.Builder b = ExperimentConfig.newBuilder();
      JsonFormat.parser().merge(Files.readString(configFile), b);
      config = b.build();
    } else {
      config = null; // from the flags, once the task's episode length is known
    }
    // the task's spec, made once: its episode length sets the default unroll, and the model is built for it
    EnvSpec envSpec;
    try (Environment env = BuiltinTasks.registry().make(config != null ? config.getTaskId() : experiment.task())) {
      envSpec = env.spec();
    }
    if (config == null) { // from the flags, resolved and validated by toConfig
      // actors stepping the task in-process sample its memory length (--length-sampling); an actor with
      // --env-server cannot, and says so
      int memoryLength = VariableLength.memoryLength(BuiltinTasks.registry(), experiment.task()).orElse(0);
      config = experiment.toConfig(envSpec, memoryLength);
      ExperimentOptions.unrollWarning(config, envSpec.maxEpisodeSteps(), memoryLength > 0)
          .ifPresent(System.err::println);
    } else { // from a file or a checkpoint: resolved against the task and validated here
      config = ExperimentConfigs.resolve(config, envSpec.maxEpisodeSteps(),
          VariableLength.memoryLength(BuiltinTasks.registry(), config.getTaskId()).isPresent());
      ExperimentConfigs.validate(config);
    }
    folder.writeConfig(config);
    ExperimentOptions.trainingAidsNote(config).ifPresent(System.out::println);
    ExperimentOptions.taskSettingsNote(config).ifPresent(System.out::println);

    log.info("learner on {}: {} with {}, T={}, B={}, {} frames", dev, config.getTaskId(), config.getCoreSpec(),
        config.getUnrollLength(), config.getBatchSize(), config.getTotalFrames());

    LearnerProcess process = LearnerProcess.start(config, checkpoint, envSpec, agentSpec -> AgentNetworks.create(agentSpec, dev),
        new LearnerProcess.Settings(runDir, checkpointInterval, queue, maxEnvsPerActor, security, port,
            metricsOptions.start(metricsBind)));
    Learner learner = process.learner();
    System.out.println("learner serving on " + process.address() + ", run folder " + runDir);
    process.closeOnShutdown(() -> {}); // SIGTERM / Ctrl-C: stop serving, stop training, final checkpoint

    long lastLog = System.nanoTime();
    while (!learner.awaitFinished(Duration.ofSeconds(1))) {
      if (System.nanoTime() - lastLog > 10_000_000_000L) {
        lastLog = System.nanoTime();
        Learner.Progress p = learner.progress();
        log.info("frames {} / {} ({} /s), updates {}, return {}, success {}, queue {}, rejected {}, skipped {}",
            p.frames(), p.totalFrames(), String.format("%.0f", p.framesPerSecond()), p.updates(),
            String.format("%.3f", p.meanEpisodeReturn()), String.format("%.2f", p.successRate()), p.queueDepth(),
            p.rejectedUnrolls(), p.skippedUpdates());
      }
    }
    process.close();
    if (process.signalled()) { // the JVM is shutting down: the shutdown hook closes the process
      return 0;
    }
    Learner.Progress p = learner.progress();
    // no episode ended in this process (e.g. a run resumed with its budget spent): say so rather than NaN
    String episodes = Double.isNaN(p.meanEpisodeReturn()) ? "no episodes in this process"
        : String.format("mean return %.3f, success %.2f", p.meanEpisodeReturn(), p.successRate());
    System.out.printf("learner done: %d frames, %d updates, weight version %d, %s%n",
        p.frames(), p.updates(), p.weightVersion(), episodes);
    if (learner.failure() != null) {
      log.error("the training thread failed", learner.failure());
      return 1;
    }
    return 0;
  }
}
