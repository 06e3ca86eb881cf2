package mnemo.cli.deploy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mnemo.agent.core.CoreSpec;
import mnemo.cli.Main;
import mnemo.cli.train.ExperimentOptions;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.checkpoint.Checkpoint;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.transport.MetricsEndpoint;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Checks deploy/'s Kubernetes manifests, Dockerfile and README against the code they run: the commands
 * parse with the real CLI, ports, Service selectors and targets, the learner address the actors dial, the
 * token Secret, the image's environment, resources, Prometheus annotations, the run folder's volume, and
 * the run's lifecycle (learner and actors are Jobs that end when training has finished and resume or
 * restart after a crash).
 * {@link #problems} lists every disagreement, one sentence each naming the file and object.
 */
public final class DeployChecks {
  /** Workload kinds whose {@code spec.template} is a pod template. */
  private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job");
  /** The JVM heap may take at most this share of the container's memory limit (libtorch's memory is native). */
  static final double MAX_HEAP_SHARE = 0.75;
  /** The distribution's version, from `mnemo --version` ("mnemo 0.1.0"). */
  private static final String VERSION = Main.commandLine().getCommandSpec().version()[0].replaceFirst("^mnemo\\s+", "");
  /** The command line with ${...} left as written, to read which environment variables defaults come from. */
  private static final CommandLine UNINTERPOLATED = Main.commandLine().setInterpolateVariables(false);

  private final Map<String, String> files;
  private final List<String> problems = new ArrayList<>();
  private final List<Doc> docs = new ArrayList<>();
  private Dockerfile image;

  /** One YAML document of one file. */
  private record Doc(String file, int index, Map<String, Object> body) {
    String kind() {
      return String.valueOf(body.get("kind"));
    }

    String name() {
      return String.valueOf(map(body, "metadata").get("name"));
    }

    @Override
    public String toString() {
      return file + " " + kind() + " " + name();
    }
  }

  /** A container of a pod template, and what it runs once read. */
  private record Container(Doc workload, Map<String, Object> pod, Map<String, Object> spec, Map<String, String> env,
      Launch launch) {
    String where() {
      return workload + " container " + spec.get("name");
    }

    Map<String, Object> podSpec() {
      return map(pod, "spec");
    }
  }

  /**
   * The java command a container ends in.
   *
   * @param argvs the arguments of mnemo.cli.Main, once per variant of the script's conditional assignments
   * @param commandLine the parsed command line of each variant
   */
  private record Launch(List<String> jvmOptions, List<String> classPath, String mainClass, List<List<String>> argvs,
      List<CommandLine> commandLine, ShellScript.Reading script) {
    CommandSpec command() {
      ParseResult sub = commandLine.get(0).getParseResult().subcommand();
      return sub == null ? null : sub.commandSpec();
    }

    String subcommand() {
      return command() == null ? "" : command().name();
    }

    Object option(String name) {
      OptionSpec o = command().findOption(name);
      return o == null ? null : o.getValue();
    }
  }

  private DeployChecks(Map<String, String> files) {
    this.files = files;
  }

  /**
   * Every disagreement between deploy/'s files and the code.
   *
   * @param files file name (e.g. {@code learner.yaml}, {@code Dockerfile}, {@code README.md}) to text; every
   *     {@code *.yaml} is read as Kubernetes manifests
   */
  public static List<String> problems(Map<String, String> files) {
    DeployChecks c = new DeployChecks(new TreeMap<>(files));
    c.run();
    return List.copyOf(c.problems);
  }

  private void problem(String message) {
    problems.add(message);
  }

  private void run() {
    image = Dockerfile.parse(require("Dockerfile"));
    readManifests();
    List<Container> containers = new ArrayList<>();
    for (Doc d : docs) {
      if (WORKLOADS.contains(d.kind())) {
        Map<String, Object> pod = map(map(d.body(), "spec"), "template");
        checkWorkloadSelector(d, pod);
        for (Map<String, Object> spec : maps(map(pod, "spec").get("containers"))) {
          Map<String, String> env = environment(image, spec);
          Container c = new Container(d, pod, spec, env, launch(d + " container " + spec.get("name"), spec, env));
          containers.add(c);
        }
      }
    }
    String version = VERSION;
    for (Container c : containers) {
      checkContainer(c, version);
    }
    List<Container> learners = containers.stream().filter(c -> c.launch() != null
        && c.launch().subcommand().equals("learner")).toList();
    List<Container> actors = containers.stream().filter(c -> c.launch() != null
        && c.launch().subcommand().equals("actor")).toList();
    if (learners.size() != 1) {
      problem("expected one container running `mnemo learner` in deploy/*.yaml, found " + learners.size());
    }
    if (actors.isEmpty()) {
      problem("no container runs `mnemo actor` in deploy/*.yaml");
    }
    checkServices(containers);
    checkToken(containers);
    for (Container l : learners) {
      checkLearner(l);
      checkLearnerJob(l);
    }
    for (Container a : actors) {
      checkActor(a, learners);
    }
    for (Doc d : actors.stream().map(Container::workload).distinct().toList()) {
      checkActorJob(d);
    }
    checkPrometheus(containers);
    checkReadme(containers, version);
  }

  private String require(String file) {
    String text = files.get(file);
    if (text == null) {
      throw new IllegalArgumentException("deploy/" + file + " is missing");
    }
    return text;
  }

  @SuppressWarnings("unchecked")
  private void readManifests() {
    for (Map.Entry<String, String> f : files.entrySet()) {
      if (!f.getKey().endsWith(".yaml")) {
        continue;
      }
      int i = 0;
      try {
        for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(f.getValue())) {
          i++;
          if (o instanceof Map<?, ?> m) {
            docs.add(new Doc(f.getKey(), i, (Map<String, Object>) m));
          } else if (o != null) {
            problem(f.getKey() + " document " + i + " is not a mapping");
          }
        }
      } catch (RuntimeException e) {
        problem(f.getKey() + " is not YAML: " + e.getMessage());
      }
    }
  }

  // ---- pods and containers

  private void checkWorkloadSelector(Doc d, Map<String, Object> pod) {
    Map<String, Object> spec = map(d.body(), "spec");
    if (d.kind().equals("Job") && !Boolean.TRUE.equals(spec.get("manualSelector"))) {
      // The Job controller makes the selector (and its pod labels); one given by hand needs manualSelector.
      if (spec.containsKey("selector")) {
        problem(d + ": spec.selector without manualSelector: true (the API server refuses it; leave the selector "
            + "out and the Job controller makes one)");
      }
      return;
    }
    Map<String, Object> selector = map(map(spec, "selector"), "matchLabels");
    Map<String, Object> labels = map(map(pod, "metadata"), "labels");
    if (selector.isEmpty() || !labels.entrySet().containsAll(selector.entrySet())) {
      problem(d + ": spec.selector.matchLabels " + selector + " does not match the pod template's labels " + labels
          + " (the API server refuses it)");
    }
  }

  /** The container's environment: the image's ENV overridden by the container's env (secrets as placeholders). */
  static Map<String, String> environment(Dockerfile image, Map<String, Object> container) {
    Map<String, String> env = new LinkedHashMap<>(image.env());
    for (Map<String, Object> e : maps(container.get("env"))) {
      Object value = e.get("value");
      env.put(String.valueOf(e.get("name")), value != null ? String.valueOf(value) : "<valueFrom>");
    }
    return env;
  }

  /** Reads what the container runs: its command (or the image's entry point) and args, down to mnemo.cli.Main. */
  private Launch launch(String where, Map<String, Object> container, Map<String, String> env) {
    List<String> command = container.containsKey("command") ? strings(container.get("command")) : image.entrypoint();
    List<String> args = container.containsKey("args") ? strings(container.get("args"))
        : container.containsKey("command") ? List.of() : image.cmd();
    List<String> process = new ArrayList<>(command);
    process.addAll(args);
    List<List<String>> javas;
    ShellScript.Reading script = null;
    try {
      if (process.size() >= 3 && process.get(0).matches("(/bin/|/usr/bin/)?(ba)?sh") && process.get(1).equals("-c")) {
        List<String> positional = process.size() > 4 ? process.subList(4, process.size()) : List.of();
        script = ShellScript.read(process.get(2), env, positional);
        javas = script.javaCommands();
      } else if (!process.isEmpty() && process.get(0).matches("(.*/)?java")) {
        javas = List.of(process);
      } else {
        problem(where + " runs " + process + ": neither java nor sh -c SCRIPT");
        return null;
      }
    } catch (IllegalArgumentException e) {
      problem(where + ": cannot read its command: " + e.getMessage());
      return null;
    }
    List<String> jvm = new ArrayList<>();
    List<String> classPath = List.of();
    String mainClass = null;
    List<List<String>> argvs = new ArrayList<>();
    for (List<String> java : javas) {
      int i = 1;
      List<String> opts = new ArrayList<>();
      // options, and @argument files (java reads their options in place: the image's jvm.options)
      while (i < java.size() && (java.get(i).startsWith("-") || java.get(i).startsWith("@"))) {
        String o = java.get(i++);
        if (o.equals("-cp") || o.equals("-classpath") || o.equals("--class-path")) {
          classPath = i < java.size() ? List.of(java.get(i++).split(":")) : List.of();
        } else if (o.equals("-jar")) {
          problem(where + ": runs java -jar; the image's jar has no lib/ class path to run that way");
          return null;
        } else {
          opts.add(o);
        }
      }
      if (i >= java.size()) {
        problem(where + ": java without a main class: " + java);
        return null;
      }
      if (mainClass != null && !mainClass.equals(java.get(i))) {
        problem(where + ": main class differs between variants");
      }
      mainClass = java.get(i);
      jvm = opts;
      argvs.add(List.copyOf(java.subList(i + 1, java.size())));
    }
    if (!Main.class.getName().equals(mainClass)) {
      problem(where + " runs main class " + mainClass + ", not " + Main.class.getName());
      return null;
    }
    List<CommandLine> parsed = new ArrayList<>();
    for (List<String> argv : argvs) {
      CommandLine cl = Main.commandLine();
      try {
        ParseResult r = cl.parseArgs(argv.toArray(String[]::new));
        if (r.subcommand() == null) {
          problem(where + ": `mnemo " + String.join(" ", argv) + "` names no subcommand");
          return null;
        }
      } catch (CommandLine.ParameterException e) {
        problem(where + ": `mnemo " + String.join(" ", argv) + "` does not parse: " + e.getMessage());
        return null;
      }
      parsed.add(cl);
    }
    return new Launch(jvm, classPath, mainClass, argvs, parsed, script);
  }

  private void checkContainer(Container c, String version) {
    Map<String, Object> spec = c.spec();
    String where = c.where();
    String expectedImage = "mnemo:" + version;
    if (!expectedImage.equals(spec.get("image"))) {
      problem(where + ": image " + spec.get("image") + " is not " + expectedImage + " (the version of `mnemo --version`)");
    }
    if (!"PASSIVE".equals(c.env().get("OMP_WAIT_POLICY"))) {
      problem(where + ": OMP_WAIT_POLICY is " + c.env().get("OMP_WAIT_POLICY") + ", not PASSIVE (neither the image's ENV "
          + "nor the container's env): libtorch's OpenMP threads would spin between ops");
    }
    Map<String, Object> resources = map(spec, "resources");
    Map<String, Object> requests = map(resources, "requests");
    Map<String, Object> limits = map(resources, "limits");
    for (String r : List.of("cpu", "memory")) {
      if (requests.get(r) == null) {
        problem(where + ": no resources.requests." + r);
      }
    }
    Long limit = null;
    if (limits.get("memory") == null) {
      problem(where + ": no resources.limits.memory");
    } else {
      try {
        limit = kubernetesBytes(String.valueOf(limits.get("memory")));
      } catch (IllegalArgumentException e) {
        problem(where + ": " + e.getMessage());
      }
    }
    Launch launch = c.launch();
    if (launch == null) {
      return;
    }
    boolean javaOptsUsed = launch.script() != null && launch.script().variablesUsed().contains("JAVA_OPTS");
    if (c.env().containsKey("JAVA_OPTS") && !javaOptsUsed) {
      problem(where + ": sets JAVA_OPTS but its command never expands $JAVA_OPTS (java itself does not read it), "
          + "so '" + c.env().get("JAVA_OPTS") + "' is ignored");
    }
    for (String o : launch.jvmOptions()) {
      if (o.startsWith("-Xmx") && limit != null) {
        long heap = javaBytes(o.substring(4));
        if (heap > MAX_HEAP_SHARE * limit) {
          problem(where + ": heap " + o + " is more than " + Math.round(MAX_HEAP_SHARE * 100)
              + "% of the memory limit " + limits.get("memory") + " (libtorch's tensors live outside the heap)");
        }
      }
    }
    for (String entry : launch.classPath()) {
      String path = entry.endsWith("/*") ? entry.substring(0, entry.length() - 2) : entry;
      if (!image.copiedPaths().contains(path)) {
        problem(where + ": class path entry " + entry + " is not a path the Dockerfile copies into the image "
            + image.copiedPaths());
      }
    }
    for (int v = 0; v < launch.argvs().size(); v++) {
      CommandSpec cmd = launch.commandLine().get(v).getParseResult().subcommand().commandSpec();
      String argv = String.join(" ", launch.argvs().get(v));
      for (CommandSpec mixin : cmd.mixins().values()) {
        if (mixin.userObject() instanceof ExperimentOptions experiment) {
          try {
            mnemo.envs.EnvSpec task;
            try (var probe = BuiltinTasks.registry().make(experiment.task())) {
              task = probe.spec();
            }
            // as the learner command resolves it (the task's memory length for its curriculum)
            ExperimentConfig config = experiment.toConfig(task,
                mnemo.envs.curriculum.VariableLength.memoryLength(BuiltinTasks.registry(), experiment.task()).orElse(0));
            BuiltinTasks.registry().canonical(config.getTaskId());
            CoreSpec.parse(config.getCoreSpec());
          } catch (IllegalArgumentException e) {
            problem(where + ": `mnemo " + argv + "`: invalid experiment: " + e.getMessage());
          }
        }
      }
    }
    // Every port the command serves is a declared containerPort, and every declared one is served.
    Set<Integer> served = new LinkedHashSet<>();
    for (String o : List.of("--port", "--metrics-port")) {
      if (launch.command().findOption(o) != null && ((Integer) launch.option(o)) > 0) {
        served.add((Integer) launch.option(o));
      }
    }
    Map<String, Integer> declared = containerPorts(c.spec());
    for (int p : served) {
      if (!declared.containsValue(p)) {
        problem(where + ": serves port " + p + " but declares containerPorts " + declared.values());
      }
    }
    for (Map.Entry<String, Integer> p : declared.entrySet()) {
      if (!served.contains(p.getValue())) {
        problem(where + ": declares containerPort " + p.getKey() + "=" + p.getValue() + " that `mnemo "
            + launch.subcommand() + "` does not serve (it serves " + served + ")");
      }
    }
    for (String probeKind : List.of("readinessProbe", "livenessProbe", "startupProbe")) {
      Map<String, Object> probe = map(spec, probeKind);
      if (probe.isEmpty()) {
        continue;
      }
      if (!map(probe, "grpc").isEmpty()) {
        Object port = map(probe, "grpc").get("port");
        Object grpcPort = launch.command().findOption("--port") != null ? launch.option("--port") : null;
        if (!Objects.equals(port, grpcPort)) {
          problem(where + ": " + probeKind + " checks gRPC health on port " + port + ", the server listens on --port "
              + grpcPort);
        }
      }
      for (String handler : List.of("httpGet", "tcpSocket")) {
        Object port = map(probe, handler).get("port");
        if (port != null && resolve(port, declared) == null) {
          problem(where + ": " + probeKind + " port " + port + " is not a containerPort");
        }
      }
    }
  }

  // ---- Services, the learner and the actors

  private void checkServices(List<Container> containers) {
    for (Doc s : docs) {
      if (!s.kind().equals("Service")) {
        continue;
      }
      Map<String, Object> selector = map(map(s.body(), "spec"), "selector");
      List<Container> selected = selectedBy(selector, containers);
      if (selected.isEmpty()) {
        problem(s + ": selector " + selector + " selects no pod template in deploy/*.yaml");
        continue;
      }
      Set<String> commands = new LinkedHashSet<>();
      for (Container c : selected) {
        commands.add(c.launch() == null ? "?" : c.launch().subcommand());
      }
      if (commands.size() > 1) {
        problem(s + ": selector " + selector + " selects pods running different commands " + commands);
      }
      for (Map<String, Object> port : maps(map(s.body(), "spec").get("ports"))) {
        Object target = port.getOrDefault("targetPort", port.get("port"));
        for (Container c : selected) {
          if (resolve(target, containerPorts(c.spec())) == null) {
            problem(s + ": port " + port.get("name") + " targets " + target + ", which is not a containerPort of "
                + c.where() + " " + containerPorts(c.spec()));
          }
        }
      }
    }
  }

  private static List<Container> selectedBy(Map<String, Object> selector, List<Container> containers) {
    List<Container> out = new ArrayList<>();
    for (Container c : containers) {
      Map<String, Object> labels = map(map(c.pod(), "metadata"), "labels");
      if (!selector.isEmpty() && labels.entrySet().containsAll(selector.entrySet())) {
        out.add(c);
      }
    }
    return out;
  }

  private void checkLearner(Container learner) {
    Launch l = learner.launch();
    String where = learner.where();
    requireReachable(where, "--bind", l);
    String runDir = String.valueOf(l.option("--run-dir"));
    String checkpoint = Checkpoint.inRunDir(Path.of(runDir)).toString();
    boolean resumes = l.commandLine().stream().anyMatch(cl ->
        cl.getParseResult().subcommand().hasMatchedOption("--resume"));
    if (resumes) {
      List<String> tests = l.script() == null ? List.of() : l.script().fileTests();
      if (!tests.equals(List.of(checkpoint))) {
        problem(where + ": passes --resume when " + tests + " exists, but the learner resumes from " + checkpoint);
      }
      if (l.commandLine().size() < 2) {
        problem(where + ": always passes --resume, so the first start fails (no checkpoint yet)");
      }
    }
    // The run folder (config.json, checkpoint.zip) must outlive the pod: a mount of a persistent volume.
    Set<String> persistent = new LinkedHashSet<>();
    for (Map<String, Object> t : maps(map(learner.workload().body(), "spec").get("volumeClaimTemplates"))) {
      persistent.add(String.valueOf(map(t, "metadata").get("name")));
    }
    for (Map<String, Object> v : maps(learner.podSpec().get("volumes"))) {
      if (v.containsKey("persistentVolumeClaim")) {
        persistent.add(String.valueOf(v.get("name")));
        Object claim = map(v, "persistentVolumeClaim").get("claimName");
        if (docs.stream().noneMatch(d -> d.kind().equals("PersistentVolumeClaim") && d.name().equals(claim))) {
          problem(where + ": volume " + v.get("name") + " claims PersistentVolumeClaim " + claim
              + ", which deploy/*.yaml does not define (the pod would stay Pending)");
        }
      }
    }
    boolean kept = false;
    for (Map<String, Object> m : maps(learner.spec().get("volumeMounts"))) {
      String mount = String.valueOf(m.get("mountPath"));
      if (persistent.contains(String.valueOf(m.get("name"))) && Path.of(runDir).startsWith(Path.of(mount))) {
        kept = true;
      }
    }
    if (!kept) {
      problem(where + ": --run-dir " + runDir + " is not on a persistent volume mount; checkpoints die with the pod");
    }
  }

  private void checkActor(Container actor, List<Container> learners) {
    Launch a = actor.launch();
    String where = actor.where();
    String target = String.valueOf(a.option("--learner"));
    Matcher m = Pattern.compile("([a-z0-9-]+)((\\.[a-z0-9-]+)*):([0-9]+)").matcher(target);
    if (!m.matches()) {
      problem(where + ": --learner " + target + " is not SERVICE[.NAMESPACE[.svc.cluster.local]]:PORT");
      return;
    }
    String host = m.group(1);
    int port = Integer.parseInt(m.group(4));
    Doc service = docs.stream().filter(d -> d.kind().equals("Service") && d.name().equals(host)).findFirst().orElse(null);
    if (service == null) {
      problem(where + ": --learner " + target + " names no Service in deploy/*.yaml");
      return;
    }
    Map<String, Object> servicePort = maps(map(service.body(), "spec").get("ports")).stream()
        .filter(p -> Objects.equals(p.get("port"), port)).findFirst().orElse(null);
    if (servicePort == null) {
      problem(where + ": --learner " + target + ": Service " + host + " has no port " + port);
      return;
    }
    Object targetPort = servicePort.getOrDefault("targetPort", servicePort.get("port"));
    List<Container> selected = selectedBy(map(map(service.body(), "spec"), "selector"), learners);
    if (selected.isEmpty()) {
      problem(where + ": --learner " + target + ": Service " + host + " does not select the learner's pods");
    }
    for (Container l : selected) {
      Object grpcPort = l.launch().option("--port");
      if (!Objects.equals(resolve(targetPort, containerPorts(l.spec())), grpcPort)) {
        problem(where + ": --learner " + target + " reaches container port " + targetPort + " of " + l.where()
            + ", but the learner serves gRPC on --port " + grpcPort);
      }
    }
  }

  // ---- the run's lifecycle: learner and actors end with the run, a crash resumes

  /**
   * The learner ends a run by exiting 0 at --frames; a controller that restarts exited pods (restartPolicy
   * Always) starts it again, it resumes with its budget spent, and the run loops. It must be a Job of one pod
   * whose crashes are retried (so it resumes from its checkpoint) and never overlap on the run folder.
   */
  private void checkLearnerJob(Container learner) {
    Doc d = learner.workload();
    if (!requireJob(d, "learner", "it exits 0 when --frames is reached")) {
      return;
    }
    Map<String, Object> spec = map(d.body(), "spec");
    long parallelism = number(spec.get("parallelism"), 1);
    long completions = number(spec.get("completions"), 1);
    if (parallelism != 1) {
      problem(d + ": parallelism " + parallelism + ": more than one learner on one run folder (and the actors split "
          + "between them)");
    }
    if (completions != 1) {
      problem(d + ": completions " + completions + ": the learner would run again after it finished, resume with its "
          + "budget spent and train past --frames");
    }
    if (number(spec.get("backoffLimit"), 6) < 1) {
      problem(d + ": backoffLimit " + spec.get("backoffLimit") + ": a crashed learner is not restarted to resume "
          + "from its checkpoint");
    }
    if (!"Failed".equals(spec.get("podReplacementPolicy"))) {
      problem(d + ": podReplacementPolicy " + spec.getOrDefault("podReplacementPolicy", "TerminatingOrFailed (default)")
          + ", not Failed: a replacement learner may start on the run folder while the deleted pod still writes "
          + "its final checkpoint");
    }
  }

  /**
   * An actor exits 0 only when the learner said training has finished (SIGTERM gives 143, a refused token 2);
   * an actor that lost the learner just before the end waits for it forever. So the actors' Job must be
   * done as soon as one actor exits 0: an Indexed Job whose success policy needs one succeeded index, with
   * completions = parallelism (all actors run at once, and both are patched together to scale it).
   */
  private void checkActorJob(Doc d) {
    if (!requireJob(d, "actor", "it exits 0 when the learner says training has finished")) {
      return;
    }
    Map<String, Object> spec = map(d.body(), "spec");
    List<Map<String, Object>> rules = maps(map(spec, "successPolicy").get("rules"));
    boolean endsWithFirst = "Indexed".equals(spec.get("completionMode")) && rules.stream()
        .anyMatch(r -> Objects.equals(r.get("succeededCount"), 1) && r.get("succeededIndexes") == null);
    if (!endsWithFirst) {
      problem(d + ": no success policy ending the Job when one actor exits 0 (completionMode: Indexed, successPolicy "
          + "rule succeededCount: 1): it waits for every actor to exit 0, and an actor that lost the learner just "
          + "before the end waits for it forever");
    }
    long parallelism = number(spec.get("parallelism"), 1);
    long completions = number(spec.get("completions"), 1);
    if (completions != parallelism) {
      problem(d + ": completions " + completions + " and parallelism " + parallelism + " differ: " + Math.min(
          completions, parallelism) + " actors run, and an Indexed Job is scaled by patching both to the same value");
    }
  }

  /** True when {@code d} is a Job whose pods are not restarted once they exit 0; a problem otherwise. */
  private boolean requireJob(Doc d, String command, String why) {
    if (!d.kind().equals("Job")) {
      problem(d + ": `mnemo " + command + "` runs in a " + d.kind() + ", which restarts its pods whenever they exit "
          + "(restartPolicy Always); " + why + ", so a finished run loops: run it as a Job");
      return false;
    }
    Object restart = map(map(map(d.body(), "spec"), "template"), "spec").get("restartPolicy");
    if (!"OnFailure".equals(restart) && !"Never".equals(restart)) {
      problem(d + ": restartPolicy " + (restart == null ? "unset (Always)" : restart) + " in a Job: the API server "
          + "accepts only OnFailure or Never");
      return false;
    }
    return true;
  }

  private static long number(Object value, long absent) {
    return value instanceof Number n ? n.longValue() : absent;
  }

  /** The token the servers require and the clients send: from one Secret key, never written in a manifest. */
  private void checkToken(List<Container> containers) {
    Set<List<Object>> refs = new LinkedHashSet<>();
    Map<String, Set<String>> secrets = secretKeys();
    for (Container c : containers) {
      Launch l = c.launch();
      if (l == null || l.command().findOption("--token") == null) {
        continue;
      }
      String envName = tokenEnv(l.subcommand());
      if (l.commandLine().stream().anyMatch(cl -> cl.getParseResult().subcommand().hasMatchedOption("--token"))) {
        problem(c.where() + ": --token on the command line shows the secret in the pod spec; use env " + envName);
      }
      Map<String, Object> var = maps(c.spec().get("env")).stream().filter(e -> envName.equals(e.get("name")))
          .findFirst().orElse(null);
      if (var == null) {
        problem(c.where() + ": no env " + envName + " (the token `mnemo " + l.subcommand() + "` reads)");
        continue;
      }
      Map<String, Object> ref = map(map(var, "valueFrom"), "secretKeyRef");
      if (ref.isEmpty()) {
        problem(c.where() + ": env " + envName + " is not from a Secret (valueFrom.secretKeyRef)");
        continue;
      }
      refs.add(List.of(String.valueOf(ref.get("name")), String.valueOf(ref.get("key"))));
      Set<String> keys = secrets.get(String.valueOf(ref.get("name")));
      if (keys == null) {
        problem(c.where() + ": env " + envName + " reads Secret " + ref.get("name") + ", which secret.yaml does not define");
      } else if (!keys.contains(String.valueOf(ref.get("key")))) {
        problem(c.where() + ": env " + envName + " reads key " + ref.get("key") + " of Secret " + ref.get("name")
            + ", which defines " + keys);
      }
    }
    if (refs.size() > 1) {
      problem("the learner and the actors read their token from different Secret keys " + refs);
    }
  }

  /** The environment variable a subcommand's {@code --token} defaults to ({@code ${env:NAME}}, uninterpolated). */
  private static String tokenEnv(String subcommand) {
    String defaultValue = UNINTERPOLATED.getSubcommands().get(subcommand).getCommandSpec().findOption("--token").defaultValue();
    Matcher m = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}").matcher(String.valueOf(defaultValue));
    if (!m.find()) {
      throw new IllegalStateException("--token of " + subcommand + " defaults to no environment variable: " + defaultValue);
    }
    return m.group(1);
  }

  private Map<String, Set<String>> secretKeys() {
    Map<String, Set<String>> out = new LinkedHashMap<>();
    for (Doc d : docs) {
      if (d.kind().equals("Secret")) {
        Set<String> keys = new LinkedHashSet<>(map(d.body(), "data").keySet());
        keys.addAll(map(d.body(), "stringData").keySet());
        out.put(d.name(), keys);
      }
    }
    return out;
  }

  private void requireReachable(String where, String option, Launch l) {
    String addr = String.valueOf(l.option(option));
    if (loopback(addr)) {
      problem(where + ": " + option + " " + addr + " is loopback: nothing outside the pod can connect");
    }
  }

  private static boolean loopback(String addr) {
    try {
      return InetAddress.getByName(addr).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  // ---- Prometheus and the README

  private void checkPrometheus(List<Container> containers) {
    for (Doc d : docs) {
      if (!WORKLOADS.contains(d.kind())) {
        continue;
      }
      Map<String, Object> annotations = map(map(map(map(d.body(), "spec"), "template"), "metadata"), "annotations");
      if (!"true".equals(annotations.get("prometheus.io/scrape"))) {
        continue;
      }
      String path = String.valueOf(annotations.getOrDefault("prometheus.io/path", "/metrics"));
      if (!path.equals(MetricsEndpoint.PATH)) {
        problem(d + ": prometheus.io/path " + path + " is not the metrics endpoint's " + MetricsEndpoint.PATH);
      }
      Object port = annotations.get("prometheus.io/port");
      List<Container> mine = containers.stream().filter(c -> c.workload() == d && c.launch() != null).toList();
      boolean found = false;
      for (Container c : mine) {
        if (c.launch().command().findOption("--metrics-port") == null) {
          continue;
        }
        Object metricsPort = c.launch().option("--metrics-port");
        if (String.valueOf(metricsPort).equals(String.valueOf(port))) {
          found = true;
          requireReachable(c.where(), "--metrics-bind", c.launch());
        }
      }
      if (!found) {
        problem(d + ": prometheus.io/port " + port + " is no container's --metrics-port");
      }
    }
  }

  private void checkReadme(List<Container> containers, String version) {
    String readme = require("README.md");
    Matcher build = Pattern.compile("docker build .*-t (\\S+)").matcher(readme);
    while (build.find()) {
      if (!build.group(1).equals("mnemo:" + version)) {
        problem("README.md builds image " + build.group(1) + ", the manifests run mnemo:" + version);
      }
    }
    Matcher secret = Pattern.compile("kubectl create secret generic (\\S+) --from-literal=([A-Za-z0-9_.-]+)=").matcher(readme);
    Map<String, Set<String>> secrets = secretKeys();
    while (secret.find()) {
      Set<String> keys = secrets.get(secret.group(1));
      if (keys == null || !keys.contains(secret.group(2))) {
        problem("README.md creates Secret " + secret.group(1) + " with key " + secret.group(2)
            + ", the pods read " + secrets);
      }
    }
    // Objects the README's kubectl commands name (job/mnemo-learner, pvc mnemo-run, ...) are in the manifests.
    Map<String, String> kinds = Map.of("job", "Job", "deployment", "Deployment", "statefulset", "StatefulSet",
        "pvc", "PersistentVolumeClaim", "service", "Service", "svc", "Service");
    for (String line : readme.lines().filter(l -> l.contains("kubectl ")).toList()) {
      Matcher ref = Pattern.compile("\\b(job|deployment|statefulset|pvc|service|svc)[/ ](mnemo-[a-z0-9-]*[a-z0-9])")
          .matcher(line.substring(line.indexOf("kubectl ")));
      while (ref.find()) {
        String kind = kinds.get(ref.group(1));
        String name = ref.group(2);
        if (docs.stream().noneMatch(d -> d.kind().equals(kind) && d.name().equals(name))) {
          problem("README.md: `kubectl ... " + ref.group() + "` names a " + kind + " " + name
              + " that deploy/*.yaml does not define");
        }
      }
    }
  }

  // ---- small readers

  /** Named container ports, unnamed ones under their number. */
  private static Map<String, Integer> containerPorts(Map<String, Object> container) {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Map<String, Object> p : maps(container.get("ports"))) {
      Object port = p.get("containerPort");
      if (port instanceof Integer n) {
        out.put(p.get("name") != null ? String.valueOf(p.get("name")) : String.valueOf(n), n);
      }
    }
    return out;
  }

  /** A port given by number or by name (Service targetPort, probe port) as a container port number, or null. */
  private static Integer resolve(Object port, Map<String, Integer> declared) {
    if (port instanceof Integer n) {
      return declared.containsValue(n) ? n : null;
    }
    return declared.get(String.valueOf(port));
  }

  /** Kubernetes memory quantity: 10Gi, 1536Mi, 2G, 512M, plain bytes. */
  static long kubernetesBytes(String q) {
    Matcher m = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?").matcher(q.strip());
    if (!m.matches()) {
      throw new IllegalArgumentException("memory quantity " + q + " is not understood");
    }
    double v = Double.parseDouble(m.group(1));
    long unit = switch (m.group(2) == null ? "" : m.group(2)) {
      case "Ki" -> 1L << 10;
      case "Mi" -> 1L << 20;
      case "Gi" -> 1L << 30;
      case "Ti" -> 1L << 40;
      case "k" -> 1_000L;
      case "M" -> 1_000_000L;
      case "G" -> 1_000_000_000L;
      case "T" -> 1_000_000_000_000L;
      default -> 1L;
    };
    return (long) (v * unit);
  }

  /** A java -Xmx size: 6g, 1536m, 1024k, bytes. */
  static long javaBytes(String s) {
    Matcher m = Pattern.compile("([0-9]+)([kKmMgGtT])?").matcher(s);
    if (!m.matches()) {
      throw new IllegalArgumentException("heap size " + s + " is not understood");
    }
    long unit = switch (m.group(2) == null ? "" : m.group(2).toLowerCase()) {
      case "k" -> 1L << 10;
      case "m" -> 1L << 20;
      case "g" -> 1L << 30;
      case "t" -> 1L << 40;
      default -> 1L;
    };
    return Long.parseLong(m.group(1)) * unit;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> m, String key) {
    Object v = m == null ? null : m.get(key);
    return v instanceof Map<?, ?> x ? (Map<String, Object>) x : Map.of();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object list) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        if (o instanceof Map<?, ?> m) {
          out.add((Map<String, Object>) m);
        }
      }
    }
    return out;
  }

  static List<String> strings(Object list) {
    List<String> out = new ArrayList<>();
    if (list instanceof List<?> l) {
      for (Object o : l) {
        out.add(String.valueOf(o));
      }
    }
    return out;
  }
}
