package mnemo.cli;

import mnemo.transport.MetricsEndpoint;
import mnemo.transport.TransportSecurity;
import picocli.CommandLine.Option;

/**
 * The Prometheus flag every long-running command shares ({@code @Mixin MetricsOptions metricsOptions}):
 * {@code --metrics-port}, off by default.
 */
public final class MetricsOptions {
  @Option(names = "--metrics-port", defaultValue = "-1", paramLabel = "PORT",
      description = "Serve Prometheus metrics on http://ADDR:PORT/metrics, ADDR the command's --metrics-bind or "
          + "else --bind (0: any free port; default: off).")
  int port;

  /**
   * The bind policy for metrics, the servers' own: with {@code --metrics-port} on, a non-loopback {@code
   * bind} needs the process to run with a token or TLS (a deployment that chose to be reachable); the
   * endpoint serves only metrics, no secrets and no control. Throws IllegalArgumentException with one
   * line naming the fix. Call it before building, writing or binding anything.
   */
  public void checkBind(String bind, TransportSecurity security) {
    if (port < 0) {
      return;
    }
    TransportSecurity metrics = security.withBind(bind);
    if (!metrics.bindsLoopback() && !security.hasToken() && !security.serverTls()) {
      throw new IllegalArgumentException("refusing to serve metrics on " + bind + " (not loopback) without "
          + "authentication: give a shared token (--token or env " + TransportSecurity.TOKEN_ENV + ") or TLS, or "
          + "bind the metrics to " + TransportSecurity.LOOPBACK);
    }
  }

  /** The endpoint on {@code bind}, or null when {@code --metrics-port} is off. */
  public MetricsEndpoint start(String bind) {
    return port >= 0 ? MetricsEndpoint.start(bind, port) : null;
  }
}
