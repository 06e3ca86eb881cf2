package mnemo.learner.testing;

import ai.djl.ndarray.NDManager;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Learner;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.env.v1.EnvSpec;

/** Small learners on cue-recall with the linear test model. */
public final class TestLearners {
  private TestLearners() {}

  public static final String TASK = "memory/cue-recall:length=3";
  public static final int T = 5;
  public static final int N = 3;

  public static ExperimentConfig config(int batchSize, long totalFrames) {
    return ExperimentConfig.newBuilder().setTaskId(TASK).setCoreSpec("linear").setUnrollLength(T)
        .setBatchSize(batchSize).setTotalFrames(totalFrames).setLrLinearDecay(totalFrames > 0).setSeed(5)
        .setOptimizer("rmsprop").setLearningRate(0.01).build();
  }

  /** The task's spec as the wire carries it (what the learner reads). */
  public static EnvSpec envSpec() {
    return ProtoCodec.toProto(BuiltinTasks.registry().make(TASK).spec());
  }

  /** Registers an actor of N environments with {@code learner}; returns its actor id. */
  public static String register(Learner learner) {
    return learner.register(mnemo.proto.learner.v1.RegisterRequest.newBuilder().setActorName("test").setNumEnvs(N)
        .build()).getActorId();
  }

  public static LinearAgentModel model(NDManager root, ExperimentConfig config) {
    return new LinearAgentModel(Learner.agentSpec(config, envSpec()), root);
  }
}
