package mnemo.envs.registry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The resolved parameters of one task: every declared parameter, given or defaulted. Typed getters
 * throw IllegalArgumentException naming the parameter when a value does not parse.
 */
public final class Params {
  /** The largest reward magnitude a task parameter may set. */
  public static final double MAX_REWARD = 1e6;

  private final String family;
  private final Map<String, String> values;

  Params(String family, List<Param> declared, Map<String, String> given) {
    this.family = family;
    Map<String, String> v = new LinkedHashMap<>();
    for (Param p : declared) {
      v.put(p.name(), p.defaultValue());
    }
    for (Map.Entry<String, String> e : given.entrySet()) {
      if (!v.containsKey(e.getKey())) {
        throw new IllegalArgumentException("task " + family + " has no parameter '" + e.getKey() + "'; it has "
            + declared.stream().map(Param::name).collect(Collectors.joining(", ")));
      }
      v.put(e.getKey(), e.getValue());
    }
    this.values = v;
  }

  /** Parameters for tests and factories called directly: defaults of {@code declared} plus {@code given}. */
  public static Params of(String family, List<Param> declared, Map<String, String> given) {
    return new Params(family, declared, given);
  }

  public String getString(String name) {
    String v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("task " + family + " has no parameter '" + name + "'");
    }
    return v;
  }

  public int getInt(String name) {
    try {
      return Integer.parseInt(getString(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(family + ": parameter '" + name + "' must be an integer, got '" + getString(name) + "'");
    }
  }

  /** An integer in [min, max]. */
  public int getInt(String name, int min, int max) {
    int v = getInt(name);
    if (v < min || v > max) {
      throw new IllegalArgumentException(family + ": parameter '" + name + "' must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /** A finite number (NaN and infinities are refused). */
  public double getDouble(String name) {
    double v;
    try {
      v = Double.parseDouble(getString(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(family + ": parameter '" + name + "' must be a number, got '" + getString(name) + "'");
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(family + ": parameter '" + name + "' must be finite, got '" + getString(name) + "'");
    }
    return v;
  }

  /** A finite number in [min, max]. */
  public double getDouble(String name, double min, double max) {
    double v = getDouble(name);
    if (v < min || v > max) {
      throw new IllegalArgumentException(family + ": parameter '" + name + "' must be in [" + min + ", " + max + "], got "
          + getString(name));
    }
    return v;
  }

  public boolean getBoolean(String name) {
    String v = getString(name);
    if (v.equals("true") || v.equals("false")) {
      return Boolean.parseBoolean(v);
    }
    throw new IllegalArgumentException(family + ": parameter '" + name + "' must be true or false, got '" + v + "'");
  }

  /** One of {@code choices}. */
  public String getChoice(String name, String... choices) {
    String v = getString(name);
    for (String c : choices) {
      if (c.equals(v)) {
        return v;
      }
    }
    throw new IllegalArgumentException(family + ": parameter '" + name + "' must be one of " + String.join("|", choices) + ", got '" + v + "'");
  }

  /** The canonical id: the family and every parameter, sorted. */
  public String canonicalId() {
    return new TaskId(family, values).toString();
  }
}
