package mnemo.learner.vtrace;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import mnemo.agent.ShapeCheck;

/**
 * V-trace targets and policy-gradient advantages (Espeholt et al. 2018, "IMPALA", section 4).
 *
 * <p>Notation: T is the time dimension, B the batch size, A the number of actions. Everything is
 * time-major. For each transition t → t+1 (t = 0 … T−1) of each batch column:
 *
 * <pre>
 *   ρ_t  = exp(log π(a_t|x_t) − log μ(a_t|x_t))        π: learner policy, μ: behaviour policy
 *   ρ̄_t  = min(ρ̄, ρ_t)          c_t = λ · min(c̄, ρ_t)
 *   δ_t  = ρ̄_t (r_t + γ_t V(x_{t+1}) − V(x_t))          V(x_T) = bootstrap
 *   acc_T = 0,   acc_t = δ_t + γ_t c_t acc_{t+1}        (a reverse scan)
 *   v_t  = V(x_t) + acc_t
 *   A_t  = min(ρ̄_pg, ρ_t) (r_t + γ_t v_{t+1} − V(x_t))   v_T = bootstrap
 * </pre>
 *
 * <p>γ_t is the per-transition discount: γ times the environment's discount on arriving at x_{t+1}, so 0
 * when x_{t+1} is terminal and γ when it is a truncation (a LAST step with discount 1: the target
 * bootstraps from V(x_{t+1})).
 *
 * <p><b>Masks.</b> {@code masks[t]} is 1 for a real transition and 0 where step t is the LAST step of
 * an episode (the next step is an automatic reset, so t → t+1 is no transition). At a masked step δ_t
 * = 0 and the trace is cut (acc_t = 0), so v_t = V(x_t) and A_t = 0: the previous transition then
 * bootstraps from exactly V(x_t), and nothing flows across the episode boundary.
 *
 * <p>No gradient flows through v_t or A_t: the values, the bootstrap and the log-ratios are read with
 * {@code stopGradient}. Results belong to the manager of {@code logRhos}.
 */
public final class VTrace {
  private VTrace() {}

  /**
   * V-trace from log importance weights.
   *
   * @param logRhos {@code [T, B]} log π(a_t|x_t) − log μ(a_t|x_t)
   * @param discounts {@code [T, B]} γ_t for the transition t → t+1
   * @param rewards {@code [T, B]} r_t, the reward of the transition t → t+1
   * @param values {@code [T, B]} V(x_t)
   * @param bootstrapValue {@code [B]} V(x_T)
   * @param masks {@code [T, B]} 1 for a real transition, 0 where step t is LAST
   * @param params ρ̄, ρ̄_pg, c̄, λ
   */
  public static VTraceReturns fromImportanceWeights(
      NDArray logRhos, NDArray discounts, NDArray rewards, NDArray values, NDArray bootstrapValue, NDArray masks,
      VTraceParams params) {
    Shape tb = logRhos.getShape();
    if (tb.dimension() != 2) {
      throw new IllegalArgumentException("logRhos must be [T, B], got " + tb);
    }
    int T = Math.toIntExact(tb.get(0));
    long B = tb.get(1);
    if (T < 1) {
      throw new IllegalArgumentException("V-trace needs T >= 1, got " + tb);
    }
    ShapeCheck.require("discounts", discounts, tb);
    ShapeCheck.require("rewards", rewards, tb);
    ShapeCheck.require("values", values, tb);
    ShapeCheck.require("masks", masks, tb);
    ShapeCheck.require("bootstrapValue", bootstrapValue, new Shape(B));
    for (NDArray a : new NDArray[] {logRhos, discounts, rewards, values, bootstrapValue, masks}) {
      if (a.getDataType() != DataType.FLOAT32) {
        throw new IllegalArgumentException("V-trace inputs must be float32, got " + a.getDataType());
      }
    }

    // Targets carry no gradient: read the network's outputs as constants.
    NDArray v = values.stopGradient();
    NDArray bootstrap = bootstrapValue.stopGradient().expandDims(0); // [1, B]
    NDArray rhos = logRhos.stopGradient().exp(); // ρ_t
    NDArray clippedRhos = rhos.minimum((float) params.rhoBar()); // ρ̄_t = min(ρ̄, ρ_t)
    NDArray cs = rhos.minimum((float) params.cBar()).mul((float) params.lambda()); // c_t = λ min(c̄, ρ_t)

    NDArray vNext = NDArrays.concat(new NDList(v.get("1:"), bootstrap), 0); // V(x_{t+1}), V(x_T) = bootstrap
    // δ_t = ρ̄_t (r_t + γ_t V(x_{t+1}) − V(x_t)), 0 at masked steps
    NDArray deltas = clippedRhos.mul(rewards.add(discounts.mul(vNext)).sub(v)).mul(masks);
    // γ_t c_t, 0 at masked steps: the trace stops at an episode boundary
    NDArray decays = discounts.mul(cs).mul(masks);

    // Reverse scan, from t = T−1 down to 0: acc_t = δ_t + γ_t c_t acc_{t+1}, acc_T = 0.
    NDList deltaSteps = deltas.split(T, 0); // T pieces of [1, B]
    NDList decaySteps = decays.split(T, 0);
    NDArray[] accs = new NDArray[T];
    NDArray acc = deltaSteps.get(T - 1);
    accs[T - 1] = acc;
    for (int t = T - 2; t >= 0; t--) {
      acc = deltaSteps.get(t).add(decaySteps.get(t).mul(acc));
      accs[t] = acc;
    }
    NDArray vsMinusV = NDArrays.concat(new NDList(accs), 0);
    NDArray vs = v.add(vsMinusV); // v_t = V(x_t) + acc_t

    NDArray vsNext = NDArrays.concat(new NDList(vs.get("1:"), bootstrap), 0); // v_{t+1}, v_T = bootstrap
    // A_t = min(ρ̄_pg, ρ_t) (r_t + γ_t v_{t+1} − V(x_t)), 0 at masked steps
    NDArray pgAdvantages =
        rhos.minimum((float) params.pgRhoBar()).mul(rewards.add(discounts.mul(vsNext)).sub(v)).mul(masks);
    return new VTraceReturns(vs, pgAdvantages);
  }

