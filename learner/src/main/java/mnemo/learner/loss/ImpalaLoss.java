package mnemo.learner.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import mnemo.agent.ShapeCheck;
import mnemo.learner.vtrace.VTrace;
import mnemo.learner.vtrace.VTraceReturns;

/**
 * IMPALA's loss on unrolls of T+1 steps (the {@code mnemo.learner.v1.Unroll} layout):
 *
 * <pre>
 *   L = −Σ log π(a_t|x_t) A_t  +  b · ½ Σ (v_t − V(x_t))²  −  e · Σ H(π(·|x_t))
 * </pre>
 *
 * summed over the T transitions t → t+1 (t = 0 … T−1) and the B columns, as in the IMPALA release
 * (SEED RL averages instead; summing makes the gradient scale with T·B, which the global-norm clip and
 * RMSProp's normalisation absorb, and keeps the paper's learning rates meaningful).
 *
 * <p>Step t of the unroll holds x_t, the action a_t sampled there and the behaviour logits; the
 * transition t → t+1 has reward {@code rewards[t+1]} and discount {@code discounts[t+1]}, and is no
 * transition when step t is LAST (the next step is an automatic reset): such steps are masked out of
 * every term. The value at step T is the bootstrap. Termination (discount 0) stops the return; so does
 * truncation (LAST with discount 1: a time limit), unless {@link LossConfig#bootstrapTruncation}, which
 * bootstraps from V of that LAST step's observation. Why not by default: LAST steps are masked out of the
 * value loss, so V there is never fitted, only carried over from the states before it; on the visual match
 * (a 15-step reward room that times out) one agent learned to let the time run out, a bootstrap worth more
 * than a one-in-three guess (docs/learner.md). IMPALA's and TorchBeast's actors end the return at every
 * episode end, time limits included.
 */
public final class ImpalaLoss {
  private ImpalaLoss() {}

  /**
   * Computes the loss; differentiable in {@code learnerLogits} and {@code values}.
   *
   * @param learnerLogits {@code [T+1, B, A]} π's logits from re-running the network over the unroll
   * @param values {@code [T+1, B]} V(x_t); the last row is the bootstrap
   * @param behaviourLogits {@code [T+1, B, A]} μ's logits, as the actor sampled
   * @param actions {@code [T+1, B]} int64 a_t
   * @param rewards {@code [T+1, B]} reward received on arriving at step t (unclipped)
   * @param discounts {@code [T+1, B]} the environment's discount at step t (0 at a terminal step)
   * @param lastSteps {@code [T+1, B]} 1 where step t is LAST, else 0
   */
  public static LossTerms compute(
      NDArray learnerLogits, NDArray values, NDArray behaviourLogits, NDArray actions, NDArray rewards,
      NDArray discounts, NDArray lastSteps, LossConfig config) {
    Shape tba = learnerLogits.getShape();
    if (tba.dimension() != 3 || tba.get(0) < 2) {
      throw new IllegalArgumentException("learner logits must be [T+1, B, A] with T >= 1, got " + tba);
    }
    Shape tb = new Shape(tba.get(0), tba.get(1));
    ShapeCheck.require("behaviour logits", behaviourLogits, tba);
    ShapeCheck.require("values", values, tb);
    ShapeCheck.require("actions", actions, tb);
    ShapeCheck.require("rewards", rewards, tb);
    ShapeCheck.require("discounts", discounts, tb);
    ShapeCheck.require("lastSteps", lastSteps, tb);
    if (actions.getDataType() != DataType.INT64) {
      throw new IllegalArgumentException("actions must be int64, got " + actions.getDataType());
    }

    NDArray logits = learnerLogits.get(":-1"); // π at x_0 … x_{T−1}
    NDArray v = values.get(":-1"); // V(x_0) … V(x_{T−1})
    NDArray bootstrap = values.get("-1"); // V(x_T)
    NDArray a = actions.get(":-1");
    NDArray r = config.rewardClipping().apply(rewards.get("1:")); // r_t = rewards[t+1]
    // γ_t = γ · discounts[t+1], and 0 into any LAST step unless truncations bootstrap
    NDArray ends = config.bootstrapTruncation() ? discounts.get("1:") : discounts.get("1:").mul(lastSteps.get("1:").neg().add(1f));
    NDArray gammas = ends.mul((float) config.discount());
    NDArray masks = lastSteps.get(":-1").neg().add(1f); // 0 where step t is LAST

    // log π(·|x_t), computed once: the ratios, the policy term and the entropy all read it
    NDArray logPi = logits.logSoftmax(-1);
    NDArray logPiA = VTrace.pick(logPi, a); // log π(a_t|x_t)
    // log ρ_t = log π(a_t|x_t) − log μ(a_t|x_t)  (V-trace reads it without its gradient)
    NDArray logRhos = logPiA.sub(VTrace.actionLogProbs(behaviourLogits.get(":-1"), a));
    VTraceReturns vt = VTrace.fromImportanceWeights(logRhos, gammas, r, v, bootstrap, masks, config.vtrace());

    NDArray advantages = config.normalizeAdvantages() ? standardise(vt.pgAdvantages(), masks) : vt.pgAdvantages();
    // −Σ log π(a_t|x_t) A_t   (A_t is a constant: V-trace stops its gradient)
    NDArray policy = logPiA.mul(advantages).mul(masks).sum().neg();
    // ½ Σ (v_t − V(x_t))²
    NDArray baseline = vt.vs().sub(v).square().mul(masks).sum().mul(0.5f);
    // Σ H(π(·|x_t)),  H = −Σ_a π(a) log π(a)
    NDArray entropy = logPi.exp().mul(logPi).sum(new int[] {-1}).neg().mul(masks).sum();

    NDArray total = policy.add(baseline.mul((float) config.baselineCost())).sub(entropy.mul((float) config.entropyCost()));
    long transitions = (long) masks.sum().getFloat();
    return new LossTerms(total, policy, baseline, entropy, transitions);
  }

  /** (A − mean) / (std + 1e-8) over the transitions where {@code masks} is 1; the masked entries become 0. */
  static NDArray standardise(NDArray advantages, NDArray masks) {
    NDArray n = masks.sum().maximum(1f);
    NDArray mean = advantages.mul(masks).sum().div(n);
    NDArray centred = advantages.sub(mean).mul(masks);
    NDArray std = centred.square().sum().div(n).sqrt();
    return centred.div(std.add(1e-8f));
  }
}
