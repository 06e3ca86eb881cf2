package mnemo.envs;

import java.util.Arrays;

/**
 * What one observation tensor looks like: a name, a shape, an element type and inclusive bounds that
 * every element respects.
 */
public record TensorSpec(String name, int[] shape, DType dtype, double minimum, double maximum) {

  public TensorSpec {
    shape = shape.clone();
    for (int d : shape) {
      if (d <= 0) {
        throw new IllegalArgumentException("dimensions must be positive: " + Arrays.toString(shape));
      }
    }
    if (!(minimum <= maximum)) {
      throw new IllegalArgumentException("minimum " + minimum + " > maximum " + maximum);
    }
  }

  /** Number of elements: the product of the shape. */
  public int size() {
    int n = 1;
    for (int d : shape) {
      n *= d;
    }
    return n;
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** Throws when {@code t} does not have this spec's dtype and shape, or leaves the bounds. */
  public void check(Tensor t) {
    if (t.dtype() != dtype || !Arrays.equals(t.shapeView(), shape)) {
      throw new IllegalArgumentException(
          "observation '" + name + "' should be " + dtype + Arrays.toString(shape) + ", got " + t.dtype()
              + Arrays.toString(t.shapeView()));
    }
    for (int i = 0, n = t.size(); i < n; i++) {
      double v = t.get(i);
      if (!(v >= minimum && v <= maximum)) {
        throw new IllegalArgumentException(
            "observation '" + name + "' element " + i + " = " + v + " outside [" + minimum + ", " + maximum + "]");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec s && name.equals(s.name) && Arrays.equals(shape, s.shape) && dtype == s.dtype
        && Double.compare(minimum, s.minimum) == 0 && Double.compare(maximum, s.maximum) == 0;
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + dtype.name().toLowerCase() + Arrays.toString(shape) + " in [" + fmt(minimum) + ", "
        + fmt(maximum) + "]";
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
