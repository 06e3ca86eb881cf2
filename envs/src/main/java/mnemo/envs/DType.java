package mnemo.envs;

/** Element type of an observation tensor. */
public enum DType {
  FLOAT32,
  UINT8
}
