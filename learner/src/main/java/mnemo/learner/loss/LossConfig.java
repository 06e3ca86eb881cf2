package mnemo.learner.loss;

import mnemo.learner.vtrace.VTraceParams;

/**
 * The loss's coefficients.
 *
 * @param discount γ
 * @param baselineCost b, the weight of ½ Σ (v_t − V(x_t))²
 * @param entropyCost e, the weight of the entropy bonus
 * @param vtrace ρ̄, ρ̄_pg, c̄, λ
 * @param rewardClipping applied to rewards before V-trace
 * @param normalizeAdvantages whether the policy-gradient advantages are standardised over the batch's
 *     transitions, (A − mean) / std, before they weight log π (as PPO implementations do)
 * @param bootstrapTruncation whether a truncated episode (LAST with discount 1: a time limit) bootstraps
 *     from V of its last observation; when false every LAST step ends the return, as IMPALA's and
 *     TorchBeast's actors have it (discount = γ · (1 − done))
 */
public record LossConfig(
    double discount, double baselineCost, double entropyCost, VTraceParams vtrace, RewardClipping rewardClipping,
    boolean normalizeAdvantages, boolean bootstrapTruncation) {

  /** IMPALA's loss: advantages as V-trace gives them, every episode end ends the return. */
  public LossConfig(double discount, double baselineCost, double entropyCost, VTraceParams vtrace,
      RewardClipping rewardClipping) {
    this(discount, baselineCost, entropyCost, vtrace, rewardClipping, false, false);
  }

  /** With or without standardised advantages; every episode end ends the return. */
  public LossConfig(double discount, double baselineCost, double entropyCost, VTraceParams vtrace,
      RewardClipping rewardClipping, boolean normalizeAdvantages) {
    this(discount, baselineCost, entropyCost, vtrace, rewardClipping, normalizeAdvantages, false);
  }

  public LossConfig {
    if (!(discount >= 0 && discount <= 1)) {
      throw new IllegalArgumentException("discount must be in [0, 1], got " + discount);
    }
    if (!(baselineCost >= 0) || !(entropyCost >= 0)) {
      throw new IllegalArgumentException("loss costs must be >= 0: baseline " + baselineCost + ", entropy " + entropyCost);
    }
  }

  /** The same loss with another entropy weight (for a schedule). */
  public LossConfig withEntropyCost(double e) {
    return new LossConfig(discount, baselineCost, e, vtrace, rewardClipping, normalizeAdvantages, bootstrapTruncation);
  }
}
