package mnemo.cli.bench;

import ai.djl.Device;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import mnemo.actor.Actor;
import mnemo.actor.ActorMetrics;
import mnemo.actor.ActorSetup;
import mnemo.actor.Backoff;
import mnemo.actor.GrpcLearnerLink;
import mnemo.agent.AgentModel;
import mnemo.agent.network.AgentNetworks;
import mnemo.envs.EnvSpec;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.Environment;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Learner;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.learner.service.LearnerServer;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.transport.ClientChannels;
import mnemo.transport.TransportSecurity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mnemo bench system}: end-to-end frames/s of the IMPALA system (one learner, one actor thread,
 * loopback gRPC, all in this JVM) next to its two halves measured alone in the same run: the actor
 * with its unrolls serialized and dropped, and the learner fed from memory with real unrolls.
 */
@Command(
    name = "system",
    header = "End-to-end frames per second against the actor alone and the learner alone.",
    mixinStandardHelpOptions = true,
    description = {
      "End-to-end frames/s (learner + actor over loopback gRPC) against the actor alone and the learner",
      "alone, per task and core, with the share of learner time spent validating and decoding unrolls."
    })
public final class SystemBenchCommand implements Callable<Integer> {

  @Option(names = "--tasks", defaultValue = "memory/cue-recall:length=10;minigrid/memory:size=7", split = ";",
      description = "Tasks, ';'-separated (default: ${DEFAULT-VALUE}: a vector task and an image task).")
  List<String> tasks;

  @Option(names = "--cores", defaultValue = "ur-lstm:hidden=64,lstm:hidden=64", split = mnemo.agent.core.CoreSpec.LIST_SEPARATOR,
      description = "Core specs (default: ${DEFAULT-VALUE}).")
  List<String> cores;

  @Option(names = "--envs", defaultValue = "8", description = "N, environments of the actor (default: ${DEFAULT-VALUE}).")
  int envs;

  @Option(names = "--unroll", defaultValue = "10", description = "T (default: ${DEFAULT-VALUE}).")
  int unroll;

  @Option(names = "--batch", defaultValue = "4", description = "B (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seconds", defaultValue = "15", description = "Timed seconds per measurement (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--out", defaultValue = "docs/benchmarks/system.md", description = "Markdown output (default: ${DEFAULT-VALUE}).")
  Path out;

  @Override
  public Integer call() throws Exception {
    String command = "./mnemo bench system --tasks '"
        + String.join(";", tasks) + "' --cores " + String.join(",", cores) + " --envs " + envs + " --unroll " + unroll
        + " --batch " + batch + " --seconds " + seconds;
    StringBuilder md = new StringBuilder(BenchReport.measured("", command));
    md.append("| task | core | actor alone (frames/s) | learner alone (frames/s) | system (frames/s) | system / min(alone) "
        + "| decode share | unroll KiB |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (String task : tasks) {
      for (String core : cores) {
        ExperimentConfig config = ExperimentConfigs.resolve(ExperimentConfig.newBuilder().setTaskId(task)
            .setCoreSpec(core).setUnrollLength(unroll).setBatchSize(batch).setEnvsPerActor(envs).setNumActors(1)
            .setOptimizer(ExperimentConfigs.IMPALA_OPTIMIZER).setLearningRate(ExperimentConfigs.IMPALA_LEARNING_RATE)
            .setTotalFrames(1_000_000_000_000L).setLrLinearDecay(false).setSeed(3).build());
        System.out.printf("%s with %s: actor alone ...%n", task, core);
        ActorThroughput.Result actor = ActorThroughput.measure(config, envs, seconds, 16);
        System.out.printf("  %.0f frames/s; learner alone ...%n", actor.stepsPerSecond());
        // fed from memory with 16 real unrolls the actor made
        double learner = LearnerThroughput.measure(config, spec(task), actor.kept(), Device.cpu(),
            LearnerThroughput.Window.seconds(seconds)).framesPerSecond();
        System.out.printf("  %.0f frames/s; system ...%n", learner);
        double[] system = system(config);
        double ratio = system[0] / Math.min(actor.stepsPerSecond(), learner);
        String row = String.format(Locale.ROOT, "| `%s` | `%s` | %.0f | %.0f | %.0f | %.2f | %.1f %% | %.1f |%n", task, core,
            actor.stepsPerSecond(), learner, system[0], ratio, 100 * system[1], actor.unrollBytes() / 1024);
        System.out.print(row);
        md.append(row);
      }
    }
    BenchReport.write(out, command, md);
    return 0;
  }

  private static EnvSpec spec(String task) {
    try (Environment e = BuiltinTasks.registry().make(task)) {
      return e.spec();
    }
  }

  /** Learner and one actor thread over loopback gRPC: {frames/s, decode share of learner time}. */
  private double[] system(ExperimentConfig config) throws Exception {
    mnemo.proto.env.v1.EnvSpec spec = ProtoCodec.toProto(spec(config.getTaskId()));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config, spec), Device.cpu())) {
      Learner learner = Learner.create(config, model, spec, Learner.Options.defaults().withRegistry(registry));
      learner.start();
      try (LearnerServer server = LearnerServer.start(learner, TransportSecurity.loopback(), 0, registry)) {
        ActorMetrics metrics = ActorMetrics.unregistered();
        GrpcLearnerLink link = new GrpcLearnerLink(ClientChannels.open(server.target(), TransportSecurity.loopback(),
            512 << 20), "bench-actor", envs, metrics, Backoff.standard(), 2);
        Actor actor = ActorSetup.create(link, envs, ActorSetup.local(),
            s -> AgentNetworks.create(s, Device.cpu()), metrics);
        Thread t = new Thread(actor, "bench-actor");
        t.start();
        learner.awaitUpdates(3, Duration.ofMinutes(5)); // warm-up
        long f0 = learner.frames();
        double d0 = total(registry, "mnemo.learner.unroll.decode");
        double s0 = total(registry, "mnemo.learner.step");
        long t0 = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        long f1 = learner.frames();
        double d1 = total(registry, "mnemo.learner.unroll.decode");
        double s1 = total(registry, "mnemo.learner.step");
        long t1 = System.nanoTime();
        actor.stop();
        link.close();
        t.join(10_000);
        if (!t.isAlive()) {
          actor.close();
        }
        double decode = d1 - d0;
        return new double[] {(f1 - f0) * 1e9 / (t1 - t0), decode / Math.max(1e-12, decode + (s1 - s0))};
      }
    }
  }

  private static double total(SimpleMeterRegistry registry, String timer) {
    Timer t = registry.find(timer).timer();
    return t == null ? 0 : t.totalTime(TimeUnit.SECONDS);
  }
}
