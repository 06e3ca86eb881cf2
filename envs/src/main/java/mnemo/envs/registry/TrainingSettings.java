package mnemo.envs.registry;

/**
 * What a task asks of its trainer where the trainer's defaults do not suit it; each is the default of the
 * matching {@code mnemo train} flag for that task, and a flag the user gives wins.
 *
 * @param exploringStarts the share of training episodes whose first action is drawn at random (the active
 *     T-maze: its detour to the cue is never found otherwise); 0 for most tasks
 * @param unroll the unroll length T, for a task whose time limit is far longer than the span its memory
 *     must cover (MiniGrid Memory: 245 steps allowed, about size + 5 from seeing the cue to the decision),
 *     so that updates are not one per whole time limit; 0: the trainer's rule (one whole episode)
 * @param entropyCost the entropy bonus at the start of training, NaN: the trainer's
 * @param entropyCostFinal the entropy bonus at the end, reached linearly; NaN: the trainer's (constant)
 */
public record TrainingSettings(double exploringStarts, int unroll, double entropyCost, double entropyCostFinal) {
  /** The trainer's defaults throughout. */
  public static final TrainingSettings DEFAULTS = new TrainingSettings(0, 0, Double.NaN, Double.NaN);

  public TrainingSettings {
    if (!(exploringStarts >= 0 && exploringStarts <= 1)) {
      throw new IllegalArgumentException("exploring starts must be in [0, 1], got " + exploringStarts);
    }
    if (unroll < 0) {
      throw new IllegalArgumentException("the unroll must be positive, or 0 for the trainer's, got " + unroll);
    }
    if (entropyCost < 0 || entropyCostFinal < 0) { // NaN passes: the trainer's
      throw new IllegalArgumentException("entropy costs must be >= 0, got " + entropyCost + " and " + entropyCostFinal);
    }
  }

  public TrainingSettings withExploringStarts(double share) {
    return new TrainingSettings(share, unroll, entropyCost, entropyCostFinal);
  }

  public TrainingSettings withUnroll(int t) {
    return new TrainingSettings(exploringStarts, t, entropyCost, entropyCostFinal);
  }

  /** An entropy bonus going linearly from {@code start} to {@code end} over the run. */
  public TrainingSettings withEntropyCost(double start, double end) {
    return new TrainingSettings(exploringStarts, unroll, start, end);
  }
}
