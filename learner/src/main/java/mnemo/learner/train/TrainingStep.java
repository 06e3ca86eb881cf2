package mnemo.learner.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.util.function.DoubleSupplier;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentOutput;
import mnemo.agent.Autograd;
import mnemo.agent.optim.ClippedUpdate;
import mnemo.agent.optim.StatefulOptimizer;
import mnemo.learner.batch.Batch;
import mnemo.learner.loss.ImpalaLoss;
import mnemo.learner.loss.LossConfig;
import mnemo.learner.loss.LossTerms;

/**
 * One IMPALA update on a batch: re-run the network from the stored core states over the T+1 steps
 * inside one GradientCollector, V-trace and the loss, backward, then {@link ClippedUpdate} (global-norm
 * clip, optimizer update). A non-finite loss or gradient norm skips the update. Either way every
 * parameter's gradient is zeroed at the end, so nothing leaks into the next step.
 *
 * <p>Only one thread may run steps (DJL allows one GradientCollector per process); it must have
 * autograd off outside the collector ({@link Autograd#disableOnThisThread}, done by {@link #run} itself),
 * so that the optimizer's in-place updates are not recorded.
 */
public final class TrainingStep {
  private final AgentModel model;
  private final StatefulOptimizer optimizer;
  private final LossConfig lossConfig;
  private final double maxGradNorm;
  private final DoubleSupplier learningRate;
  private final DoubleSupplier entropyCost;

  /**
   * @param maxGradNorm the global-norm clip; ≤ 0 turns it off
   * @param learningRate reports the rate the optimizer will use (for the result and metrics)
   */
  public TrainingStep(AgentModel model, StatefulOptimizer optimizer, LossConfig lossConfig, double maxGradNorm,
      DoubleSupplier learningRate) {
    this(model, optimizer, lossConfig, maxGradNorm, learningRate, lossConfig::entropyCost);
  }

  /** @param entropyCost the entropy weight of each step (a schedule); it overrides {@code lossConfig}'s */
  public TrainingStep(AgentModel model, StatefulOptimizer optimizer, LossConfig lossConfig, double maxGradNorm,
      DoubleSupplier learningRate, DoubleSupplier entropyCost) {
    this.entropyCost = entropyCost;
    this.model = model;
    this.optimizer = optimizer;
    this.lossConfig = lossConfig;
    this.maxGradNorm = maxGradNorm;
    this.learningRate = learningRate;
  }

  /** Runs one step on {@code batch}; the batch's arrays and every intermediate belong to the caller's manager. */
  public StepResult run(Batch batch) {
    Autograd.disableOnThisThread();
    double loss;
    double policy;
    double baseline;
    double entropy;
    long transitions;
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      AgentOutput out = model.unroll(batch.agentInput(), batch.coreState(), true);
      LossTerms terms = ImpalaLoss.compute(out.policyLogits(), out.values(), batch.behaviourLogits(),
          batch.actions(), batch.rewards(), batch.discounts(), batch.lastSteps(),
          lossConfig.withEntropyCost(entropyCost.getAsDouble()));
      loss = terms.total().getFloat();
      policy = terms.policy().getFloat();
      baseline = terms.baseline().getFloat();
      entropy = terms.entropy().getFloat();
      transitions = terms.transitions();
      if (Double.isFinite(loss)) {
        Autograd.backward(collector, terms.total());
      }
    }
    double lr = learningRate.getAsDouble();
    double norm = Double.NaN;
    boolean applied = false;
    if (Double.isFinite(loss)) {
      norm = ClippedUpdate.apply(optimizer, model.parameterNames(), model.parameters(), maxGradNorm);
      applied = Double.isFinite(norm);
    } else {
      Autograd.zeroGradients(model.parameters());
    }
    return new StepResult(applied, loss, policy, baseline, entropy, norm, lr, transitions);
  }

  /** A sub-manager of the model's for one step's arrays (on the model's device). */
  public NDManager newStepManager() {
    return model.manager().newSubManager();
  }
}
