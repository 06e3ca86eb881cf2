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

  static Result measure(ExperimentConfig config, EnvSpec spec, List<Unroll> unrolls, Device device, Window window)
      throws InterruptedException {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (AgentModel model = AgentNetworks.create(Learner.agentSpec(config, spec), device)) {
      Learner learner = Learner.create(config, model, spec, Learner.Options.defaults().withRegistry(registry));
      learner.start();
      Thread feeder = new Thread(() -> {
        for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
          if (!learner.submit(unrolls.get(i % unrolls.size()), () -> Thread.currentThread().isInterrupted())
              .getAccepted()) {
            return;
          }
        }
      }, "bench-feeder");
      feeder.start();
      learner.awaitUpdates(3, Duration.ofMinutes(5)); // warm-up
      Timer step = registry.find("mnemo.learner.step").timer();
      Timer decode = registry.find("mnemo.learner.unroll.decode").timer();
      long f0 = learner.frames();
      long u0 = learner.updates();
      double s0 = step.totalTime(TimeUnit.MILLISECONDS);
      double d0 = decode.totalTime(TimeUnit.MILLISECONDS);
      long n0 = decode.count();
      long t0 = System.nanoTime();
      if (window.updates() > 0) {
        learner.awaitUpdates(u0 + window.updates(), Duration.ofHours(1));
      } else {
        Thread.sleep((long) (window.seconds() * 1000));
      }
      long f1 = learner.frames();
      long u1 = learner.updates();
      double s1 = step.totalTime(TimeUnit.MILLISECONDS);
      double d1 = decode.totalTime(TimeUnit.MILLISECONDS);
      long n1 = decode.count();
      long t1 = System.nanoTime();
      feeder.interrupt();
      learner.close();
      feeder.join(5000);
      double stepMs = (s1 - s0) / Math.max(1, u1 - u0);
      double decodeMs = config.getBatchSize() * (d1 - d0) / Math.max(1, n1 - n0);
      return new Result((f1 - f0) * 1e9 / (t1 - t0), stepMs, decodeMs,
          (d1 - d0) / Math.max(1e-12, (d1 - d0) + (s1 - s0)));
    }
  }
}
