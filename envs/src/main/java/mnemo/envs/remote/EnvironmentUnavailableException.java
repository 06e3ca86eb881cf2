package mnemo.envs.remote;

/**
 * The environment server cannot be reached, or it went away in the middle of a session (it died, the
 * network failed, it shut down). The message names the target; the session is over, connect again.
 */
public final class EnvironmentUnavailableException extends RuntimeException {
  private final String target;

  public EnvironmentUnavailableException(String target, String message, Throwable cause) {
    super("environment server " + target + ": " + message, cause);
    this.target = target;
  }

  /** The {@code host:port} that failed. */
  public String target() {
    return target;
  }
}
