package mnemo.learner.loss;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import java.util.Locale;

/** How rewards are squashed before V-trace (the IMPALA release's options). */
public enum RewardClipping {
  /** Rewards as they are. */
  NONE {
    @Override
    public NDArray apply(NDArray r) {
      return r;
    }

    @Override
    public double apply(double r) {
      return r;
    }
  },
  /** clip(r, −1, 1). */
  ABS_ONE {
    @Override
    public NDArray apply(NDArray r) {
      return r.clip(-1, 1);
    }

    @Override
    public double apply(double r) {
      return Math.max(-1, Math.min(1, r));
    }
  },
  /** 5·tanh(r/5), with negative rewards scaled by 0.3: s = tanh(r/5); (r &lt; 0 ? 0.3·s : s)·5. */
  SOFT_ASYMMETRIC {
    @Override
    public NDArray apply(NDArray r) {
      NDArray squeezed = r.div(5f).tanh();
      return NDArrays.where(r.lt(0f), squeezed.mul(0.3f), squeezed).mul(5f);
    }

    @Override
    public double apply(double r) {
      double squeezed = Math.tanh(r / 5);
      return (r < 0 ? 0.3 * squeezed : squeezed) * 5;
    }
  };

  /** The clipped rewards, same shape. */
  public abstract NDArray apply(NDArray rewards);

  /** One clipped reward. */
  public abstract double apply(double reward);

  /** Parses the config spelling ("none", "abs_one", "soft_asymmetric"; empty means none). */
  public static RewardClipping parse(String name) {
    if (name == null || name.isEmpty()) {
      return NONE;
    }
    try {
      return valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown reward clipping '" + name + "'; expected none, abs_one or soft_asymmetric", e);
    }
  }

  /** The config spelling. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
