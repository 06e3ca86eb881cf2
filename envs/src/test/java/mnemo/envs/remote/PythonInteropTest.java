package mnemo.envs.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.UnknownTaskException;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.env.v1.SessionRequest;
import mnemo.transport.ClientChannels;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The protocol across languages, both directions: the Python client (python/mnemo_env/client.py) steps
 * a Java-served memory/cue-recall, and Java's RemoteBatchedEnvironment steps python/cue-recall served by
 * python/mnemo_env/server.py; each side checks the task's rules. Needs Debian's python3-grpcio,
 * python3-protobuf, python3-numpy, protobuf-compiler and protobuf-compiler-grpc (./run-tests installs
 * them); fails, never skips, when they are missing.
 */
class PythonInteropTest {
  static final String PYTHON = "/usr/bin/python3";
  static final Path PYTHON_DIR = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("../python").normalize();
  static final Path STUBS = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("target/python-proto");

  static Process pythonServer;
  static String pythonTarget;
  static MnemoServer javaServer;
  static ManagedChannel pythonChannel;

  record Result(int exit, String output) {}

  static Result run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(PYTHON_DIR.toFile()).redirectErrorStream(true);
    pb.environment().put("MNEMO_PROTO_PY", STUBS.toString());
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable output: " + e + ")";
      }
    });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out after %ds: %s", timeoutSeconds, String.join(" ", command));
    }
    return new Result(p.exitValue(), out.join());
  }

  @BeforeAll
  static void start() throws Exception {
    assertThat(Files.isExecutable(Path.of(PYTHON)))
        .as("%s is missing: the Python protocol tests need Debian's python3 with python3-grpcio, python3-protobuf "
            + "and python3-numpy (./run-tests installs them)", PYTHON).isTrue();
    Result imports = run(List.of(PYTHON, "-c", "import grpc, google.protobuf, numpy"), 60);
    assertThat(imports.exit())
        .as("Python packages missing for the protocol tests (apt-get install python3-grpcio python3-protobuf "
            + "python3-numpy; ./run-tests installs them):%n%s", imports.output()).isZero();
    Result gen = run(List.of("bash", PYTHON_DIR.resolve("generate.sh").toString(), STUBS.toString()), 120);
    assertThat(gen.exit()).as("python/generate.sh failed (needs protobuf-compiler and protobuf-compiler-grpc; "
        + "./run-tests installs them):%n%s", gen.output()).isZero();

    javaServer = MnemoServer.builder("java-env-server", TransportSecurity.loopback())
        .addService(new EnvironmentService(BuiltinTasks.registry())).start();

    pythonServer = startPythonServer();
    pythonTarget = announcedTarget(pythonServer);
    pythonChannel = ClientChannels.open(pythonTarget, TransportSecurity.loopback());
  }

  static Process startPythonServer() throws IOException {
    ProcessBuilder pb = new ProcessBuilder(PYTHON, "-m", "mnemo_env.server", "--port", "0")
        .directory(PYTHON_DIR.toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(STUBS.resolve("python-server.log").toFile()));
    pb.environment().put("MNEMO_PROTO_PY", STUBS.toString());
    return pb.start();
  }

  /** The {@code host:port} the server prints on its first line. */
  static String announcedTarget(Process server) throws Exception {
    BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return lines.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(60, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("on (\\S+:\\d+)$").matcher(first == null ? "" : first);
    assertThat(m.find()).as("python server did not announce its address (log: %s); said: %s",
        STUBS.resolve("python-server.log"), first).isTrue();
    return m.group(1);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (pythonChannel != null) {
      pythonChannel.shutdownNow();
    }
    if (pythonServer != null) {
      pythonServer.destroy(); // SIGTERM: the server stops gracefully
      if (!pythonServer.waitFor(10, TimeUnit.SECONDS)) {
        pythonServer.destroyForcibly();
      }
    }
    if (javaServer != null) {
      javaServer.close();
    }
  }

  // ---- Python steps Java ----

  @Test
  void pythonClientChecksTheRulesOfAJavaServedTask() throws Exception {
    Result r = run(List.of(PYTHON, "tests/check_cue_recall.py", "--target", javaServer.target(),
        "--task", "memory/cue-recall", "--length", "3", "--bits", "2"), 120);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("OK memory/cue-recall: 18 episodes");
  }

  @Test
  void pythonClientCommandListsAndStepsJavaTasksAndReportsErrors() throws Exception {
    Result list = run(List.of(PYTHON, "-m", "mnemo_env.client", "--target", javaServer.target(), "--list"), 60);
    assertThat(list.exit()).as(list.output()).isZero();
    assertThat(list.output()).contains("memory/cue-recall").contains("length=10");
    Result steps = run(List.of(PYTHON, "-m", "mnemo_env.client", "--target", javaServer.target(),
        "--task", "memory/cue-recall:length=2", "--num-envs", "3", "--steps", "40"), 60);
    assertThat(steps.exit()).as(steps.output()).isZero();
    assertThat(steps.output()).contains("created 3 x memory/cue-recall:bits=1,length=2").contains("40 steps, 30 episodes");
    Result unknown = run(List.of(PYTHON, "-m", "mnemo_env.client", "--target", javaServer.target(),
        "--task", "memory/no-such"), 60);
    assertThat(unknown.exit()).isEqualTo(1);
    assertThat(unknown.output()).contains("NOT_FOUND").contains("memory/no-such");
  }

  // ---- Java steps Python ----

  @Test
  void javaChecksTheRulesOfAPythonServedTask() {
    int n = 6;
    int length = 3;
    try (RemoteBatchedEnvironment envs = RemoteBatchedEnvironment.create(pythonChannel,
        "python/cue-recall:length=" + length + ",bits=2", n)) {
      assertThat(envs.spec().taskId()).isEqualTo("python/cue-recall:bits=2,length=3");
      assertThat(envs.spec().observation().shape()).containsExactly(4);
      assertThat(envs.spec().numActions()).isEqualTo(2);
      TimeStep[] ts = envs.reset(77);
      for (int episode = 0; episode < 3; episode++) {
        int[] bits = new int[n * 2];
        for (int i = 0; i < n; i++) {
          assertThat(ts[i].type()).isEqualTo(mnemo.envs.StepType.FIRST);
          assertThat(ts[i].reward()).isZero();
          for (int b = 0; b < 2; b++) {
            float v = ts[i].observation().get(2 + b);
            assertThat(Math.abs(v)).as("bits are ±1 at t=0").isEqualTo(1f);
            bits[2 * i + b] = v > 0 ? 1 : 0;
          }
        }
        for (int t = 1; t <= length; t++) {
          ts = envs.step(new int[n]);
          for (TimeStep s : ts) {
            assertThat(s.type()).isEqualTo(mnemo.envs.StepType.MID);
            assertThat(s.reward()).isZero();
            assertThat(s.observation().get(0)).isEqualTo(1f - t / (float) length);
            assertThat(s.observation().get(2)).as("bits hidden after t=0").isZero();
          }
        }
        int[] answers = new int[n];
        for (int i = 0; i < n; i++) {
          int wanted = bits[2 * i + (int) ts[i].observation().get(1)];
          answers[i] = i % 2 == 0 ? wanted : 1 - wanted;
        }
        ts = envs.step(answers);
        for (int i = 0; i < n; i++) {
          boolean right = i % 2 == 0;
          assertThat(ts[i].isTerminated()).isTrue();
          assertThat(ts[i].reward()).isEqualTo(right ? 1f : -1f);
          assertThat(ts[i].info(TimeStep.SUCCESS)).isEqualTo(right ? 1f : 0f);
        }
        ts = envs.step(new int[] {1, 1, 1, 1, 1, 1}); // auto-reset ignores these
      }
      // Same seed, same episodes.
      TimeStep[] a = envs.reset(5);
      TimeStep[] b = envs.reset(5);
      assertThat(a).containsExactly(b);
    }
  }

  @Test
  void javaSeesThePythonServersErrorsAsStatuses() throws Exception {
    assertThatThrownBy(() -> RemoteBatchedEnvironment.create(pythonChannel, "python/nope", 1))
        .isInstanceOf(UnknownTaskException.class).hasMessageContaining("python/nope");
    assertThatThrownBy(() -> RemoteBatchedEnvironment.create(pythonChannel, "python/cue-recall:length=x", 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
    assertThat(rawStatus(create(2), reset(), RawSession.step(0)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(rawStatus(create(2), reset(), RawSession.step(0, 2)).getDescription()).contains("outside [0, 2)");
    assertThat(rawStatus(RawSession.step(0)).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(rawStatus(create(1), RawSession.step(0)).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    // Still serving.
    try (RemoteBatchedEnvironment envs = RemoteBatchedEnvironment.create(pythonChannel, "python/cue-recall", 2)) {
      assertThat(envs.reset(1)).hasSize(2);
    }
  }

  @Test
  void aKilledServerProcessGivesAClearException() throws Exception {
    Process doomed = startPythonServer();
    try {
      String target = announcedTarget(doomed);
      RemoteBatchedEnvironment envs = RemoteBatchedEnvironment.connect(target, TransportSecurity.loopback(),
          "python/cue-recall", 2);
      envs.reset(1);
      doomed.destroyForcibly(); // SIGKILL: no goodbye
      assertThat(doomed.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThatThrownBy(() -> envs.step(new int[] {0, 1})).isInstanceOf(EnvironmentUnavailableException.class)
          .hasMessageContaining(target);
      envs.close();
    } finally {
      doomed.destroyForcibly();
    }
  }

  private static SessionRequest create(int n) {
    return RawSession.create("python/cue-recall", n);
  }

  private static SessionRequest reset() {
    return RawSession.reset(1);
  }

  private static Status rawStatus(SessionRequest... requests) throws Exception {
    return RawSession.status(pythonChannel, requests);
  }
}
