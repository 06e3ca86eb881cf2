package mnemo.learner.config;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import mnemo.learner.loss.LossConfig;
import mnemo.learner.loss.RewardClipping;
import mnemo.agent.optim.Adam;
import mnemo.learner.optim.LinearDecay;
import mnemo.agent.optim.RmsProp;
import mnemo.agent.optim.StatefulOptimizer;
import mnemo.learner.vtrace.VTraceParams;
import mnemo.proto.config.v1.ExperimentConfig;

/**
 * The experiment config's defaults, the one set (the command line reads its flags' defaults here),
 * validation, and the learner objects built from it. {@link #resolve} fills every unset field, so a
 * resolved config is complete and is what gets printed, saved in the run folder and sent to actors.
 *
 * <p>The defaults are what {@code mnemo train} runs without flags, tuned on the memory tasks
 * (docs/results-rl.md): cue recall with a 5-step delay and a small UR-LSTM, 2 actors × 2 environments, an
 * unroll of one whole episode, B = 2 unrolls per update (4 episodes), Adam 1e-3 with ε = 1e-3, λ = 0.9,
 * entropy 0.001 and the length curriculum; it passes 95 % success at 15–28k frames. Where they differ from
 * IMPALA's published values, the constant says why; {@link #IMPALA_OPTIMIZER} and {@link
 * #IMPALA_LEARNING_RATE} keep the paper's optimizer for the benchmarks measured with it.
 */
public final class ExperimentConfigs {
  private ExperimentConfigs() {}

  /** The task (task_id, required: {@link #resolve} leaves it to the caller). */
  public static final String TASK = "memory/cue-recall:length=5";
  /** The recurrent core (core_spec, required: {@link #resolve} leaves it to the caller). */
  public static final String CORE_SPEC = "ur-lstm:hidden=32";
  /** The frame budget (total_frames; 0 is a real choice, no budget, so {@link #resolve} leaves it). */
  public static final long TOTAL_FRAMES = 60_000;
  /** The seed (0 is a seed like any other, so {@link #resolve} leaves it). */
  public static final long SEED = 1;
  /** IMPALA's unroll, for tasks whose episodes do not fit one ({@link #episodeUnroll}). */
  public static final int UNROLL_LENGTH = 20;
  /** Unrolls per update: 2, not IMPALA's 32 (8 in its small runs): more updates per frame on small tasks. */
  public static final int BATCH_SIZE = 2;
  public static final String OPTIMIZER = "adam";
  public static final double LEARNING_RATE = 1e-3;
  /** IMPALA's optimizer and learning rate, which the learner and system benchmarks are measured with. */
  public static final String IMPALA_OPTIMIZER = "rmsprop";
  public static final double IMPALA_LEARNING_RATE = 6e-4;
  public static final boolean LR_LINEAR_DECAY = true;
  public static final boolean NORMALIZE_ADVANTAGES = false;
  /** IMPALA's and TorchBeast's: every episode end, a time limit too, ends the return. */
  public static final boolean BOOTSTRAP_TRUNCATION = false;
  public static final double RMSPROP_DECAY = 0.99;
  public static final double RMSPROP_EPSILON = 0.1;
  public static final double ADAM_BETA1 = 0.9;
  public static final double ADAM_BETA2 = 0.999;
  /**
   * Adam's ε, far above the usual 1e-8: with the loss summed over T·B transitions and gradients that
   * all but vanish once a task is solved, 1e-8 lets √v̂ fall so low that the next large gradient is
   * blown up into a step that erased the learned memory (cue recall L = 12 fell from 100 % to chance);
   * 1e-3 kept it (docs/results-rl.md).
   */
  public static final double ADAM_EPSILON = 1e-3;
  public static final double MAX_GRAD_NORM = 40;
  public static final double DISCOUNT = 0.99;
  public static final double BASELINE_COST = 0.5;
  /** 0.001: with 0.01 a solved task drifted and collapsed to chance more often (docs/results-rl.md). */
  public static final double ENTROPY_COST = 0.001;
  public static final String REWARD_CLIPPING = "abs_one";
  /**
   * V-trace's λ: 0.9, not IMPALA's 1. With λ = 1 every step before a delayed reward gets that reward's noise
   * as its advantage (±1 at each waiting step of cue recall), which drowns the one step that matters; 0.9
   * learned cue recall L = 12 in every seed tried, 1 in one of three (docs/results-rl.md).
   */
  public static final double LAMBDA = 0.9;
  public static final double EXPLORATION_EPSILON = 0;
  /**
   * Training episodes of a memory task (one whose family names a memory-length parameter) follow a
   * length curriculum up to the task's L ({@code LengthCurriculum}); the trainer applies it where the
   * task allows (docs/results-rl.md).
   */
  public static final String LENGTH_SAMPLING = "curriculum";
  public static final int TORSO_HIDDEN = mnemo.agent.AgentSpec.DEFAULT_TORSO_HIDDEN;
  public static final int ENVS_PER_ACTOR = 2;
  public static final int NUM_ACTORS = 2;

