package mnemo.cli.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import mnemo.agent.AgentSpec;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.TensorSpec;
import mnemo.envs.curriculum.VariableLength;
import mnemo.envs.registry.TaskId;
import mnemo.envs.registry.TrainingSettings;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.config.ExperimentConfigs;
import mnemo.proto.config.v1.ExperimentConfig;
import picocli.CommandLine.Option;

/**
 * The experiment flags of {@code mnemo train} and {@code mnemo learner}, turned into an {@link
 * ExperimentConfig}. Every default is {@link ExperimentConfigs}'s, the one set: a flag with a default value
 * here shows it in {@code --help} and sets it; a flag without one leaves the field unset for {@link
 * ExperimentConfigs#resolve} to fill; the unroll length, unless given, holds one whole episode of the task.
 */
public final class ExperimentOptions {

  @Option(names = "--env", defaultValue = ExperimentConfigs.TASK, paramLabel = "TASK",
      description = "Task id with parameters (see `mnemo envs`; default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--core", defaultValue = ExperimentConfigs.CORE_SPEC, paramLabel = "SPEC",
      description = "Recurrent core spec, e.g. ur-lstm:hidden=128, lstm, gru (default: ${DEFAULT-VALUE}).")
  String core;

  @Option(names = "--frames", defaultValue = "" + ExperimentConfigs.TOTAL_FRAMES, paramLabel = "F",
      description = "Environment frames to train for (default: ${DEFAULT-VALUE}).")
  long frames;

  @Option(names = "--actors", defaultValue = "" + ExperimentConfigs.NUM_ACTORS, paramLabel = "K", description = "Actors (default: ${DEFAULT-VALUE}).")
  int actors;

  @Option(names = "--envs-per-actor", defaultValue = "" + ExperimentConfigs.ENVS_PER_ACTOR, paramLabel = "N",
      description = "Environments each actor steps (default: ${DEFAULT-VALUE}).")
  int envsPerActor;

  @Option(names = "--unroll", paramLabel = "T",
      description = "Unroll length T; each unroll carries T+1 steps (default: one whole episode, T = E+1 for a task "
          + "whose episodes take at most E < " + ExperimentConfigs.MAX_EPISODE_UNROLL + " actions, or E < "
          + ExperimentConfigs.MAX_MEMORY_UNROLL + " for a memory task (T-maze, cue recall, visual match), else "
          + ExperimentConfigs.UNROLL_LENGTH + "). A T shorter than an episode is warned about.")
  Integer unroll;

  @Option(names = "--batch", defaultValue = "" + ExperimentConfigs.BATCH_SIZE, paramLabel = "B",
      description = "Unrolls per learner update (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "" + ExperimentConfigs.SEED, paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--optimizer", defaultValue = ExperimentConfigs.OPTIMIZER, paramLabel = "NAME",
      description = "rmsprop or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", defaultValue = "" + ExperimentConfigs.LEARNING_RATE, paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--adam-epsilon", paramLabel = "EPS",
      description = "Adam's ε, added to √v̂ (default: " + ExperimentConfigs.ADAM_EPSILON + ").")
  Double adamEpsilon;

  @Option(names = "--rmsprop-epsilon", paramLabel = "EPS",
      description = "RMSProp's ε (default: " + ExperimentConfigs.RMSPROP_EPSILON + ").")
  Double rmspropEpsilon;

  @Option(names = "--lr-decay", negatable = true, description = "Decay the learning rate linearly to 0 over the "
      + "run (default: " + (ExperimentConfigs.LR_LINEAR_DECAY ? "on" : "off") + ").")
  Boolean lrDecay;

  @Option(names = "--discount", paramLabel = "GAMMA", description = "γ (default: " + ExperimentConfigs.DISCOUNT + ").")
  Double discount;

  @Option(names = "--entropy-cost", paramLabel = "E",
      description = "Entropy bonus weight (default: " + ExperimentConfigs.ENTROPY_COST + ").")
  Double entropyCost;

