package mnemo.envs.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A task id as written by users: {@code family[:key=value[,key=value...]]}, e.g. {@code
 * gridworld/empty:size=8} or {@code memory/tmaze:length=100,mode=active}.
 */
public record TaskId(String family, Map<String, String> params) {

  public TaskId {
    params = Map.copyOf(params);
  }

  public static TaskId parse(String text) {
    String s = text.strip();
    int colon = s.indexOf(':');
    String family = colon < 0 ? s : s.substring(0, colon);
    if (family.isEmpty()) {
      throw new IllegalArgumentException("empty task id in '" + text + "'");
    }
    Map<String, String> params = new LinkedHashMap<>();
    if (colon >= 0 && colon < s.length() - 1) {
      for (String kv : s.substring(colon + 1).split(",")) {
        int eq = kv.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("parameter '" + kv + "' in '" + text + "' is not key=value");
        }
        String key = kv.substring(0, eq).strip();
        if (params.put(key, kv.substring(eq + 1).strip()) != null) {
          throw new IllegalArgumentException("parameter '" + key + "' given twice in '" + text + "'");
        }
      }
    }
    return new TaskId(family, params);
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