  /** The longest unroll chosen automatically: longer episodes are cut into unrolls of {@link #UNROLL_LENGTH}. */
  public static final int MAX_EPISODE_UNROLL = 256;

  /**
   * The longest unroll chosen automatically for a memory task (one whose family declares a memory-length
   * parameter: the T-maze, cue recall, visual match): its whole episode is the memory horizon, and cutting it
   * cuts the gradient from the cue to the decision. 2048 covers Ni et al.'s passive T-maze (L up to 1500).
   */
  public static final int MAX_MEMORY_UNROLL = 2048;

  /**
   * The unroll length for a task whose episodes take at most {@code maxEpisodeSteps} actions (0: no
   * limit): T = E + 1 when E + 1 ≤ {@link #MAX_EPISODE_UNROLL} ({@link #MAX_MEMORY_UNROLL} for a memory
   * task), else {@link #UNROLL_LENGTH}.
   *
   * <p>An episode of E actions occupies E + 1 steps (FIRST … LAST); the next step is the FIRST of the next
   * episode. With T = E + 1, an unroll of T + 1 steps holds one whole episode and the step after it, so
   * episodes of fixed length stay aligned with the unrolls (every unroll starts on a FIRST step), and
   * backpropagation through time joins every step of an episode to every later one: a cue seen at the
   * start trains the decision at the end. Shorter unrolls cut that gradient (truncated BPTT). Other long
   * tasks keep IMPALA's short unrolls (Pašukonis et al. found truncated BPTT helps on Memory Maze).
   */
  public static int episodeUnroll(int maxEpisodeSteps, boolean memoryTask) {
    int whole = maxEpisodeSteps + 1;
    return maxEpisodeSteps > 0 && whole <= (memoryTask ? MAX_MEMORY_UNROLL : MAX_EPISODE_UNROLL)
        ? whole : UNROLL_LENGTH;
  }

  /**
   * {@code config} resolved for a task: an unset unroll length becomes {@link #episodeUnroll} of the task's
   * episode length, then every other unset field its default.
   */
  public static ExperimentConfig resolve(ExperimentConfig config, int maxEpisodeSteps, boolean memoryTask) {
    if (config.getUnrollLength() == 0) {
      int t = episodeUnroll(maxEpisodeSteps, memoryTask);
      // with the curriculum, one episode at ℓ per unroll (actors end each at the episode's end)
      boolean episodes = memoryTask && t == maxEpisodeSteps + 1 && "curriculum".equals(config.getLengthSampling());
      config = config.toBuilder().setUnrollLength(t).setEpisodeUnrolls(episodes).build();
    }
    return resolve(config);
  }

  /**
   * A warning when an unroll of {@code unroll} steps cannot join the start of an episode of up to
   * {@code maxEpisodeSteps} actions to its end: for a memory task always, for another task when its episode
   * would otherwise fit one unroll (empty when the unroll holds the episode, or the task has no time limit).
   */
  public static java.util.Optional<String> unrollWarning(int unroll, int maxEpisodeSteps, String taskId,
      boolean memoryTask) {
    return unrollWarning(unroll, maxEpisodeSteps, taskId, memoryTask, 0);
  }