  @Option(names = "--entropy-cost-final", paramLabel = "E1",
      description = "Entropy bonus weight at the end of the run, reached linearly from --entropy-cost (default: none, "
          + "constant).")
  Double entropyCostFinal;

  @Option(names = "--exploration-epsilon", paramLabel = "EPS",
      description = "Actors take a uniform action with probability ε, decaying linearly to 0 over the run "
          + "(default: " + ExperimentConfigs.EXPLORATION_EPSILON + ", off; 1/E, about one per episode of E actions, "
          + "is a reasonable value).")
  Double explorationEpsilon;

  @Option(names = "--exploring-starts", paramLabel = "P",
      description = "Exploring starts: the share of training episodes whose first action is uniformly random, the "
          + "rest following the policy (default: the task's; 0.25 for the active T-maze, 0 for every other task).")
  Double exploringStarts;

  @Option(names = "--length-sampling", paramLabel = "MODE",
      description = "Memory length of the training episodes, for tasks with a memory-length parameter (the "
          + "T-maze's and cue recall's length L; evaluation always plays L): curriculum (start at 2, double "
          + "once 90%% of the last 100 episodes at the current length succeeded, up to L), uniform (each "
          + "episode draws its length from 1..L), fixed (every episode at L) or auto (default: "
          + ExperimentConfigs.LENGTH_SAMPLING + " for such tasks stepped in-process, else fixed).")
  String lengthSampling = "auto";

  @Option(names = "--normalize-advantages", negatable = true,
      description = "Standardise the policy-gradient advantages over each batch (default: "
          + (ExperimentConfigs.NORMALIZE_ADVANTAGES ? "on" : "off") + ").")
  Boolean normalizeAdvantages;

  @Option(names = "--bootstrap-truncation", negatable = true,
      description = "At a time limit (an episode truncated, not terminated) bootstrap the return from V of the last "
          + "observation; off: every episode end ends the return, as IMPALA's and TorchBeast's actors do (default: "
          + (ExperimentConfigs.BOOTSTRAP_TRUNCATION ? "on" : "off") + ").")
  Boolean bootstrapTruncation;

  @Option(names = "--lambda", paramLabel = "LAMBDA",
      description = "V-trace's λ, the trace decay of the targets and advantages (default: "
          + ExperimentConfigs.LAMBDA + ").")
  Double lambda;

  @Option(names = "--baseline-cost", paramLabel = "B",
      description = "Value loss weight (default: " + ExperimentConfigs.BASELINE_COST + ").")
  Double baselineCost;

  @Option(names = "--max-grad-norm", paramLabel = "G",
      description = "Global gradient-norm clip, 0 = off (default: " + ExperimentConfigs.MAX_GRAD_NORM + ").")
  Double maxGradNorm;

  @Option(names = "--reward-clipping", paramLabel = "MODE",
      description = "none, abs_one or soft_asymmetric (default: " + ExperimentConfigs.REWARD_CLIPPING + ").")
  String rewardClipping;

  @Option(names = "--torso-hidden", paramLabel = "H",
      description = "Width of the torso (default: " + ExperimentConfigs.TORSO_HIDDEN + ").")
  Integer torsoHidden;

  /** The task id given (--env). */
  public String task() {
    return task;
  }

  /**
   * The experiment these flags describe for a task whose episodes take at most {@code maxEpisodeSteps}
   * actions (0: no limit), every unset field resolved to the learner's default; {@code memoryLength}: L
   * when the task has a memory-length parameter and its environments run in-process (so its length can
   * vary per training episode), else 0.
   */
  public ExperimentConfig toConfig(int maxEpisodeSteps, int memoryLength) {
    return toConfig(maxEpisodeSteps, memoryLength, 0);
  }

