package mnemo.envs.remote;

import static mnemo.envs.remote.RawSession.create;
import static mnemo.envs.remote.RawSession.reset;
import static mnemo.envs.remote.RawSession.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.TimeStep;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.registry.UnknownTaskException;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.ListTasksRequest;
import mnemo.proto.env.v1.SessionRequest;
import mnemo.proto.env.v1.TaskInfo;
import mnemo.transport.ClientChannels;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The environment server and its clients over real loopback gRPC. */
class EnvironmentServiceTest {
  /** Environments of the counting task alive right now, across every session. */
  static final AtomicInteger LIVE = new AtomicInteger();
  static final String COUNTING = "test/counting";
  static final String BROKEN = "test/broken";

  static TaskRegistry registry;
  static EnvironmentService service;
  static MnemoServer server;
  static ManagedChannel channel;

  /** cue-recall whose instances count themselves, so the test sees when the server closes them. */
  static class Counting implements Environment {
    private final Environment inner = BuiltinTasks.registry().make("memory/cue-recall:length=3");

    Counting() {
      LIVE.incrementAndGet();
    }

    @Override
    public EnvSpec spec() {
      return inner.spec();
    }

    @Override
    public TimeStep reset(long seed) {
      return inner.reset(seed);
    }

    @Override
    public TimeStep step(int action) {
      return inner.step(action);
    }

    @Override
    public void close() {
      LIVE.decrementAndGet();
    }
  }

  @BeforeAll
  static void start() {
    registry = BuiltinTasks.registry();
    registry.register(new TaskFamily(COUNTING, "counts its live instances", List.of(), p -> new Counting()));
    registry.register(new TaskFamily(BROKEN, "throws on step", List.of(), p -> new Counting() {
      @Override
      public TimeStep step(int action) {
        throw new ArithmeticException("the task has a bug");
      }
    }));
    service = new EnvironmentService(registry);
    server = MnemoServer.builder("env-server", TransportSecurity.loopback()).addService(service).start();
    channel = ClientChannels.open(server.target(), TransportSecurity.loopback());
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.close();
  }

  static List<String> builtinFamilies() {
    return BuiltinTasks.registry().families().stream().map(TaskFamily::name).toList();
  }