  /**
   * The same for a task that asks for its own unroll {@code taskUnroll} (0: none): a task whose time limit
   * is far longer than the span its memory must cover (MiniGrid Memory) is warned about only below that.
   */
  public static java.util.Optional<String> unrollWarning(int unroll, int maxEpisodeSteps, String taskId,
      boolean memoryTask, int taskUnroll) {
    if (taskUnroll > 0) {
      return unroll >= taskUnroll ? java.util.Optional.empty() : java.util.Optional.of(String.format(java.util.Locale.ROOT,
          "warning: unroll T=%d is shorter than the T=%d %s asks for, sized to hold the span from its cue to its "
              + "decision: no gradient joins what is seen more than %d steps before a decision to that decision",
          unroll, taskUnroll, taskId, unroll));
    }
    int whole = maxEpisodeSteps + 1;
    if (maxEpisodeSteps <= 0 || unroll >= whole || !memoryTask && whole > MAX_EPISODE_UNROLL) {
      return java.util.Optional.empty(); // no limit, a whole episode, or a long non-memory task cut anyway
    }
    String longest = whole <= (memoryTask ? MAX_MEMORY_UNROLL : MAX_EPISODE_UNROLL)
        ? String.format(java.util.Locale.ROOT, "the default T=%d holds a whole episode", whole)
        : String.format(java.util.Locale.ROOT, "longer than the longest automatic unroll, %d; --unroll %d would hold it",
            MAX_MEMORY_UNROLL, whole);
    return java.util.Optional.of(String.format(java.util.Locale.ROOT,
        "warning: unroll T=%d is shorter than one episode of %s (%d steps; %s): "
            + "no gradient joins what is seen more than %d steps before a decision to that decision, so memory "
            + "over a longer span is unlikely to be learned", unroll, taskId, maxEpisodeSteps, longest, unroll));
  }

  /** {@code config} with every unset field given its default. */
  public static ExperimentConfig resolve(ExperimentConfig config) {
    ExperimentConfig.Builder b = config.toBuilder();
    if (b.getUnrollLength() == 0) {
      b.setUnrollLength(UNROLL_LENGTH);
    }
    if (b.getBatchSize() == 0) {
      b.setBatchSize(BATCH_SIZE);
    }
    if (b.getEnvsPerActor() == 0) {
      b.setEnvsPerActor(ENVS_PER_ACTOR);
    }
    if (b.getNumActors() == 0) {
      b.setNumActors(NUM_ACTORS);
    }
    if (b.getOptimizer().isEmpty()) {
      b.setOptimizer(OPTIMIZER);
    }
    if (b.getLearningRate() == 0) {
      b.setLearningRate(LEARNING_RATE);
    }
    if (!b.hasLrLinearDecay()) {
      b.setLrLinearDecay(LR_LINEAR_DECAY);
    }
    if (b.getRmspropDecay() == 0) {
      b.setRmspropDecay(RMSPROP_DECAY);
    }
    if (b.getRmspropEpsilon() == 0) {
      b.setRmspropEpsilon(RMSPROP_EPSILON);
    }
    if (!b.hasRmspropMomentum()) {
      b.setRmspropMomentum(0);
    }
    if (b.getAdamBeta1() == 0) {
      b.setAdamBeta1(ADAM_BETA1);
    }
    if (b.getAdamBeta2() == 0) {
      b.setAdamBeta2(ADAM_BETA2);
    }
    if (b.getAdamEpsilon() == 0) {
      b.setAdamEpsilon(ADAM_EPSILON);
    }
    if (!b.hasMaxGradNorm()) {
      b.setMaxGradNorm(MAX_GRAD_NORM);
    }
    if (!b.hasDiscount()) {
      b.setDiscount(DISCOUNT);
    }
    if (!b.hasBaselineCost()) {
      b.setBaselineCost(BASELINE_COST);
    }
    if (!b.hasEntropyCost()) {
      b.setEntropyCost(ENTROPY_COST);
    }
    if (b.getClipRhoThreshold() == 0) {
      b.setClipRhoThreshold(1);
    }
    if (b.getClipPgRhoThreshold() == 0) {
      b.setClipPgRhoThreshold(1);
    }
    if (b.getClipCThreshold() == 0) {
      b.setClipCThreshold(1);
    }
    if (!b.hasLambda()) {
      b.setLambda(LAMBDA);
    }
    if (b.getRewardClipping().isEmpty()) {
      b.setRewardClipping(REWARD_CLIPPING);
    }
    if (!b.hasBootstrapTruncation()) {
      b.setBootstrapTruncation(BOOTSTRAP_TRUNCATION);
    }
    if (!b.hasExplorationEpsilon()) {
      b.setExplorationEpsilon(EXPLORATION_EPSILON);
    }
    if (b.getTorsoHidden() == 0) {
      b.setTorsoHidden(TORSO_HIDDEN);
    }
    return b.build();
  }

