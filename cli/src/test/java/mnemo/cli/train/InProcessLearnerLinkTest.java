package mnemo.cli.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import mnemo.actor.Actor;
import mnemo.actor.ActorMetrics;
import mnemo.actor.ActorSetup;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.agent.network.AgentNetworks;
import mnemo.cli.Main;
import mnemo.envs.Environment;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Learner;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.env.v1.EnvSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --local}'s actors: real actors on an {@link InProcessLearnerLink} to a learner in this JVM. */
class InProcessLearnerLinkTest {
  private static final int T = 5;
  private static final int N = 2;
  private static final Function<AgentSpec, AgentModel> MODELS = s -> AgentNetworks.create(s, Device.cpu());

  private static ExperimentConfig config(long frames) {
    return ExperimentConfig.newBuilder().setTaskId("memory/cue-recall:length=2").setCoreSpec("lstm:hidden=8")
        .setUnrollLength(T).setBatchSize(2).setEnvsPerActor(N).setNumActors(1).setTotalFrames(frames).setSeed(3)
        .build();
  }

  private static EnvSpec envSpec(ExperimentConfig c) {
    try (Environment e = BuiltinTasks.registry().make(c.getTaskId())) {
      return ProtoCodec.toProto(e.spec());
    }
  }

  private static Thread start(Actor actor) {
    Thread t = new Thread(actor, "test-actor");
    t.setDaemon(true);
    t.start();
    return t;
  }

  @Test
  void anActorTrainsTheLearnerUntilItSaysTrainingFinishedAndEndsWithItsWeights() throws Exception {
    ExperimentConfig config = config(2L * T * N); // one update of two unrolls
    try (AgentModel model = MODELS.apply(Learner.agentSpec(config, envSpec(config)))) {
      Learner learner = Learner.create(config, model, envSpec(config), Learner.Options.defaults());
      learner.start();
      InProcessLearnerLink link = new InProcessLearnerLink(learner, "a", N, ActorMetrics.unregistered());
      Actor actor = ActorSetup.create(link, N, ActorSetup.local(), MODELS, ActorMetrics.unregistered());
      Thread t = start(actor);
      assertThat(learner.awaitFinished(Duration.ofSeconds(60))).isTrue();
      t.join(30_000);
      assertThat(t.isAlive()).as("the actor stops once told training finished").isFalse();
      assertThat(link.learnerFinished()).isTrue();
      assertThat(learner.failure()).isNull();
      assertThat(learner.updates()).isEqualTo(1);
      assertThat(learner.frames()).isEqualTo(2L * T * N);
      assertThat(learner.rejectedUnrolls()).isZero();
      assertThat(actor.weightVersion()).isEqualTo(learner.weightVersion()).isEqualTo(1);
      actor.close();
      learner.close();
    }
  }

  @Test
  void aFullQueueStallsTheActorUntilTheLinkIsClosed() throws Exception {
    ExperimentConfig config = config(1_000_000);
    try (AgentModel model = MODELS.apply(Learner.agentSpec(config, envSpec(config)))) {
      // not started: nothing takes unrolls off the queue of one
      Learner learner = Learner.create(config, model, envSpec(config), Learner.Options.defaults().withQueueCapacity(1));
      InProcessLearnerLink link = new InProcessLearnerLink(learner, "a", N, ActorMetrics.unregistered());
      Actor actor = ActorSetup.create(link, N, ActorSetup.local(), MODELS, ActorMetrics.unregistered());
      Thread t = start(actor);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (actor.unrollsSent() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      Thread.sleep(300);
      assertThat(learner.queueDepth()).isEqualTo(1);
      assertThat(actor.unrollsSent()).as("the second unroll waits for queue space").isEqualTo(2);
      assertThat(t.isAlive()).isTrue();
      actor.stop();
      link.close();
      t.join(10_000);
      assertThat(t.isAlive()).as("closing the link ends the wait").isFalse();
      actor.close();
      learner.close();
    }
  }

  @Test
  void trainLocalRunsTheWholeSystemInOneJvm(@TempDir Path dir) throws Exception {
    Path run = dir.resolve("run");
    int code = Main.commandLine().execute("train", "--local", "--env=memory/cue-recall:length=2",
        "--core=lstm:hidden=8", "--actors=1", "--envs-per-actor=2", "--unroll=5", "--batch=2", "--frames=400",
        "--run-dir=" + run, "--report-every=1");
    assertThat(code).isZero();
    assertThat(Checkpoint.read(Checkpoint.inRunDir(run)).frames()).isGreaterThanOrEqualTo(400);
    assertThat(run.resolve("metrics.csv")).isRegularFile();
  }
}