  /**
   * The experiment for a new run of {@code task} (its spec, from the registry or an environment server): the
   * unroll follows its episode length, and the run records its image scale ({@link AgentSpec#imageScaleFor} of
   * its observation: the declared maximum of a coded uint8 image, 255 for pixels, 0 for vectors).
   */
  public ExperimentConfig toConfig(EnvSpec task, int memoryLength) {
    TensorSpec obs = task.observation();
    return toConfig(task.maxEpisodeSteps(), memoryLength,
        AgentSpec.imageScaleFor(obs.shape(), obs.dtype() == DType.UINT8, obs.maximum()));
  }

  /** The same with the image scale given (0 for a vector task); {@link ExperimentConfigs#validate} checks it. */
  public ExperimentConfig toConfig(int maxEpisodeSteps, int memoryLength, double imageScale) {
    boolean samplesLength = memoryLength > 0;
    if (frames <= 0 || actors <= 0 || envsPerActor <= 0 || unroll != null && unroll <= 0 || batch <= 0) {
      throw new IllegalArgumentException("--frames, --actors, --envs-per-actor, --unroll and --batch must be positive");
    }
    String sampling = switch (lengthSampling) {
      case "auto" -> samplesLength ? ExperimentConfigs.LENGTH_SAMPLING : "fixed";
      case "fixed" -> "fixed";
      case "uniform", "curriculum" -> {
        if (!samplesLength) {
          throw new IllegalArgumentException("--length-sampling " + lengthSampling + " needs a task with a "
              + "memory-length parameter (memory/tmaze, memory/cue-recall) stepped in-process; " + task + " is not");
        }
        yield lengthSampling;
      }
      default -> throw new IllegalArgumentException("--length-sampling must be auto, curriculum, uniform or fixed, "
          + "got '" + lengthSampling + "'");
    };
    TrainingSettings asked = taskTraining(task); // what the task asks for where a flag is not given
    ExperimentConfig.Builder b = ExperimentConfig.newBuilder()
        .setTaskId(task)
        .setCoreSpec(core)
        .setUnrollLength(unroll != null ? unroll : asked.unroll())
        .setBatchSize(batch)
        .setEnvsPerActor(envsPerActor)
        .setNumActors(actors)
        .setTotalFrames(frames)
        .setSeed(seed)
        .setOptimizer(optimizer)
        .setLearningRate(lr)
        .setLengthSampling(sampling)
        .setMemoryLength(sampling.equals("fixed") ? 0 : memoryLength);
    if (lrDecay != null) {
      b.setLrLinearDecay(lrDecay);
    }
    if (discount != null) {
      b.setDiscount(discount);
    }
    if (entropyCost != null) {
      b.setEntropyCost(entropyCost);
    } else if (!Double.isNaN(asked.entropyCost())) {
      b.setEntropyCost(asked.entropyCost());
    }
    if (adamEpsilon != null) {
      b.setAdamEpsilon(adamEpsilon);
    }
    if (rmspropEpsilon != null) {
      b.setRmspropEpsilon(rmspropEpsilon);
    }
    if (explorationEpsilon != null) {
      b.setExplorationEpsilon(explorationEpsilon);
    }
    b.setExploringStarts(exploringStarts != null ? exploringStarts : asked.exploringStarts());
    if (entropyCostFinal != null) {
      b.setEntropyCostFinal(entropyCostFinal);
    } else if (entropyCost == null && !Double.isNaN(asked.entropyCostFinal())) {
      b.setEntropyCostFinal(asked.entropyCostFinal()); // the task's schedule, unless the user set the start
    }
    if (normalizeAdvantages != null) {
      b.setNormalizeAdvantages(normalizeAdvantages);
    }
    if (bootstrapTruncation != null) {
      b.setBootstrapTruncation(bootstrapTruncation);
    }
    if (lambda != null) {
      b.setLambda(lambda);
    }
    if (baselineCost != null) {
      b.setBaselineCost(baselineCost);
    }
    if (maxGradNorm != null) {
      b.setMaxGradNorm(maxGradNorm);
    }
    if (rewardClipping != null) {
      b.setRewardClipping(rewardClipping);
    }
    if (torsoHidden != null) {
      b.setTorsoHidden(torsoHidden);
    }
    b.setImageScale(imageScale);
    ExperimentConfig c = ExperimentConfigs.resolve(b.build(), maxEpisodeSteps, samplesLength);
    ExperimentConfigs.validate(c);
    return c;
  }

