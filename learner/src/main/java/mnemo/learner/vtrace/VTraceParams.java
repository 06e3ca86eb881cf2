package mnemo.learner.vtrace;

/**
 * V-trace's truncation levels (Espeholt et al. 2018, section 4.1).
 *
 * @param rhoBar ρ̄, clips the importance weight in the temporal difference δ_t
 * @param pgRhoBar ρ̄ for the policy-gradient advantage (the paper uses ρ̄ again)
 * @param cBar c̄, clips the trace-cutting coefficient c_t
 * @param lambda λ, mixes in a λ-return: c_t = λ · min(c̄, ρ_t); 1 gives plain V-trace
 */
public record VTraceParams(double rhoBar, double pgRhoBar, double cBar, double lambda) {

  /** The paper's defaults: ρ̄ = ρ̄_pg = c̄ = 1, λ = 1. */
  public static final VTraceParams DEFAULT = new VTraceParams(1, 1, 1, 1);

  public VTraceParams {
    if (!(rhoBar > 0) || !(pgRhoBar > 0) || !(cBar > 0)) {
      throw new IllegalArgumentException(
          "V-trace clip thresholds must be positive: rhoBar=" + rhoBar + " pgRhoBar=" + pgRhoBar + " cBar=" + cBar);
    }
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("V-trace lambda must be in [0, 1], got " + lambda);
    }
  }
}