  /**
   * V-trace from the two policies' logits: ρ_t from log π(a_t|x_t) − log μ(a_t|x_t).
   *
   * @param behaviourLogits {@code [T, B, A]} μ's logits (the actor's)
   * @param targetLogits {@code [T, B, A]} π's logits (the learner's)
   * @param actions {@code [T, B]} int64 a_t
   */
  public static VTraceReturns fromLogits(
      NDArray behaviourLogits, NDArray targetLogits, NDArray actions, NDArray discounts, NDArray rewards,
      NDArray values, NDArray bootstrapValue, NDArray masks, VTraceParams params) {
    if (!behaviourLogits.getShape().equals(targetLogits.getShape())) {
      throw new IllegalArgumentException(
          "behaviour logits " + behaviourLogits.getShape() + " and target logits " + targetLogits.getShape() + " differ");
    }
    NDArray logRhos = actionLogProbs(targetLogits, actions).sub(actionLogProbs(behaviourLogits, actions));
    return fromImportanceWeights(logRhos, discounts, rewards, values, bootstrapValue, masks, params);
  }

  /**
   * log π(a_t|x_t): the log-softmax of {@code logits} picked at {@code actions}; differentiable in
   * the logits.
   *
   * @param logits {@code [T, B, A]}
   * @param actions {@code [T, B]} int64 in [0, A)
   * @return {@code [T, B]}
   */
  public static NDArray actionLogProbs(NDArray logits, NDArray actions) {
    Shape ls = logits.getShape();
    if (ls.dimension() != 3) {
      throw new IllegalArgumentException("logits must be [T, B, A], got " + ls);
    }
    ShapeCheck.require("actions", actions, new Shape(ls.get(0), ls.get(1)));
    if (actions.getDataType() != DataType.INT64) {
      throw new IllegalArgumentException("actions must be int64, got " + actions.getDataType());
    }
    return pick(logits.logSoftmax(-1), actions);
  }

  /**
   * log π(a_t|x_t) read from log π(·|x_t) already computed (the loss computes the log-softmax once for the
   * ratios, the policy term and the entropy); differentiable in {@code logProbs}.
   *
   * @param logProbs {@code [T, B, A]} log-probabilities
   * @param actions {@code [T, B]} int64 in [0, A)
   * @return {@code [T, B]}
   */
  public static NDArray pick(NDArray logProbs, NDArray actions) {
    return logProbs.gather(actions.expandDims(-1), -1).squeeze(-1);
  }
}
