package mnemo.actor;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.function.Function;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentSpec;
import mnemo.envs.BatchedEnvironment;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.curriculum.LengthSampling;
import mnemo.envs.curriculum.VariableLength;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an {@link Actor} for what the learner asked at registration: the task's environments (local,
 * or from an environment server), the agent network for the task and core spec, and the learner's
 * current weights.
 */
public final class ActorSetup {
  private static final Logger log = LoggerFactory.getLogger(ActorSetup.class);

  /** Opens N environments of the experiment's task. */
  @FunctionalInterface
  public interface EnvironmentOpener {
    /**
     * @param curriculum the length curriculum's current memory length, as the learner last published it
     *     (read at each episode's reset by tasks that follow it)
     */
    BatchedEnvironment open(ExperimentConfig config, int n, IntSupplier curriculum);
  }

  private ActorSetup() {}

  /**
   * In-process environments from the built-in registry, each episode at the memory length the
   * experiment's {@code length_sampling} says ({@link VariableLength}).
   */
  public static EnvironmentOpener local() {
    TaskRegistry registry = BuiltinTasks.registry();
    return (config, n, curriculum) -> {
      LengthSampling sampling = lengthSampling(config);
      return VectorEnvironment.of(n, () -> VariableLength.open(registry, config.getTaskId(), sampling, curriculum));
    };
  }

  /** The experiment's length sampling; unset is {@link LengthSampling#FIXED} (configs from before it existed). */
  public static LengthSampling lengthSampling(ExperimentConfig config) {
    return config.getLengthSampling().isEmpty() ? LengthSampling.FIXED : LengthSampling.parse(config.getLengthSampling());
  }

  /**
   * Registers on {@code link} (waiting for the learner), then builds the actor.
   *
   * @param numEnvs environments to step; 0 takes the experiment's envs_per_actor
   * @param models makes the agent network for a spec
   */
  public static Actor create(LearnerLink link, int numEnvs, EnvironmentOpener envs,
      Function<AgentSpec, AgentModel> models, ActorMetrics metrics) throws InterruptedException {
    RegisterResponse r = link.register();
    ExperimentConfig config = r.getConfig();
    int n = numEnvs > 0 ? numEnvs : Math.max(1, config.getEnvsPerActor());
    AtomicInteger curriculum = new AtomicInteger(); // set from the learner's weights below and on each refresh
    BatchedEnvironment env = envs.open(config, n, curriculum::get);
    AgentPolicy policy;
    try {
      policy = new AgentPolicy(models.apply(AgentPolicy.specFor(env.spec(), config)));
    } catch (RuntimeException e) {
      env.close();
      throw e;
    }
    long version = -1;
    Optional<Weights> w = link.fetchWeights(-1);
    if (w.isPresent()) {
      policy.loadWeights(w.get().getNpz().toByteArray());
      version = w.get().getVersion();
      curriculum.set(w.get().getMemoryLength());
    }
    log.info("actor ready: {} x {}, core {}, T={}, weights v{}", n, config.getTaskId(), config.getCoreSpec(),
        config.getUnrollLength(), version);
    return new Actor(env, policy, link, metrics, config.getUnrollLength(), r.getActorSeed(), version)
        .withExploration(exploration(config)).withCurriculum(curriculum).withEpisodeUnrolls(config.getEpisodeUnrolls())
        .withExploringStarts(config.getExploringStarts());
  }

  /**
   * The experiment's exploration schedule as a function of the weight version v (one per update):
   * ε(v) = ε₀ · max(0, 1 − f(v) / total_frames) with f(v) = v · T · B · N the frames the learner has
   * trained on by version v (N the experiment's environments per actor); ε₀ = exploration_epsilon.
   */
  public static java.util.function.LongToDoubleFunction exploration(ExperimentConfig config) {
    double e0 = config.getExplorationEpsilon();
    long total = config.getTotalFrames();
    if (!(e0 > 0)) {
      return v -> 0;
    }
    double framesPerVersion = (double) config.getUnrollLength() * Math.max(1, config.getBatchSize())
        * Math.max(1, config.getEnvsPerActor());
    return v -> total <= 0 ? e0 : e0 * Math.max(0, 1 - Math.max(0, v) * framesPerVersion / total);
  }
}
