package mnemo.envs.remote;

import java.util.Map;
import mnemo.envs.EnvSpec;

/**
 * How much the environment server's sessions may hold, by estimate: each session reserves N × the
 * task's cost per environment, in KiB, before its environments are made, and frees it when it ends.
 *
 * <p>The default cost of an environment is {@value #BASE_KIB} KiB plus {@value #OBS_FACTOR} × its
 * observation's size: measured on this suite, a memory-maze environment keeps about 580 KiB for its
 * 12 KiB frame (its renderer's buffers), the grid and card tasks 1 KiB or less; the factor is an
 * overestimate for all but the maze. {@code costs} overrides it per family (KiB per environment).
 *
 * @param capacityKiB the total the open sessions may reserve
 * @param costs per-family cost overrides, KiB per environment
 */
public record SessionBudget(long capacityKiB, Map<String, Long> costs) {
  /** Fixed cost of any environment, KiB. */
  public static final long BASE_KIB = 4;
  /** Multiple of the observation's size an environment is assumed to keep. */
  public static final long OBS_FACTOR = 48;

  public SessionBudget {
    if (capacityKiB < 1) {
      throw new IllegalArgumentException("the session budget must be positive, got " + capacityKiB + " KiB");
    }
    costs = Map.copyOf(costs);
    costs.forEach((family, kib) -> {
      if (kib < 0) {
        throw new IllegalArgumentException("the cost of " + family + " must be >= 0 KiB, got " + kib);
      }
    });
  }

  /** Half the JVM's maximum heap, with the default costs. */
  public static SessionBudget halfTheHeap() {
    return new SessionBudget(Runtime.getRuntime().maxMemory() / 2048, Map.of());
  }

  /** The estimated cost of one environment of {@code family} with {@code spec}, KiB. */
  public long costKiB(String family, EnvSpec spec) {
    Long c = costs.get(family);
    if (c != null) {
      return c;
    }
    long obsBytes = (long) spec.observation().size() * (spec.observation().dtype() == mnemo.envs.DType.UINT8 ? 1 : 4);
    return BASE_KIB + (OBS_FACTOR * obsBytes + 1023) / 1024;
  }
}
