package mnemo.cli;

import mnemo.transport.MetricsEndpoint;
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

  /** The endpoint on {@code bind}, or null when {@code --metrics-port} is off. */
  public MetricsEndpoint start(String bind) {
    return port >= 0 ? MetricsEndpoint.start(bind, port) : null;
  }
}
