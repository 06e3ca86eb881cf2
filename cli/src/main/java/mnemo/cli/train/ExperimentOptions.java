package mnemo.cli.train;

import mnemo.proto.config.v1.ExperimentConfig;
import picocli.CommandLine.Option;

/**
 * The experiment flags of {@code mnemo train} (and of any command that starts a learner), resolved into
 * one {@link ExperimentConfig}. The defaults are the built-in short run: cue-recall with a 5-step delay,
 * a small UR-LSTM, which learns to ≥ 90 % success within a few minutes on 2 cores.
 */
public final class ExperimentOptions {
  public static final String DEFAULT_TASK = "memory/cue-recall:length=5";
  public static final String DEFAULT_CORE = "ur-lstm:hidden=32";

  @Option(names = "--env", defaultValue = DEFAULT_TASK, paramLabel = "TASK",
      description = "Task id with parameters (see `mnemo envs`; default: ${DEFAULT-VALUE}).")
  String task;

  @Option(names = "--core", defaultValue = DEFAULT_CORE, paramLabel = "SPEC",
      description = "Recurrent core spec, e.g. ur-lstm:hidden=128, lstm, gru (default: ${DEFAULT-VALUE}).")
  String core;

  @Option(names = "--frames", defaultValue = "150000", paramLabel = "F",
      description = "Environment steps to train for (default: ${DEFAULT-VALUE}).")
  long frames;

  @Option(names = "--actors", defaultValue = "2", paramLabel = "K", description = "Actors (default: ${DEFAULT-VALUE}).")
  int actors;

  @Option(names = "--envs-per-actor", defaultValue = "16", paramLabel = "N",
      description = "Environments each actor steps (default: ${DEFAULT-VALUE}).")
  int envsPerActor;

  @Option(names = "--unroll", defaultValue = "20", paramLabel = "T",
      description = "Unroll length T; each unroll carries T+1 steps (default: ${DEFAULT-VALUE}).")
  int unroll;

  @Option(names = "--batch", defaultValue = "4", paramLabel = "B",
      description = "Unrolls per learner update (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--optimizer", defaultValue = "adam", paramLabel = "NAME",
      description = "rmsprop or adam (default: ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(names = "--lr", defaultValue = "1e-3", paramLabel = "LR", description = "Learning rate (default: ${DEFAULT-VALUE}).")
  double lr;

  @Option(names = "--lr-decay", defaultValue = "true", negatable = true, fallbackValue = "true",
      description = "Decay the learning rate linearly to 0 over the run (default: ${DEFAULT-VALUE}).")
  boolean lrDecay;

  @Option(names = "--discount", defaultValue = "0.99", paramLabel = "GAMMA", description = "γ (default: ${DEFAULT-VALUE}).")
  double discount;

  @Option(names = "--entropy-cost", defaultValue = "0.01", paramLabel = "E",
      description = "Entropy bonus weight (default: ${DEFAULT-VALUE}).")
  double entropyCost;

  @Option(names = "--baseline-cost", defaultValue = "0.5", paramLabel = "B",
      description = "Value loss weight (default: ${DEFAULT-VALUE}).")
  double baselineCost;

  @Option(names = "--max-grad-norm", defaultValue = "40", paramLabel = "G",
      description = "Global gradient-norm clip, 0 = off (default: ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(names = "--reward-clipping", defaultValue = "abs_one", paramLabel = "MODE",
      description = "none, abs_one or soft_asymmetric (default: ${DEFAULT-VALUE}).")
  String rewardClipping;

  @Option(names = "--torso-hidden", defaultValue = "64", paramLabel = "H",
      description = "Width of the torso (default: ${DEFAULT-VALUE}).")
  int torsoHidden;

  /** The experiment these flags describe (IMPALA's V-trace thresholds ρ̄ = c̄ = λ = 1). */
  public ExperimentConfig toConfig() {
    if (frames <= 0 || actors <= 0 || envsPerActor <= 0 || unroll <= 0 || batch <= 0) {
      throw new IllegalArgumentException("--frames, --actors, --envs-per-actor, --unroll and --batch must be positive");
    }
    return ExperimentConfig.newBuilder()
        .setTaskId(task)
        .setCoreSpec(core)
        .setUnrollLength(unroll)
        .setBatchSize(batch)
        .setEnvsPerActor(envsPerActor)
        .setNumActors(actors)
        .setTotalFrames(frames)
        .setSeed(seed)
        .setOptimizer(optimizer)
        .setLearningRate(lr)
        .setLrLinearDecay(lrDecay)
        .setRmspropDecay(0.99)
        .setRmspropEpsilon(0.01)
        .setRmspropMomentum(0)
        .setAdamBeta1(0.9)
        .setAdamBeta2(0.999)
        .setAdamEpsilon(1e-8)
        .setMaxGradNorm(maxGradNorm)
        .setDiscount(discount)
        .setBaselineCost(baselineCost)
        .setEntropyCost(entropyCost)
        .setClipRhoThreshold(1)
        .setClipPgRhoThreshold(1)
        .setClipCThreshold(1)
        .setLambda(1)
        .setRewardClipping(rewardClipping)
        .setTorsoHidden(torsoHidden)
        .build();
  }
}
