package mnemo.envs.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import mnemo.envs.Environment;

/**
 * Task families by name; {@link #make} builds an environment from an id with parameters. Unknown
 * families throw {@link UnknownTaskException}; unknown or malformed parameters throw
 * IllegalArgumentException naming the parameter.
 */
public final class TaskRegistry {
  private final Map<String, TaskFamily> families = new TreeMap<>();

  public synchronized void register(TaskFamily family) {
    if (families.putIfAbsent(family.name(), family) != null) {
      throw new IllegalArgumentException("task family " + family.name() + " is already registered");
    }
  }

  public synchronized List<TaskFamily> families() {
    return new ArrayList<>(families.values());
  }

  /** The family called {@code name}, or empty (for names the caller may not own, as an environment server's). */
  public synchronized Optional<TaskFamily> find(String name) {
    return Optional.ofNullable(families.get(name));
  }

  /**
   * The family of the task id {@code taskId} ("family:params"), or empty; the id is not parsed, so an
   * environment server's own id, which need not follow the registry's naming rules, is simply not found.
   */
  public Optional<TaskFamily> findFor(String taskId) {
    int colon = taskId.indexOf(':');
    return find(colon < 0 ? taskId : taskId.substring(0, colon));
  }

  /** The family called {@code name}; UnknownTaskException naming the known ones when there is none. */
  public synchronized TaskFamily family(String name) {
    TaskFamily f = families.get(name);
    if (f == null) {
      throw new UnknownTaskException("unknown task " + mnemo.transport.ClientText.quote(name) + "; known: " + String.join(", ", families.keySet()));
    }
    return f;
  }

  public Environment make(String id) {
    return make(TaskId.parse(id));
  }

  public Environment make(TaskId id) {
    TaskFamily f = family(id.family());
    return f.factory().apply(f.resolve(id));
  }

  /** The canonical form of {@code id}: every parameter spelled out, sorted. Validates the id. */
  public String canonical(String id) {
    TaskId t = TaskId.parse(id);
    return family(t.family()).resolve(t).canonicalId();
  }
}
