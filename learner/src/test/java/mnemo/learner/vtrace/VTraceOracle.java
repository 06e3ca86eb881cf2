package mnemo.learner.vtrace;

/**
 * The test oracle: V-trace in double precision from the paper's explicit sum (Espeholt et al. 2018,
 * eq. 1), not from the reverse scan the NDArray code uses:
 *
 * <pre>
 *   v_s = V(x_s) + Σ_{t=s}^{T−1} (Π_{i=s}^{t−1} γ_i c_i) δ_t
 * </pre>
 *
 * with δ_t and c_t set to 0 at masked steps. Arrays are [t][b].
 */
public final class VTraceOracle {
  private VTraceOracle() {}

  public record Result(double[][] vs, double[][] pgAdvantages) {}

  public static Result compute(
      double[][] logRhos, double[][] discounts, double[][] rewards, double[][] values, double[] bootstrap,
      double[][] masks, double rhoBar, double pgRhoBar, double cBar, double lambda) {
    int T = logRhos.length;
    int B = bootstrap.length;
    double[][] vs = new double[T][B];
    double[][] adv = new double[T][B];
    for (int b = 0; b < B; b++) {
      double[] delta = new double[T];
      double[] c = new double[T];
      for (int t = 0; t < T; t++) {
        double rho = Math.exp(logRhos[t][b]);
        double vNext = t + 1 < T ? values[t + 1][b] : bootstrap[b];
        delta[t] = masks[t][b] * Math.min(rhoBar, rho) * (rewards[t][b] + discounts[t][b] * vNext - values[t][b]);
        c[t] = masks[t][b] * lambda * Math.min(cBar, rho);
      }
      for (int s = 0; s < T; s++) {
        double sum = 0;
        double weight = 1; // Π_{i=s}^{t−1} γ_i c_i
        for (int t = s; t < T; t++) {
          sum += weight * delta[t];
          weight *= discounts[t][b] * c[t];
        }
        vs[s][b] = values[s][b] + sum;
      }
      for (int t = 0; t < T; t++) {
        double rho = Math.exp(logRhos[t][b]);
        double vsNext = t + 1 < T ? vs[t + 1][b] : bootstrap[b];
        adv[t][b] = masks[t][b] * Math.min(pgRhoBar, rho) * (rewards[t][b] + discounts[t][b] * vsNext - values[t][b]);
      }
    }
    return new Result(vs, adv);
  }
}
