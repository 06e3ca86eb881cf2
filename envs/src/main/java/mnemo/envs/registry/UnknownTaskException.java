package mnemo.envs.registry;

/** No task family of that name is registered. */
public final class UnknownTaskException extends IllegalArgumentException {
  public UnknownTaskException(String message) {
    super(message);
  }
}
