package mnemo.cli.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mnemo.cli.CliRuns;
import mnemo.cli.EvalCommand;
import mnemo.cli.Main;
import mnemo.cli.train.MetricsLog;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.UnknownTaskException;
import mnemo.envs.remote.RemoteBatchedEnvironment;
import mnemo.envs.rollout.Evaluation;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A Gymnasium-API environment, written here in Python without Gymnasium (duck-typed spaces), served by
 * python/mnemo_env/gym_server.py and trained on end to end by {@code mnemo train --env-server} (the
 * learner in this JVM, one actor JVM stepping the served environments), then evaluated by
 * {@code mnemo eval --env-server}. Also: the bridge's rules and protocol errors
 * (python/tests/check_gym_server.py), and its refusals at start. Needs Debian's python3-grpcio,
 * python3-protobuf, python3-numpy, protobuf-compiler and protobuf-compiler-grpc (./run-tests installs them).
 */
class GymServerTrainingTest {
  static final String PYTHON = "/usr/bin/python3";
  static final Path BASE = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
  static final Path PYTHON_DIR = BASE.resolve("../python").normalize();
  static final Path STUBS = BASE.resolve("target/python-proto");
  static final String TASK = "gym/RememberTheCue";
  static final long FRAMES = 60_000;

  /** The environment under test: bsuite-style memory with a delay of 3, in Gymnasium's API, no Gymnasium. */
  static final String DUCK_MEMORY = """
      import numpy as np


      class Box:
          def __init__(self, low, high, shape, dtype):
              self.low, self.high, self.shape, self.dtype = low, high, shape, np.dtype(dtype)


      class Discrete:
          def __init__(self, n):
              self.n = n


      class RememberTheCue:
          \"\"\"One of two lights at t=0, DELAY dark steps (the last one with a query light), then say which.\"\"\"
          DELAY = 3

          def __init__(self):
              self.observation_space = Box(0.0, 1.0, (3,), np.float32)
              self.action_space = Discrete(2)
              self.rng = np.random.default_rng()

          def reset(self, seed=None):
              if seed is not None:
                  self.rng = np.random.default_rng(seed)
              self.cue, self.t = int(self.rng.integers(2)), 0
              obs = np.zeros(3, np.float32)
              obs[self.cue] = 1.0
              return obs, {}

          def step(self, action):
              self.t += 1
              obs = np.zeros(3, np.float32)
              if self.t <= self.DELAY:
                  obs[2] = 1.0 if self.t == self.DELAY else 0.0
                  return obs, 0.0, False, False, {}
              right = int(action) == self.cue
              return obs, 1.0 if right else -1.0, True, False, {"success": float(right)}


      class Steering(RememberTheCue):
          def __init__(self):
              super().__init__()
              self.action_space = Box(-1.0, 1.0, (1,), np.float32)
      """;

  @TempDir static Path work;
  static Process server;
  static String target;

  record Result(int exit, String output) {}

  static ProcessBuilder python(List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(PYTHON);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
    pb.environment().put("MNEMO_PROTO_PY", STUBS.toString());
    pb.environment().put("PYTHONPATH", PYTHON_DIR.toString());
    return pb;
  }