  /**
   * What a built-in task asks of its trainer (exploring starts, unroll, entropy schedule; {@link
   * TrainingSettings#DEFAULTS} for a task the registry does not know, such as one an environment server
   * serves under its own name).
   */
  public static TrainingSettings taskTraining(String taskId) {
    return BuiltinTasks.registry().findFor(taskId).map(f -> f.training(TaskId.parse(taskId)))
        .orElse(TrainingSettings.DEFAULTS);
  }

  /**
   * {@link ExperimentConfigs#unrollWarning} for a new run of {@code config}'s task, whose episodes take at most
   * {@code maxEpisodeSteps} actions, measured against the unroll the task asks for when it asks for one.
   */
  public static Optional<String> unrollWarning(ExperimentConfig config, int maxEpisodeSteps, boolean memoryTask) {
    return ExperimentConfigs.unrollWarning(config.getUnrollLength(), maxEpisodeSteps, config.getTaskId(), memoryTask,
        taskTraining(config.getTaskId()).unroll());
  }

  /**
   * The start-up line naming the settings {@code config} took from its task ({@link #taskTraining}: an
   * unroll, an entropy schedule, exploring starts) rather than from the trainer's defaults, or empty when it
   * took none (the task asks for none, or flags set them all).
   */
  public static Optional<String> taskSettingsNote(ExperimentConfig config) {
    TrainingSettings asked = taskTraining(config.getTaskId());
    List<String> used = new ArrayList<>();
    if (asked.unroll() > 0 && config.getUnrollLength() == asked.unroll()) {
      used.add("--unroll " + asked.unroll());
    }
    if (!Double.isNaN(asked.entropyCost()) && config.getEntropyCost() == asked.entropyCost()) {
      used.add("--entropy-cost " + asked.entropyCost() + (config.hasEntropyCostFinal()
          && config.getEntropyCostFinal() == asked.entropyCostFinal() ? " --entropy-cost-final "
          + asked.entropyCostFinal() : ""));
    }
    if (asked.exploringStarts() > 0 && config.getExploringStarts() == asked.exploringStarts()) {
      used.add("--exploring-starts " + asked.exploringStarts());
    }
    return used.isEmpty() ? Optional.empty() : Optional.of(config.getTaskId() + " asks for " + String.join(", ", used)
        + " (docs/training.md); flags change them");
  }

  /**
   * The start-up line naming what in-process training changes in {@code config}'s task: the training aids
   * (the active T-maze's hint, MiniGrid Memory's fixed order and start at the cue) and, on the way to L,
   * the values held at L at shorter lengths (the T-maze's lag penalty), or empty when there are none.
   */
  public static Optional<String> trainingAidsNote(ExperimentConfig config) {
    boolean varying = !config.getLengthSampling().isEmpty() && !config.getLengthSampling().equals("fixed");
    Map<String, String> aids = VariableLength.trainingAids(BuiltinTasks.registry(), config.getTaskId());
    Map<String, String> held = varying
        ? VariableLength.heldAtTarget(BuiltinTasks.registry(), config.getTaskId()) : Map.of();
    if (aids.isEmpty() && held.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder note = new StringBuilder("training episodes play ").append(config.getTaskId());
    if (!aids.isEmpty()) {
      note.append(" with the training aids ").append(aids);
    }
    if (!held.isEmpty()) {
      note.append(aids.isEmpty() ? " with " : " and ").append(held).append(" at every shorter length (its value at L)");
    }
    return Optional.of(note.append("; evaluation plays the task as given; set them in the task id to change them")
        .toString());
  }
}
