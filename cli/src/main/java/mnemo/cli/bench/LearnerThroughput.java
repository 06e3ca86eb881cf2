package mnemo.cli.bench;

import ai.djl.Device;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mnemo.agent.AgentModel;
import mnemo.agent.network.AgentNetworks;
import mnemo.envs.EnvSpec;
import mnemo.envs.remote.ProtoCodec;
import mnemo.learner.Learner;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.Unroll;

/**
 * The learner alone: the {@link Learner} (queue, batcher, training thread, weights published after each
 * update) fed from memory with the same few unroll messages over and over, as fast as it takes them, so
 * validating and decoding them is included. Measured after a warm-up of 3 updates.
 */
final class LearnerThroughput {
  private LearnerThroughput() {}

  /**
   * What one measurement found.
   *
   * @param framesPerSecond frames trained on per second of wall time
   * @param stepMs mean training step (stack, forward + backward, V-trace, loss, clip, update)
   * @param decodeMs mean time to validate and decode one batch's B unroll messages
   * @param decodeShare validating and decoding over (that + training steps)
   */
  record Result(double framesPerSecond, double stepMs, double decodeMs, double decodeShare) {}

  /** How long to measure: {@code updates} updates, or (when 0) {@code seconds}. */
  record Window(int updates, double seconds) {
    static Window updates(int n) {
      return new Window(n, 0);
    }

    static Window seconds(double s) {
      return new Window(0, s);
    }
  }

  /** The learner's counters and timer totals at one instant. */
  private record Reading(long nanos, long frames, long updates, double stepMs, double decodeMs, long decodes) {
    static Reading of(Learner learner, Timer step, Timer decode) {
      return new Reading(System.nanoTime(), learner.frames(), learner.updates(), step.totalTime(TimeUnit.MILLISECONDS),
          decode.totalTime(TimeUnit.MILLISECONDS), decode.count());
    }
  }

  static Result measure(ExperimentConfig config, EnvSpec spec, List<Unroll> unrolls, Device device, Window window)
      throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    mnemo.proto.env.v1.EnvSpec wire = ProtoCodec.toProto(spec);
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config, wire), device)) {
      Learner learner = Learner.create(config, model, wire, Learner.Options.defaults().withRegistry(registry)
          .withMaxEnvsPerActor(unrolls.get(0).getNumEnvs()));
      learner.start();
      // one registered actor; each unroll stamped with its id and the next sequence number, as an actor would
      String actorId = learner.register(mnemo.proto.learner.v1.RegisterRequest.newBuilder().setActorName("bench")
          .setNumEnvs(unrolls.get(0).getNumEnvs()).build()).getActorId();
      Thread feeder = new Thread(() -> {
        for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
          Unroll u = unrolls.get(i % unrolls.size()).toBuilder().setActorId(actorId).setSequence(i).build();
          if (!learner.submit(u, () -> Thread.currentThread().isInterrupted()).getAccepted()) {
            return;
          }
        }
      }, "bench-feeder");
      feeder.start();
      learner.awaitUpdates(3, Duration.ofMinutes(5)); // warm-up
      Timer step = registry.find("mnemo.learner.step").timer();
      Timer decode = registry.find("mnemo.learner.unroll.decode").timer();
      Reading r0 = Reading.of(learner, step, decode);
      if (window.updates() > 0) {
        learner.awaitUpdates(r0.updates() + window.updates(), Duration.ofHours(1));
      } else {
        Thread.sleep((long) (window.seconds() * 1000));
      }
      Reading r1 = Reading.of(learner, step, decode);
      feeder.interrupt();
      learner.close();
      feeder.join(5000);
      double stepMs = r1.stepMs() - r0.stepMs();
      double decodeMs = r1.decodeMs() - r0.decodeMs();
      return new Result((r1.frames() - r0.frames()) * 1e9 / (r1.nanos() - r0.nanos()),
          stepMs / Math.max(1, r1.updates() - r0.updates()),
          config.getBatchSize() * decodeMs / Math.max(1, r1.decodes() - r0.decodes()),
          decodeMs / Math.max(1e-12, decodeMs + stepMs));
    }
  }
}
