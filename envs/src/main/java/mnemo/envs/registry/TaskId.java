package mnemo.envs.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import mnemo.transport.ClientText;

/**
 * A task id as written by users: {@code family[:key=value[,key=value...]]}, e.g. {@code
 * gridworld/empty:size=8} or {@code memory/tmaze:length=100,mode=active}.
 *
 * <p>Parsed strictly, since ids also come from remote clients: at most {@value #MAX_CHARS} characters;
 * a family of lower-case letters, digits, {@code -} and {@code _} in {@code /}-separated parts; keys of
 * lower-case letters, digits and {@code _}; values of letters, digits and {@code . + -}; no spaces, no
 * empty parts, no trailing {@code :} or {@code ,}. Error messages quote the id bounded ({@link ClientText}).
 */
public record TaskId(String family, Map<String, String> params) {
  /** The longest id accepted. */
  public static final int MAX_CHARS = 512;
  private static final Pattern FAMILY = Pattern.compile("[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*");
  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9.+-]+");

  public TaskId {
    params = Map.copyOf(params);
  }

  public static TaskId parse(String text) {
    if (text.length() > MAX_CHARS) {
      throw new IllegalArgumentException("task id of " + text.length() + " characters, at most " + MAX_CHARS + ": "
          + ClientText.quote(text));
    }
    int colon = text.indexOf(':');
    String family = colon < 0 ? text : text.substring(0, colon);
    if (family.isEmpty()) {
      throw new IllegalArgumentException("empty task id in " + ClientText.quote(text));
    }
    if (!FAMILY.matcher(family).matches()) {
      throw new IllegalArgumentException("malformed task family in " + ClientText.quote(text)
          + ": lower-case letters, digits, '-' and '_', in '/'-separated parts");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (colon >= 0) {
      // split with limit -1 keeps empty parts, so "a:" and "a:x=1," are refused
      for (String kv : text.substring(colon + 1).split(",", -1)) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("parameter " + ClientText.quote(kv) + " in " + ClientText.quote(text)
              + " is not key=value");
        }
        String key = kv.substring(0, eq);
        String value = kv.substring(eq + 1);
        if (!KEY.matcher(key).matches() || !VALUE.matcher(value).matches()) {
          throw new IllegalArgumentException("parameter " + ClientText.quote(kv) + " in " + ClientText.quote(text)
              + " is malformed: keys are lower-case letters, digits and '_'; values letters, digits and '.+-'");
        }
        if (params.put(key, value) != null) {
          throw new IllegalArgumentException("parameter '" + key + "' given twice in " + ClientText.quote(text));
        }
      }
    }
    return new TaskId(family, params);
  }

  /** This id with {@code values} for the parameters it leaves unset (itself when that adds none). */
  public TaskId withUnset(Map<String, String> values) {
    Map<String, String> merged = new LinkedHashMap<>(params);
    values.forEach(merged::putIfAbsent);
    return merged.equals(params) ? this : new TaskId(family, merged);
  }

  @Override
  public String toString() {
    if (params.isEmpty()) {
      return family;
    }
    return family + ":" + params.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
  }
}