  /** Steps a local and a remote vector side by side with the same seeds and actions. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("builtinFamilies")
  void remoteVectorGivesExactlyTheLocalTimeSteps(String family) {
    int n = 5;
    try (VectorEnvironment local = VectorEnvironment.of(n, () -> registry.make(family));
        RemoteBatchedEnvironment remote = RemoteBatchedEnvironment.create(channel, family, n)) {
      assertThat(remote.spec()).isEqualTo(local.spec());
      assertThat(remote.size()).isEqualTo(n);
      SplittableRandom rng = new SplittableRandom(7);
      int autoResets = 0;
      for (long seed : new long[] {123, -5}) {
        assertThat(remote.reset(seed)).containsExactly(local.reset(seed));
        // At least 300 steps, and on until an episode has ended and auto-reset, for long episodes too.
        int before = autoResets;
        for (int t = 0; t < 300 || (autoResets == before && t < 20_000); t++) {
          int[] actions = new int[n];
          for (int i = 0; i < n; i++) {
            actions[i] = rng.nextInt(local.spec().numActions());
          }
          TimeStep[] want = local.step(actions);
          assertThat(remote.step(actions)).as("step %d", t).containsExactly(want);
          for (TimeStep ts : want) {
            autoResets += ts.isFirst() ? 1 : 0;
          }
        }
      }
      assertThat(autoResets).as("both runs cross episode ends (auto-reset)").isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void cueRecallRulesHoldRemotely() {
    // memory/cue-recall with length 2: the bit shown at t=0 must be answered at t=2 (+1 right, -1 wrong).
    try (RemoteEnvironment env = RemoteEnvironment.connect(server.target(), TransportSecurity.loopback(),
        "memory/cue-recall:length=2")) {
      for (long seed = 0; seed < 6; seed++) {
        TimeStep first = env.reset(seed);
        int bit = first.observation().get(2) > 0 ? 1 : 0;
        env.step(0);
        env.step(0);
        boolean right = seed % 2 == 0;
        TimeStep last = env.step(right ? bit : 1 - bit);
        assertThat(last.isTerminated()).isTrue();
        assertThat(last.reward()).isEqualTo(right ? 1f : -1f);
        assertThat(last.info(TimeStep.SUCCESS)).isEqualTo(right ? 1f : 0f);
        assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
      }
    }
  }

  @Test
  void remoteEnvironmentMatchesALocalOneSeededWithLocalSeed() {
    try (RemoteEnvironment remote = RemoteEnvironment.connect(server.target(), TransportSecurity.loopback(),
        "memory/cue-recall:length=4,bits=3");
        Environment local = registry.make("memory/cue-recall:length=4,bits=3")) {
      assertThatThrownBy(() -> remote.step(0)).isInstanceOf(IllegalStateException.class);
      assertThat(remote.reset(99)).isEqualTo(local.reset(RemoteEnvironment.localSeed(99)));
      for (int t = 0; t < 5; t++) {
        assertThat(remote.step(t % 2)).isEqualTo(local.step(t % 2));
      }
      assertThatThrownBy(() -> remote.step(0)).as("after LAST").isInstanceOf(IllegalStateException.class);
      remote.reset(100);
      assertThatThrownBy(() -> remote.step(2)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void listTasksNamesEveryFamilyWithParameters() {
    List<TaskInfo> tasks = EnvironmentGrpc.newBlockingStub(channel).listTasks(ListTasksRequest.getDefaultInstance())
        .getTasksList();
    assertThat(tasks).extracting(TaskInfo::getFamily).containsAll(builtinFamilies()).contains(COUNTING);
    TaskInfo cue = tasks.stream().filter(t -> t.getFamily().equals("memory/cue-recall")).findFirst().orElseThrow();
    assertThat(cue.getParamsList()).anySatisfy(p -> {
      assertThat(p.getName()).isEqualTo("length");
      assertThat(p.getDefaultValue()).isEqualTo("10");
    });
  }

  // ---- errors: each ends its session with a status; the server keeps serving ----

  private static Status sessionStatus(SessionRequest... requests) throws Exception {
    return RawSession.status(channel, requests);
  }

  private static void assertStillServing() throws Exception {
    assertThat(sessionStatus(create("memory/cue-recall", 2), reset(1), step(0, 1))).isEqualTo(Status.OK);
  }

  @Test
  void unknownTaskIsNotFound() throws Exception {
    Status s = sessionStatus(create("memory/no-such-task", 1));
    assertThat(s.getCode()).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(s.getDescription()).contains("no-such-task").contains("memory/cue-recall");
    assertThatThrownBy(() -> RemoteBatchedEnvironment.create(channel, "memory/no-such-task", 2))
        .isInstanceOf(UnknownTaskException.class).hasMessageContaining("no-such-task");
    assertStillServing();
  }

  @Test
  void badParameterIsInvalidArgument() throws Exception {
    assertThat(sessionStatus(create("memory/cue-recall:length=zero", 1)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(sessionStatus(create("memory/cue-recall:colour=red", 1)).getDescription()).contains("colour");
    assertThatThrownBy(() -> RemoteBatchedEnvironment.create(channel, "memory/cue-recall:length=-3", 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("length");
    assertStillServing();
  }

  @Test
  void badNumberOfEnvironmentsIsInvalidArgument() throws Exception {
    assertThat(sessionStatus(create("memory/cue-recall", 0)).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(sessionStatus(create("memory/cue-recall", EnvironmentService.MAX_ENVS + 1)).getDescription())
        .contains("num_envs");
  }

  @Test
  void wrongActionCountIsInvalidArgument() throws Exception {
    Status s = sessionStatus(create("memory/cue-recall", 3), reset(1), step(0, 1));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("expected 3 actions, got 2");
    assertStillServing();
  }

  @Test
  void actionOutOfRangeIsInvalidArgument() throws Exception {
    Status s = sessionStatus(create("memory/cue-recall", 2), reset(1), step(0, 2));
    assertThat(s.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(s.getDescription()).contains("action 2 of environment 1 outside [0, 2)");
    assertThat(sessionStatus(create("memory/cue-recall", 1), reset(1), step(-1)).getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertStillServing();
  }

  @Test
  void clientChecksActionsBeforeSendingAndTheSessionSurvives() {
    try (RemoteBatchedEnvironment remote = RemoteBatchedEnvironment.create(channel, "memory/cue-recall", 2)) {
      assertThatThrownBy(() -> remote.step(new int[] {0, 0})).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("reset");
      remote.reset(3);
      assertThatThrownBy(() -> remote.step(new int[] {0})).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected 2 actions");
      assertThatThrownBy(() -> remote.step(new int[] {0, 5})).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("action 5 outside");
      assertThat(remote.step(new int[] {0, 1})).hasSize(2);
    }
  }

  @Test
  void outOfOrderRequestsAreFailedPrecondition() throws Exception {
    assertThat(sessionStatus(reset(1)).getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(sessionStatus(step(0)).getDescription()).contains("before create");
    assertThat(sessionStatus(create("memory/cue-recall", 1), step(0)).getDescription()).contains("reset the session");
    assertThat(sessionStatus(create("memory/cue-recall", 1), create("memory/cue-recall", 1)).getCode())
        .isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(sessionStatus(SessionRequest.getDefaultInstance()).getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertStillServing();
  }

  @Test
  void aFailingEnvironmentIsInternalAndOnlyEndsItsSession() throws Exception {
    int before = LIVE.get();
    Status s = sessionStatus(create(BROKEN, 2), reset(1), step(0, 0));
    assertThat(s.getCode()).isEqualTo(Status.Code.INTERNAL);
    assertThat(s.getDescription()).contains("the task has a bug");
    try (RemoteBatchedEnvironment remote = RemoteBatchedEnvironment.create(channel, BROKEN, 1)) {
      remote.reset(1);
      assertThatThrownBy(() -> remote.step(new int[] {0})).isInstanceOf(EnvironmentUnavailableException.class)
          .hasMessageContaining("INTERNAL");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> LIVE.get() == before);
    assertStillServing();
  }

  @Test
  void allowListHidesOtherFamilies() throws Exception {
    EnvironmentService only = new EnvironmentService(registry, Set.of(COUNTING));
    assertThat(only.families()).extracting(TaskFamily::name).containsExactly(COUNTING);
    try (MnemoServer s = MnemoServer.builder("only", TransportSecurity.loopback()).addService(only).start()) {
      ManagedChannel ch = ClientChannels.open(s.target(), TransportSecurity.loopback());
      try {
        assertThatThrownBy(() -> RemoteBatchedEnvironment.create(ch, "memory/cue-recall", 1))
            .isInstanceOf(UnknownTaskException.class).hasMessageContaining("not served here");
        RemoteBatchedEnvironment.create(ch, COUNTING, 1).close();
      } finally {
        ch.shutdownNow();
      }
    }
    assertThatThrownBy(() -> new EnvironmentService(registry, Set.of("memory/nope")))
        .isInstanceOf(UnknownTaskException.class);
  }

  // ---- life cycle ----

  @Test
  void closingOrVanishingClientsFreeTheirEnvironments() {
    int before = LIVE.get();
    RemoteBatchedEnvironment closed = RemoteBatchedEnvironment.create(channel, COUNTING, 3);
    closed.reset(1);
    assertThat(LIVE.get()).isEqualTo(before + 3);
    closed.close();
    await().atMost(Duration.ofSeconds(10)).until(() -> LIVE.get() == before);

    // A client that vanishes without closing: its channel is torn down under the open session.
    ManagedChannel doomed = ClientChannels.open(server.target(), TransportSecurity.loopback());
    RemoteBatchedEnvironment vanishing = RemoteBatchedEnvironment.create(doomed, COUNTING, 4);
    vanishing.reset(2);
    vanishing.step(new int[] {0, 1, 0, 1});
    assertThat(LIVE.get()).isEqualTo(before + 4);
    doomed.shutdownNow();
    await().atMost(Duration.ofSeconds(10)).until(() -> LIVE.get() == before);
    await().atMost(Duration.ofSeconds(10)).until(() -> service.openSessions() == 0);
  }

  @Test
  void aDeadServerGivesAClearException() {
    MnemoServer doomed = MnemoServer.builder("doomed", TransportSecurity.loopback())
        .addService(new EnvironmentService(registry)).gracePeriod(Duration.ZERO).start();
    String target = doomed.target();
    RemoteBatchedEnvironment remote = RemoteBatchedEnvironment.connect(target, TransportSecurity.loopback(),
        "memory/cue-recall", 2);
    remote.reset(1);
    doomed.close();
    assertThatThrownBy(() -> remote.step(new int[] {0, 1})).isInstanceOf(EnvironmentUnavailableException.class)
        .hasMessageContaining(target);
    assertThatThrownBy(() -> remote.step(new int[] {0, 1})).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("session has ended");
    remote.close();
    // Nothing listens there any more: unreachable.
    assertThatThrownBy(() -> RemoteBatchedEnvironment.connect(target, TransportSecurity.loopback(), "memory/cue-recall", 1))
        .isInstanceOf(EnvironmentUnavailableException.class).hasMessageContaining(target)
        .hasMessageContaining("unreachable");
  }

  @Test
  void answersLargerThanTheDefaultMessageCapArrive() {
    // 1100 x 1026 floats = 4.5 MB per answer, over gRPC's default 4 MiB inbound cap.
    try (RemoteBatchedEnvironment big = RemoteBatchedEnvironment.create(channel, "memory/cue-recall:bits=1024", 1100)) {
      TimeStep[] ts = big.reset(4);
      assertThat(ts).hasSize(1100);
      assertThat(ts[1099].observation().size()).isEqualTo(1026);
    }
  }

  @Test
  void tokenProtectedServerNeedsTheToken() {
    try (MnemoServer s = MnemoServer.builder("secret", TransportSecurity.withToken(null, "tok"))
        .addService(new EnvironmentService(registry)).start()) {
      try (RemoteBatchedEnvironment ok = RemoteBatchedEnvironment.connect(s.target(),
          TransportSecurity.withToken(null, "tok"), "memory/cue-recall", 1)) {
        assertThat(ok.reset(1)).hasSize(1);
      }
      assertThatThrownBy(() -> RemoteBatchedEnvironment.connect(s.target(), TransportSecurity.loopback(),
          "memory/cue-recall", 1)).isInstanceOf(EnvironmentUnavailableException.class)
          .hasMessageContaining("UNAUTHENTICATED");
    }
  }
}