  static Result run(List<String> args, long timeoutSeconds) throws Exception {
    Process p = python(args).redirectErrorStream(true).start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "(unreadable output: " + e + ")";
      }
    });
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      fail("timed out after %ds: %s", timeoutSeconds, args);
    }
    return new Result(p.exitValue(), out.join());
  }

  @BeforeAll
  static void serve() throws Exception {
    Result imports = run(List.of("-c", "import grpc, google.protobuf, numpy"), 120);
    assertThat(imports.exit()).as("Python packages missing (apt-get install python3-grpcio python3-protobuf "
        + "python3-numpy; ./run-tests installs them):%n%s", imports.output()).isZero();
    Process gen = new ProcessBuilder("bash", PYTHON_DIR.resolve("generate.sh").toString(), STUBS.toString())
        .redirectErrorStream(true).start();
    String genOut = new String(gen.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(gen.waitFor()).as("python/generate.sh failed (needs protobuf-compiler and "
        + "protobuf-compiler-grpc):%n%s", genOut).isZero();
    Files.writeString(work.resolve("duck_memory.py"), DUCK_MEMORY);
    server = python(List.of("-m", "mnemo_env.gym_server", "--make", "duck_memory:RememberTheCue", "--port", "0"))
        .redirectError(ProcessBuilder.Redirect.appendTo(work.resolve("gym-server.log").toFile())).start();
    BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first = CompletableFuture.supplyAsync(() -> {
      try {
        return lines.readLine();
      } catch (IOException e) {
        return null;
      }
    }).get(120, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("serving " + TASK + " \\(obs \\[3\\] float32, 2 actions\\) on (\\S+:\\d+)$")
        .matcher(first == null ? "" : first);
    assertThat(m.find()).as("the gym server's first line: %s (log: %s)", first,
        Files.exists(work.resolve("gym-server.log")) ? Files.readString(work.resolve("gym-server.log")) : "").isTrue();
    target = m.group(1);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void trainAndEvalOnTheServedEnvironment() throws Exception {
    Path run = work.resolve("run");
    int code = Main.commandLine().execute("train", "--env-server=" + target, "--env=" + TASK,
        "--core=ur-lstm:hidden=32", "--actors=1", "--envs-per-actor=8", "--unroll=10", "--batch=4", "--lr=2e-3",
        "--frames=" + FRAMES, "--seed=7", "--run-dir=" + run, "--report-every=2",
        "--actor-jvm-options=-Xmx384m -XX:+UseSerialGC -Dai.djl.pytorch.num_threads=1");
    // gym/RememberTheCue exists only on the served side: an actor stepping in-process environments could not
    // have made it, so every frame counted here came through the environment protocol
    assertThat(code).as(actorLog(run)).isZero();
    Map<String, double[]> log = MetricsLog.read(run.resolve("metrics.csv"));
    double[] success = log.get("success_rate");
    assertThat(success[success.length - 1]).as("success of recent training episodes (chance 0.5): %s",
        java.util.Arrays.toString(success)).isGreaterThanOrEqualTo(0.8);

    CommandLine cl = Main.commandLine();
    assertThat(cl.execute("eval", "--run-dir=" + run, "--env-server=" + target, "--episodes=200", "--greedy")).isZero();
    Evaluation e = ((EvalCommand) cl.getSubcommands().get("eval").getCommand()).result();
    assertThat(e.episodes()).isEqualTo(200);
    assertThat(e.successRate()).as("greedy success on the served task after %d frames: %s", FRAMES, e)
        .isGreaterThanOrEqualTo(0.9);
  }

  @Test
  void theBridgeKeepsTheProtocolsRulesAndErrors() throws Exception {
    Result r = run(List.of(PYTHON_DIR.resolve("tests/check_gym_server.py").toString()), 300);
    assertThat(r.exit()).as(r.output()).isZero();
    assertThat(r.output()).contains("OK gym_server");
  }

  @Test
  void javaStepsTheServedEnvironmentAndSeesItsErrors() {
    try (RemoteBatchedEnvironment envs = RemoteBatchedEnvironment.connect(target, TransportSecurity.loopback(), TASK, 2)) {
      assertThat(envs.spec().taskId()).isEqualTo(TASK);
      assertThat(envs.spec().numActions()).isEqualTo(2);
      TimeStep[] ts = envs.reset(3);
      int[] cue = new int[2];
      for (int i = 0; i < 2; i++) {
        cue[i] = ts[i].observation().get(0) == 1f ? 0 : 1;
        assertThat(ts[i].observation().get(cue[i])).isEqualTo(1f);
      }
      for (int t = 0; t < 3; t++) {
        ts = envs.step(new int[] {0, 0});
      }
      assertThat(ts[0].observation().get(2)).as("the query light").isEqualTo(1f);
      ts = envs.step(new int[] {cue[0], 1 - cue[1]});
      assertThat(ts[0].isTerminated()).isTrue();
      assertThat(ts[0].reward()).isEqualTo(1f);
      assertThat(ts[0].info(TimeStep.SUCCESS)).isEqualTo(1f);
      assertThat(ts[1].reward()).isEqualTo(-1f);
      assertThat(ts[1].info(TimeStep.SUCCESS)).isEqualTo(0f);
      assertThatThrownBy(() -> envs.step(new int[] {0, 2})).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> RemoteBatchedEnvironment.connect(target, TransportSecurity.loopback(), "gym/Other", 1))
        .isInstanceOf(UnknownTaskException.class).hasMessageContaining("gym/Other");
    String[] refused = CliRuns.exitAndErr("train", "--env-server=" + target, "--env=gym/Other",
        "--run-dir=" + work.resolve("refused"));
    assertThat(refused[0]).isNotEqualTo("0");
    assertThat(refused[1]).contains("gym/Other");
  }

  @Test
  void spacesTheProtocolCannotCarryAreRefusedAtStart() throws Exception {
    Result steering = run(List.of("-m", "mnemo_env.gym_server", "--make", "duck_memory:Steering", "--port", "0"), 120);
    assertThat(steering.exit()).isNotZero();
    assertThat(steering.output()).contains("cannot serve duck_memory:Steering").contains("continuous actions are not served");
    Result noGym = run(List.of("-c", "import sys; sys.modules['gymnasium'] = None\n"
        + "from mnemo_env import gym_server; gym_server.main(['--make', 'gym:CartPole-v1'])"), 120);
    assertThat(noGym.exit()).isNotZero();
    assertThat(noGym.output()).contains("--make gym:CartPole-v1 needs Gymnasium");
    Result missing = run(List.of("-m", "mnemo_env.gym_server", "--make", "duck_memory:Nope", "--port", "0"), 120);
    assertThat(missing.exit()).isNotZero();
    assertThat(missing.output()).contains("duck_memory has no attribute 'Nope'");
  }

  private static String actorLog(Path run) {
    try {
      Path f = run.resolve("logs").resolve("actor-0.log");
      return Files.exists(f) ? Files.readString(f) : "(no actor log)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