  /** Throws IllegalArgumentException listing every invalid field of a resolved config. */
  public static void validate(ExperimentConfig c) {
    List<String> errors = new ArrayList<>();
    if (c.getTaskId().isBlank()) {
      errors.add("task_id is empty");
    }
    if (c.getCoreSpec().isBlank()) {
      errors.add("core_spec is empty");
    }
    if (c.getUnrollLength() < 1) {
      errors.add("unroll_length must be >= 1");
    }
    if (c.getBatchSize() < 1) {
      errors.add("batch_size must be >= 1");
    }
    if (c.getTotalFrames() < 0) {
      errors.add("total_frames must be >= 0");
    }
    if (c.getLrLinearDecay() && c.getTotalFrames() <= 0) {
      errors.add("lr_linear_decay needs total_frames > 0");
    }
    if (!c.getOptimizer().equals("rmsprop") && !c.getOptimizer().equals("adam")) {
      errors.add("optimizer must be rmsprop or adam, got '" + c.getOptimizer() + "'");
    }
    if (!(c.getLearningRate() > 0)) {
      errors.add("learning_rate must be > 0");
    }
    if (!(c.getDiscount() >= 0 && c.getDiscount() <= 1)) {
      errors.add("discount must be in [0, 1]");
    }
    if (!(c.getExplorationEpsilon() >= 0 && c.getExplorationEpsilon() <= 1)) {
      errors.add("exploration_epsilon must be in [0, 1]");
    }
    if (!(c.getMaxGradNorm() >= 0)) {
      errors.add("max_grad_norm must be >= 0 (0 = off)");
    }
    if (!List.of("", "fixed", "uniform", "curriculum").contains(c.getLengthSampling())) {
      errors.add("length_sampling must be fixed, uniform or curriculum, got '" + c.getLengthSampling() + "'");
    }
    if (!(c.getImageScale() >= 0) || !Double.isFinite(c.getImageScale())) {
      errors.add("image_scale must be 0 (unset: 255) or positive, got " + c.getImageScale());
    }
    if (!(c.getExploringStarts() >= 0 && c.getExploringStarts() <= 1)) {
      errors.add("exploring_starts must be in [0, 1], got " + c.getExploringStarts());
    }
    if (c.getLengthSampling().equals("curriculum") && c.getMemoryLength() < 1) {
      errors.add("length_sampling curriculum needs memory_length >= 1 (the task's L), got " + c.getMemoryLength());
    }
    try {
      RewardClipping.parse(c.getRewardClipping());
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    try {
      lossConfig(c);
    } catch (IllegalArgumentException e) {
      errors.add(e.getMessage());
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid experiment config: " + String.join("; ", errors));
    }
  }

  public static LossConfig lossConfig(ExperimentConfig c) {
    return new LossConfig(c.getDiscount(), c.getBaselineCost(), c.getEntropyCost(),
        new VTraceParams(c.getClipRhoThreshold(), c.getClipPgRhoThreshold(), c.getClipCThreshold(), c.getLambda()),
        RewardClipping.parse(c.getRewardClipping()), c.getNormalizeAdvantages(), c.getBootstrapTruncation());
  }

  /**
   * The entropy weight's schedule: e(f) = e₀ + (e₁ − e₀) · min(1, f / total_frames), from entropy_cost e₀
   * to entropy_cost_final e₁ (constant e₀ when e₁ is unset), reading the learner's frame counter.
   */
  public static DoubleSupplier entropyCost(ExperimentConfig c, LongSupplier frames) {
    double e0 = c.getEntropyCost();
    if (!c.hasEntropyCostFinal() || c.getTotalFrames() <= 0) {
      return () -> e0;
    }
    double e1 = c.getEntropyCostFinal();
    double total = c.getTotalFrames();
    return () -> e0 + (e1 - e0) * Math.min(1.0, frames.getAsLong() / total);
  }

  /** The learning-rate schedule, reading the learner's frame counter. */
  public static LinearDecay learningRate(ExperimentConfig c, LongSupplier frames) {
    return new LinearDecay(c.getLearningRate(), c.getTotalFrames(), c.getLrLinearDecay(), frames);
  }

  /** The optimizer named by the config, its state in {@code stateManager}. */
  public static StatefulOptimizer optimizer(ExperimentConfig c, LinearDecay learningRate, NDManager stateManager) {
    return switch (c.getOptimizer()) {
      case "rmsprop" -> new RmsProp(learningRate, c.getRmspropDecay(), c.getRmspropMomentum(), c.getRmspropEpsilon(),
          stateManager);
      case "adam" -> new Adam(learningRate, c.getAdamBeta1(), c.getAdamBeta2(), c.getAdamEpsilon(), stateManager);
      default -> throw new IllegalArgumentException("optimizer must be rmsprop or adam, got '" + c.getOptimizer() + "'");
    };
  }
}
