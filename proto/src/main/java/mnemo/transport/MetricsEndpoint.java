package mnemo.transport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's metrics in Prometheus text format on {@code http://BIND:PORT/metrics} (JDK HTTP server,
 * one daemon thread). Loopback by default; register meters on {@link #registry()}. JVM memory, GC,
 * threads, class loading, CPU and uptime are bound from the start.
 *
 * <pre>{@code
 * try (MetricsEndpoint metrics = MetricsEndpoint.start("127.0.0.1", 9090)) {
 *   Counter frames = metrics.registry().counter("mnemo.learner.frames");
 *   ...
 * }
 * }</pre>
 */
public final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
  public static final String PATH = "/metrics";

  private final PrometheusMeterRegistry registry;
  private final HttpServer http;
  private final ExecutorService executor;
  private final JvmGcMetrics gc;

  private MetricsEndpoint(PrometheusMeterRegistry registry, HttpServer http, ExecutorService executor, JvmGcMetrics gc) {
    this.registry = registry;
    this.http = http;
    this.executor = executor;
    this.gc = gc;
  }

  /** Serves a fresh registry on {@code bind:port} (port 0 picks a free one). */
  public static MetricsEndpoint start(String bind, int port) {
    return start(bind, port, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
  }

  /** Serves {@code registry} on {@code bind:port} (port 0 picks a free one), adding the JVM binders. */
  public static MetricsEndpoint start(String bind, int port, PrometheusMeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    HttpServer http;
    try {
      http = HttpServer.create(new InetSocketAddress(bind == null ? TransportSecurity.LOOPBACK : bind, port), 0);
    } catch (IOException e) {
      gc.close();
      throw new UncheckedIOException("cannot bind the metrics endpoint on " + bind + ":" + port + ": " + e.getMessage(), e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "metrics-http");
      t.setDaemon(true);
      return t;
    });
    http.setExecutor(executor);
    http.createContext(PATH, exchange -> serve(registry, exchange));
    http.start();
    MetricsEndpoint m = new MetricsEndpoint(registry, http, executor, gc);
    log.info("metrics on {}", m.url());
    return m;
  }

  private static void serve(PrometheusMeterRegistry registry, HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(200, -1);
        return;
      }
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  /** e.g. {@code http://127.0.0.1:9090/metrics}. */
  public String url() {
    String host = http.getAddress().getAddress().getHostAddress();
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + PATH;
  }

  @Override
  public void close() {
    http.stop(0);
    executor.shutdownNow();
    gc.close();
  }
}
