package mnemo.cli.deploy;

import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mnemo.actor.ActorMetrics;
import mnemo.learner.metrics.GrpcMetricsInterceptor;
import mnemo.learner.metrics.LearnerMetrics;
import mnemo.transport.MetricsEndpoint;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the Grafana dashboard's PromQL against the metrics the processes export: every metric name a
 * panel queries is one the learner or an actor serves on /metrics, and every label it groups by, matches
 * on or shows in a legend is a label of those metrics (or one Prometheus adds: job, instance).
 */
public final class DashboardChecks {
  /** Labels Prometheus attaches to every scraped series. */
  private static final Set<String> TARGET_LABELS = Set.of("job", "instance");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");

  private DashboardChecks() {}

  /**
   * The series names (with their label names) the learner and an actor export, read from a Prometheus scrape
   * of a registry carrying the real meters: the metrics endpoint's JVM and process binders,
   * {@link LearnerMetrics}, {@link ActorMetrics} and one call through {@link GrpcMetricsInterceptor}.
   */
  public static Map<String, Set<String>> exportedSeries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MetricsEndpoint endpoint = MetricsEndpoint.start("127.0.0.1", 0, registry)) {
      new LearnerMetrics(registry, () -> 0, () -> 0);
      new ActorMetrics(registry, "actor-0");
      oneGrpcCall(new GrpcMetricsInterceptor(registry));
      return parseScrape(endpoint.registry().scrape());
    }
  }

  /** Series name to label names, from Prometheus text format. */
  static Map<String, Set<String>> parseScrape(String text) {
    Map<String, Set<String>> out = new TreeMap<>();
    Pattern sample = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+\\S+.*");
    Pattern label = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"(?:[^\"\\\\]|\\\\.)*\"");
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = sample.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a Prometheus sample line: " + line);
      }
      Set<String> labels = out.computeIfAbsent(m.group(1), k -> new LinkedHashSet<>());
      if (m.group(3) != null) {
        Matcher l = label.matcher(m.group(3));
        while (l.find()) {
          labels.add(l.group(1));
        }
      }
    }
    return out;
  }

  /**
   * Every problem of the dashboard's queries.
   *
   * @param dashboardJson grafana-dashboard.json
   * @param exported {@link #exportedSeries()}
   */
  @SuppressWarnings("unchecked")
  public static List<String> problems(String dashboardJson, Map<String, Set<String>> exported) {
    List<String> problems = new ArrayList<>();
    Map<String, Object> dashboard = new Yaml(new SafeConstructor(new LoaderOptions())).load(dashboardJson);
    int queries = 0;
    for (Object p : (List<Object>) dashboard.getOrDefault("panels", List.of())) {
      Map<String, Object> panel = (Map<String, Object>) p;
      for (Object t : (List<Object>) panel.getOrDefault("targets", List.of())) {
        Map<String, Object> target = (Map<String, Object>) t;
        String expr = String.valueOf(target.get("expr"));
        String where = "grafana-dashboard.json panel '" + panel.get("title") + "' query " + target.get("refId");
        queries++;
        Set<String> labels = new LinkedHashSet<>(labelsUsed(expr));
        Matcher legend = Pattern.compile("\\{\\{\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}")
            .matcher(String.valueOf(target.getOrDefault("legendFormat", "")));
        while (legend.find()) {
          labels.add(legend.group(1));
        }
        Set<String> metrics = metricNames(expr);
        if (metrics.isEmpty()) {
          problems.add(where + ": queries no metric: " + expr);
        }
        for (String metric : metrics) {
          Set<String> have = exported.get(metric);
          if (have == null) {
            problems.add(where + ": metric " + metric + " is not exported by the learner or the actors");
            continue;
          }
          for (String l : labels) {
            if (!have.contains(l) && !TARGET_LABELS.contains(l)) {
              problems.add(where + ": metric " + metric + " has no label " + l + " (it has " + have + ")");
            }
          }
        }
      }
    }
    if (queries == 0) {
      problems.add("grafana-dashboard.json has no queries");
    }
    return problems;
  }

  /** Label names in matchers ({@code {area="heap"}}) and in by/without/on/ignoring lists. */
  static Set<String> labelsUsed(String expr) {
    Set<String> out = new LinkedHashSet<>();
    Matcher lists = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)").matcher(expr);
    while (lists.find()) {
      for (String l : lists.group(1).split(",")) {
        if (!l.isBlank()) {
          out.add(l.strip());
        }
      }
    }
    Matcher matchers = Pattern.compile("\\{([^}]*)}").matcher(expr);
    while (matchers.find()) {
      Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)").matcher(matchers.group(1));
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** Metric names of a PromQL expression: identifiers that are not functions, keywords, labels or durations. */
  static Set<String> metricNames(String expr) {
    String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // string literals
        .replaceAll("\\{[^}]*}", " ") // label matchers
        .replaceAll("\\[[^]]*]", " ") // range selectors
        .replaceAll("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> out = new LinkedHashSet<>();
    Matcher m = Pattern.compile("(?<![\\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?").matcher(e);
    while (m.find()) {
      if (m.group(2) == null && !PROMQL_WORDS.contains(m.group(1).toLowerCase())) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  /** Runs one call through the interceptor, so its per-call timer is registered. */
  private static void oneGrpcCall(GrpcMetricsInterceptor interceptor) {
    MethodDescriptor.Marshaller<byte[]> bytes = new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(byte[] value) {
        return new ByteArrayInputStream(value);
      }

      @Override
      public byte[] parse(InputStream stream) {
        return new byte[0];
      }
    };
    MethodDescriptor<byte[], byte[]> method = MethodDescriptor.<byte[], byte[]>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("mnemo.learner.v1.Learner/Register")
        .setRequestMarshaller(bytes).setResponseMarshaller(bytes).build();
    ServerCall<byte[], byte[]> call = new ServerCall<>() {
      @Override
      public void request(int numMessages) {}

      @Override
      public void sendHeaders(Metadata headers) {}

      @Override
      public void sendMessage(byte[] message) {}

      @Override
      public void close(Status status, Metadata trailers) {}

      @Override
      public boolean isCancelled() {
        return false;
      }

      @Override
      public MethodDescriptor<byte[], byte[]> getMethodDescriptor() {
        return method;
      }
    };
    interceptor.interceptCall(call, new Metadata(), (c, headers) -> {
      c.close(Status.OK, new Metadata());
      return new ServerCall.Listener<>() {};
    });
  }
}
