package mnemo.cli.bench;

import ai.djl.Device;
import mnemo.actor.Actor;
import mnemo.actor.ActorMetrics;
import mnemo.actor.AgentPolicy;
import mnemo.actor.DiscardingLink;
import mnemo.agent.network.AgentNetworks;
import java.util.List;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;

/**
 * Actors alone: one actor thread with N local environments, its unrolls serialized and dropped (all but
 * the first few, kept to feed the learner alone with real unrolls).
 */
final class ActorThroughput {
  private ActorThroughput() {}

  /** What one measurement found; {@code kept}: the first unrolls, at most the number asked for. */
  record Result(double stepsPerSecond, double unrollBytes, double inferenceShare, List<Unroll> kept) {}

  /** @param keep how many of the first unrolls to keep */
  static Result measure(ExperimentConfig config, int envs, double seconds, int keep) throws InterruptedException {
    TaskRegistry registry = BuiltinTasks.registry();
    VectorEnvironment env = VectorEnvironment.of(envs, () -> registry.make(config.getTaskId()));
    AgentPolicy policy = new AgentPolicy(AgentNetworks.create(AgentPolicy.specFor(env.spec(), config), Device.cpu()));
    DiscardingLink link = new DiscardingLink(RegisterResponse.newBuilder().setConfig(config).build()).keeping(keep);
    ActorMetrics metrics = ActorMetrics.unregistered();
    Actor actor = new Actor(env, policy, link, metrics, config.getUnrollLength(), config.getSeed(), 0);
    Thread t = new Thread(actor, "bench-actor");
    t.start();
    // warm-up: a second of steps before counting
    Thread.sleep(1500);
    long s0 = metrics.totalSteps();
    long i0 = metrics.inferenceNanos();
    long t0 = System.nanoTime();
    Thread.sleep((long) (seconds * 1000));
    long s1 = metrics.totalSteps();
    long i1 = metrics.inferenceNanos();
    long t1 = System.nanoTime();
    actor.stop();
    t.join();
    actor.close();
    double unrollBytes = link.unrolls() == 0 ? 0 : link.bytes() / (double) link.unrolls();
    return new Result((s1 - s0) * 1e9 / (t1 - t0), unrollBytes, (i1 - i0) / (double) (t1 - t0), List.copyOf(link.kept()));
  }
}
