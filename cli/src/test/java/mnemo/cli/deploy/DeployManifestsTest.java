package mnemo.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * deploy/ checked against the code, offline: the manifests, Dockerfile and README agree with the CLI, the
 * ports, the Secret and the image ({@link DeployChecks}); the dashboard queries only exported metrics
 * ({@link DashboardChecks}). Each check is shown to fail on a copy of the files with one mistake in it.
 * (Schema validation against the Kubernetes OpenAPI is deploy/validate, run by ./run-tests.)
 */
class DeployManifestsTest {
  private static Map<String, String> files;
  private static Map<String, Set<String>> exported;

  @BeforeAll
  static void read() throws IOException {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("deploy/Dockerfile"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a parent folder with deploy/Dockerfile").isNotNull();
    files = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir.resolve("deploy"))) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".yaml") || name.equals("Dockerfile") || name.equals("README.md")
            || name.equals("grafana-dashboard.json")) {
          files.put(name, Files.readString(p));
        }
      }
    }
    exported = DashboardChecks.exportedSeries();
  }

  @Test
  void theManifestsAgreeWithTheCode() {
    assertThat(files).containsKeys("learner.yaml", "actors.yaml", "secret.yaml", "run-volume.yaml", "Dockerfile",
        "README.md");
    assertThat(DeployChecks.problems(files)).isEmpty();
  }

  @Test
  void theDashboardQueriesOnlyExportedMetrics() {
    assertThat(exported).containsKeys("mnemo_learner_frames_total", "mnemo_actor_steps_total",
        "mnemo_grpc_server_seconds_count", "jvm_memory_used_bytes");
    assertThat(exported.get("mnemo_actor_steps_total")).contains("actor");
    assertThat(DashboardChecks.problems(files.get("grafana-dashboard.json"), exported)).isEmpty();
  }

  /** One mistake each: (file, text, replacement, what the problem says). */
  static Stream<Arguments> mistakes() {
    return Stream.of(
        // the commands parse with the real CLI, and the experiment is valid
        Arguments.of("learner.yaml", "--metrics-port=9090", "--metric-port=9090", "Unknown option: '--metric-port=9090'"),
        Arguments.of("actors.yaml", "--envs=16", "--envz=16", "Unknown option: '--envz=16'"),
        Arguments.of("actors.yaml", "- --learner=mnemo-learner:50051", "- --lerner=mnemo-learner:50051",
            "Missing required option: '--learner=HOST:PORT'"),
        Arguments.of("learner.yaml", "--batch=8", "--batch=eight", "Invalid value for option '--batch'"),
        Arguments.of("learner.yaml", "--core=ur-lstm:hidden=64", "--core=ur-lstn:hidden=64", "invalid experiment"),
        Arguments.of("learner.yaml", "--env=memory/cue-recall:length=5", "--env=memory/cue-recal:length=5",
            "invalid experiment"),
        Arguments.of("learner.yaml", "mnemo.cli.Main learner", "mnemo.cli.Mian learner", "not mnemo.cli.Main"),
        Arguments.of("learner.yaml", "exec java $JAVA_OPTS", "exec java $JAVA_OPT", "$JAVA_OPT is expanded but"),
        Arguments.of("learner.yaml", "fi;", "fi; cd /data;", "not understood: 'cd /data'"),
        Arguments.of("learner.yaml", "'/opt/mnemo/mnemo-cli.jar:/opt/mnemo/lib/*'", "'/opt/mnemo/mnemo.jar:/opt/mnemo/lib/*'",
            "class path entry /opt/mnemo/mnemo.jar is not a path the Dockerfile copies"),
        // ports: the CLI's, the containers', the Service's, the probes'
        Arguments.of("learner.yaml", "--port=50051", "--port=50052", "serves port 50052 but declares containerPorts"),
        Arguments.of("learner.yaml", "- {name: metrics, containerPort: 9090}", "- {name: metrics, containerPort: 9099}",
            "declares containerPort metrics=9099 that `mnemo learner` does not serve"),
        Arguments.of("learner.yaml", "targetPort: metrics", "targetPort: metric", "targets metric, which is not a containerPort"),
        Arguments.of("learner.yaml", "grpc: {port: 50051}\n            periodSeconds: 10",
            "grpc: {port: 50052}\n            periodSeconds: 10", "readinessProbe checks gRPC health on port 50052"),
        Arguments.of("learner.yaml", "selector: {app.kubernetes.io/name: mnemo-learner}",
            "selector: {app.kubernetes.io/part-of: mnemo}", "selects pods running different commands"),
        Arguments.of("learner.yaml", "selector: {app.kubernetes.io/name: mnemo-learner}",
            "selector: {app.kubernetes.io/name: mnemo-lerner}", "selects no pod template"),
        Arguments.of("learner.yaml", "--bind=0.0.0.0", "--bind=127.0.0.1", "--bind 127.0.0.1 is loopback"),
        // the actors reach the learner through its Service
        Arguments.of("actors.yaml", "--learner=mnemo-learner:50051", "--learner=mnemo-learner:50052",
            "Service mnemo-learner has no port 50052"),
        Arguments.of("actors.yaml", "--learner=mnemo-learner:50051", "--learner=mnemo-lerner:50051", "names no Service"),
        Arguments.of("actors.yaml", "--learner=mnemo-learner:50051", "--learner=mnemo-learner:9090",
            "but the learner serves gRPC on --port 50051"),
        Arguments.of("actors.yaml", "  completionMode: Indexed\n",
            "  completionMode: Indexed\n  selector: {matchLabels: {app.kubernetes.io/name: mnemo-actor}}\n",
            "spec.selector without manualSelector: true"),
        Arguments.of("actors.yaml", "  completionMode: Indexed\n", "  completionMode: Indexed\n  manualSelector: true\n"
            + "  selector: {matchLabels: {app.kubernetes.io/name: mnemo-actors}}\n", "does not match the pod template's labels"),
        // the token
        Arguments.of("secret.yaml", "  token: change-me", "  tokn: change-me", "reads key token of Secret mnemo-token"),
        Arguments.of("actors.yaml", "{secretKeyRef: {name: mnemo-token, key: token}}",
            "{secretKeyRef: {name: mnemo-tokens, key: token}}", "which secret.yaml does not define"),
        Arguments.of("actors.yaml", "- --envs=16", "- --envs=16\n            - --token=abc", "--token on the command line"),
        Arguments.of("learner.yaml", "- name: MNEMO_TOKEN", "- name: MNEMO_TOKN", "no env MNEMO_TOKEN"),
        Arguments.of("README.md", "generic mnemo-token --from-literal=token=", "generic mnemo-token --from-literal=key=",
            "README.md creates Secret mnemo-token with key key"),
        // the image, its environment, the JVM and the resources
        Arguments.of("Dockerfile", "ENV OMP_WAIT_POLICY=PASSIVE", "ENV OMP_WAIT_POLICY=ACTIVE", "OMP_WAIT_POLICY is ACTIVE"),
        Arguments.of("Dockerfile", "$JAVA_OPTS -Dai", "-Dai", "sets JAVA_OPTS but its command never expands $JAVA_OPTS"),
        Arguments.of("learner.yaml", "-Xmx6g", "-Xmx9g", "heap -Xmx9g is more than 75% of the memory limit 10Gi"),
        Arguments.of("actors.yaml", "            limits: {memory: 2Gi}\n", "", "no resources.limits.memory"),
        Arguments.of("actors.yaml", "requests: {cpu: \"1\", memory: 1536Mi}", "requests: {memory: 1536Mi}",
            "no resources.requests.cpu"),
        Arguments.of("actors.yaml", "image: mnemo:0.1.0", "image: mnemo:0.0.9", "image mnemo:0.0.9 is not mnemo:0.1.0"),
        Arguments.of("README.md", "-t mnemo:0.1.0", "-t mnemo:latest", "README.md builds image mnemo:latest"),
        // the learner's run folder and resume
        Arguments.of("learner.yaml", "[ -f /data/run/checkpoint.zip ]", "[ -f /data/checkpoint.zip ]",
            "but the learner resumes from /data/run/checkpoint.zip"),
        Arguments.of("learner.yaml", "if [ -f /data/run/checkpoint.zip ]; then RESUME=--resume; fi;", "RESUME=--resume;",
            "always passes --resume"),
        Arguments.of("learner.yaml", "mountPath: /data}", "mountPath: /mnt}", "is not on a persistent volume mount"),
        Arguments.of("learner.yaml", "{claimName: mnemo-run}", "{claimName: mnemo-runs}",
            "claims PersistentVolumeClaim mnemo-runs, which deploy/*.yaml does not define"),
        // the run's lifecycle: Jobs that end with the run, a learner that resumes after a crash
        Arguments.of("learner.yaml", "apiVersion: batch/v1\nkind: Job", "apiVersion: apps/v1\nkind: StatefulSet",
            "`mnemo learner` runs in a StatefulSet, which restarts its pods whenever they exit"),
        Arguments.of("actors.yaml", "apiVersion: batch/v1\nkind: Job", "apiVersion: apps/v1\nkind: Deployment",
            "`mnemo actor` runs in a Deployment, which restarts its pods whenever they exit"),
        Arguments.of("learner.yaml", "      restartPolicy: OnFailure", "      restartPolicy: Always",
            "restartPolicy Always in a Job"),
        Arguments.of("actors.yaml", "      restartPolicy: OnFailure\n", "", "restartPolicy unset (Always) in a Job"),
        Arguments.of("learner.yaml", "  parallelism: 1\n", "  parallelism: 2\n", "more than one learner on one run folder"),
        Arguments.of("learner.yaml", "  completions: 1\n", "  completions: 2\n", "would run again after it finished"),
        Arguments.of("learner.yaml", "backoffLimit: 6", "backoffLimit: 0", "a crashed learner is not restarted"),
        Arguments.of("learner.yaml", "  podReplacementPolicy: Failed", "  podReplacementPolicy: TerminatingOrFailed",
            "a replacement learner may start on the run folder"),
        Arguments.of("actors.yaml", "      - succeededCount: 1", "      - succeededCount: 2",
            "no success policy ending the Job when one actor exits 0"),
        Arguments.of("actors.yaml", "  completionMode: Indexed\n", "", "no success policy ending the Job"),
        Arguments.of("actors.yaml", "  parallelism: 4\n", "  parallelism: 8\n", "completions 4 and parallelism 8 differ"),
        Arguments.of("README.md", "kubectl logs -f job/mnemo-learner", "kubectl logs -f statefulset/mnemo-learner",
            "names a StatefulSet mnemo-learner that deploy/*.yaml does not define"),
        Arguments.of("README.md", "kubectl patch job mnemo-actor", "kubectl patch job mnemo-actors",
            "names a Job mnemo-actors that deploy/*.yaml does not define"),
        // Prometheus
        Arguments.of("actors.yaml", "prometheus.io/port: \"9091\"", "prometheus.io/port: \"9092\"",
            "prometheus.io/port 9092 is no container's --metrics-port"),
        Arguments.of("learner.yaml", "prometheus.io/path: /metrics", "prometheus.io/path: /metric",
            "prometheus.io/path /metric is not"),
        Arguments.of("actors.yaml", "--metrics-bind=0.0.0.0", "--metrics-bind=127.0.0.1", "--metrics-bind 127.0.0.1 is loopback"),
        // the dashboard
        Arguments.of("grafana-dashboard.json", "mnemo_learner_frames_total", "mnemo_learner_frame_total",
            "metric mnemo_learner_frame_total is not exported"),
        Arguments.of("grafana-dashboard.json", "sum by (actor) (rate(mnemo_actor_steps_total",
            "sum by (actr) (rate(mnemo_actor_steps_total", "metric mnemo_actor_steps_total has no label actr"),
        Arguments.of("grafana-dashboard.json", "\"legendFormat\": \"{{term}}\"", "\"legendFormat\": \"{{kind}}\"",
            "metric mnemo_learner_loss has no label kind"));
  }

  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @MethodSource("mistakes")
  void eachMistakeIsFound(String file, String text, String replacement, String expected) {
    String original = files.get(file);
    assertThat(original).as(file).isNotNull();
    assertThat(original.split(java.util.regex.Pattern.quote(text), -1)).as("'%s' once in %s", text, file).hasSize(2);
    Map<String, String> broken = new TreeMap<>(files);
    broken.put(file, original.replace(text, replacement));
    List<String> problems = file.equals("grafana-dashboard.json")
        ? DashboardChecks.problems(broken.get(file), exported)
        : DeployChecks.problems(broken);
    assertThat(problems).anySatisfy(p -> assertThat(p).contains(expected));
  }

  @Test
  void theLearnerScriptIsReadWithAndWithoutItsCheckpoint() {
    ShellScript.Reading r = ShellScript.read(
        "if [ -f /r/checkpoint.zip ]; then RESUME=--resume; fi; exec java $JAVA_OPTS -cp 'a:b/*' M learner $RESUME --x=\"1 2\"",
        Map.of("JAVA_OPTS", "-Xmx1g -Dk=v"), List.of());
    assertThat(r.fileTests()).containsExactly("/r/checkpoint.zip");
    assertThat(r.variablesUsed()).containsExactly("JAVA_OPTS", "RESUME");
    assertThat(r.javaCommands()).containsExactly(
        List.of("java", "-Xmx1g", "-Dk=v", "-cp", "a:b/*", "M", "learner", "--x=1 2"),
        List.of("java", "-Xmx1g", "-Dk=v", "-cp", "a:b/*", "M", "learner", "--resume", "--x=1 2"));
  }

  @Test
  void theEntryPointPassesItsArgumentsThrough() {
    ShellScript.Reading r = ShellScript.read("exec java ${JAVA_OPTS} M \"$@\"", Map.of("JAVA_OPTS", ""), List.of("actor", "--a b"));
    assertThat(r.javaCommands()).containsExactly(List.of("java", "M", "actor", "--a b"));
  }

  /**
   * The reader against the real thing: /bin/sh runs the image's entry point with the actors' args, and the
   * learner's script without and with a checkpoint, with a fake {@code java} on PATH that prints its arguments.
   */
  @Test
  void theShellReaderAgreesWithSh(@TempDir Path tmp) throws Exception {
    Path java = tmp.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n");
    assertThat(java.toFile().setExecutable(true)).isTrue();
    Dockerfile image = Dockerfile.parse(files.get("Dockerfile"));

    Map<String, Object> actor = container("actors.yaml");
    List<String> process = new ArrayList<>(image.entrypoint());
    process.addAll(DeployChecks.strings(actor.get("args")));
    Map<String, String> env = DeployChecks.environment(image, actor);
    assertThat(process.subList(0, 2)).containsExactly("/bin/sh", "-c");
    ShellScript.Reading entry = ShellScript.read(process.get(2), env, process.subList(4, process.size()));
    assertThat(entry.javaCommands()).containsExactly(sh(process, env, tmp));

    Map<String, Object> learner = container("learner.yaml");
    String script = DeployChecks.strings(learner.get("args")).get(0);
    assertThat(script).contains("/data/run/checkpoint.zip");
    Path checkpoint = tmp.resolve("checkpoint.zip");
    script = script.replace("/data/run/checkpoint.zip", checkpoint.toString());
    List<String> run = List.of("/bin/sh", "-c", script);
    env = DeployChecks.environment(image, learner);
    ShellScript.Reading reading = ShellScript.read(script, env, List.of());
    List<String> fresh = sh(run, env, tmp);
    Files.writeString(checkpoint, "");
    List<String> resumed = sh(run, env, tmp);
    assertThat(resumed).contains("--resume");
    assertThat(reading.javaCommands()).containsExactly(fresh, resumed);
  }

  /** The words the fake java received when sh ran {@code process}: "java" and its arguments. */
  private static List<String> sh(List<String> process, Map<String, String> env, Path fakeJavaDir) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(process).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(env);
    pb.environment().put("PATH", fakeJavaDir + ":/usr/bin:/bin");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    List<String> words = new ArrayList<>(List.of("java"));
    words.addAll(List.of(out.split("\0")));
    return words;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(String file) {
    for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(files.get(file))) {
      Map<String, Object> d = (Map<String, Object>) doc;
      if (d.get("spec") instanceof Map<?, ?> spec && spec.get("template") instanceof Map<?, ?> template) {
        return ((List<Map<String, Object>>) ((Map<String, Object>) template.get("spec")).get("containers")).get(0);
      }
    }
    throw new AssertionError("no pod template in " + file);
  }

  @Test
  void shellTheReaderDoesNotFollowIsRefused() {
    assertThatThrownBy(() -> ShellScript.read("java M | tee log", Map.of(), List.of()))
        .hasMessageContaining("shell syntax '|'");
    assertThatThrownBy(() -> ShellScript.read("exec java M $@", Map.of(), List.of()))
        .hasMessageContaining("unquoted $@");
    assertThatThrownBy(() -> ShellScript.read("echo hi", Map.of(), List.of())).hasMessageContaining("not understood");
    assertThatThrownBy(() -> ShellScript.read("X=1", Map.of(), List.of())).hasMessageContaining("no java command");
  }

  @Test
  void quantities() {
    assertThat(DeployChecks.kubernetesBytes("1536Mi")).isEqualTo(1536L << 20);
    assertThat(DeployChecks.kubernetesBytes("2G")).isEqualTo(2_000_000_000L);
    assertThat(DeployChecks.javaBytes("6g")).isEqualTo(6L << 30);
    assertThatThrownBy(() -> DeployChecks.kubernetesBytes("2 GB")).hasMessageContaining("not understood");
  }

  @Test
  void promqlNamesAndLabels() {
    String expr = "sum by (actor) (rate(mnemo_actor_inference_seconds_sum[1m])) / "
        + "sum(jvm_memory_used_bytes{area=\"heap\", id!~\"x.*\"}) > 0.5 and on(instance) process_cpu_usage offset 5m";
    assertThat(DashboardChecks.metricNames(expr))
        .containsExactly("mnemo_actor_inference_seconds_sum", "jvm_memory_used_bytes", "process_cpu_usage");
    assertThat(DashboardChecks.labelsUsed(expr)).containsExactly("actor", "instance", "area", "id");
  }

  @Test
  void scrapeLinesGiveNamesAndLabels() {
    Map<String, Set<String>> s = DashboardChecks.parseScrape("""
        # HELP x_total help
        # TYPE x_total counter
        x_total{actor="a",status="OK"} 1.0
        y 2.5
        """);
    assertThat(s).containsOnlyKeys("x_total", "y");
    assertThat(s.get("x_total")).containsExactly("actor", "status");
  }
}
