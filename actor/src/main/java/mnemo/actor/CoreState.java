package mnemo.actor;

import java.util.Arrays;
import java.util.List;

/**
 * A recurrent core state held on the Java heap between inference steps: one row-major float32 array
 * per state tensor, each of shape {@code [N, ...]}. Immutable once built; the actor keeps it on the
 * heap so no native memory outlives a step.
 */
public record CoreState(List<float[]> arrays, List<int[]> shapes) {

  public CoreState {
    if (arrays.size() != shapes.size()) {
      throw new IllegalArgumentException(arrays.size() + " state arrays but " + shapes.size() + " shapes");
    }
    for (int i = 0; i < arrays.size(); i++) {
      long n = 1;
      for (int d : shapes.get(i)) {
        n *= d;
      }
      if (n != arrays.get(i).length) {
        throw new IllegalArgumentException("state array " + i + " has " + arrays.get(i).length
            + " elements, shape " + Arrays.toString(shapes.get(i)) + " needs " + n);
      }
    }
    arrays = List.copyOf(arrays);
    shapes = List.copyOf(shapes);
  }

  /** An empty state, for stateless policies. */
  public static CoreState empty() {
    return new CoreState(List.of(), List.of());
  }
}
