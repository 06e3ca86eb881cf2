package mnemo.envs;

/** Where a time step stands in its episode (dm_env's convention). */
public enum StepType {
  /** The first step of an episode: reward 0, discount 1, no action led here. */
  FIRST,
  /** Any step between the first and the last. */
  MID,
  /** The last step: discount 0 means terminated, discount &gt; 0 means truncated by a time limit. */
  LAST
}
