package mnemo.learner.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.BlockingClientCall;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import mnemo.envs.TimeStep;
import mnemo.envs.remote.EnvironmentService;
import mnemo.envs.remote.RemoteBatchedEnvironment;
import mnemo.envs.remote.SessionBudget;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.Learner;
import mnemo.learner.service.LearnerServer;
import mnemo.learner.testing.FakeActor;
import mnemo.learner.testing.LinearAgentModel;
import mnemo.learner.testing.TestLearners;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.env.v1.CreateRequest;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.ResetRequest;
import mnemo.proto.env.v1.SessionRequest;
import mnemo.proto.env.v1.SessionResponse;
import mnemo.proto.env.v1.StepRequest;
import mnemo.proto.env.v1.Tensor;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.LearnerGrpc;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.Unroll;
import mnemo.transport.BearerTokenInterceptor;
import mnemo.transport.ClientChannels;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A seeded fuzz of what a hostile but honest client can send a learner and an environment server
 * (loopback, a token on both): more than a thousand malformed unrolls, registrations, raw messages and
 * session requests, each of which must be refused with its expected code, while a valid actor and a
 * valid environment client are served throughout. Afterwards both servers answer, the weights are
 * finite, the refusals were counted, and the process's memory grew by less than a bound.
 */
class HostileInputFuzzTest {
  private static final long SEED = 14;
  private static final String TOKEN = "s3cret";
  private static final String TASK = TestLearners.TASK;
  /**
   * RSS growth allowed over the fuzz, from a warmed-up baseline (one accepted oversized unroll used to
   * cost the learner 2.7 GB, 40 refused 64 MiB ones 2.8 GB); the heap may grow (-Xmx4g) without a leak.
   */
  private static final long MAX_RSS_GROWTH = 512L << 20;
  /** Growth of the heap in use after a full GC: what the servers retain from the fuzz. */
  private static final long MAX_RETAINED_HEAP = 128L << 20;

  /** One generated case: what was sent, the code expected and the code seen. */
  private record Outcome(String what, Status.Code expected, Status.Code got) {}

  private final List<Outcome> outcomes = new ArrayList<>();
  private final SplittableRandom rng = new SplittableRandom(SEED);

  @Test
  @Timeout(120)
  void hostileClientsAreRefusedWithTheirCodesWhileValidOnesAreServed() throws Exception {
    ExperimentConfig config = TestLearners.config(2, 0);
    TransportSecurity security = TransportSecurity.withToken("127.0.0.1", TOKEN);
    long[] base = new long[2]; // RSS and heap retained, once warmed up
    try (NDManager root = NDManager.newBaseManager(); LinearAgentModel model = TestLearners.model(root, config);
        EnvironmentService envService = new EnvironmentService(BuiltinTasks.registry(), Set.of(),
            new SessionBudget(8 << 10, Map.of()), Duration.ofSeconds(60))) {
      Learner learner = Learner.create(config, model, TestLearners.envSpec(), Learner.Options.defaults());
      learner.start();
      try (LearnerServer learnerServer = LearnerServer.start(learner, security, 0,
              new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
          MnemoServer envServer = MnemoServer.builder("env-server", security).addService(envService)
              .directExecutor().start()) {
        ManagedChannel authed = ClientChannels.open(learnerServer.target(), security);
        ManagedChannel envChannel = ClientChannels.open(envServer.target(), security);
        ValidActor actor = new ValidActor(authed);
        ValidEnvClient envClient = new ValidEnvClient(envChannel);
        try {
          actor.start();
          envClient.start();
          await().atMost(Duration.ofMinutes(2)).until(() -> actor.accepted.get() >= 10 && envClient.steps.get() >= 10);
          base[0] = rssBytes();
          base[1] = retainedHeap();
          long t0 = System.nanoTime();
          int cap = learner.maxMessageBytes();
          assertThat(cap).isLessThan(16 << 20); // follows the experiment: cue-recall, T = 5
          int ackRejections = fuzzUnrolls(authed, 700);
          int streamRefusals = fuzzRawLearnerCalls(learnerServer.target(), cap, 40);
          fuzzRegistrations(authed, 60);
          fuzzAuth(learnerServer.target(), envServer.target(), 30);
          fuzzSessions(envChannel, 360);
          System.out.printf("fuzz: %d cases in %.1f s%n", outcomes.size(), (System.nanoTime() - t0) / 1e9);

          List<Outcome> wrong = outcomes.stream().filter(o -> o.expected() != o.got()).toList();
          assertThat(wrong).as("cases answered with an unexpected code").isEmpty();
          assertThat(outcomes.size()).isGreaterThanOrEqualTo(1000);

          // the valid clients were served throughout, and still are
          assertThat(actor.failure.get()).as("the valid actor's failure").isNull();
          assertThat(envClient.failure.get()).as("the valid environment client's failure").isNull();
          long accepted = actor.accepted.get();
          long steps = envClient.steps.get();
          await().atMost(Duration.ofSeconds(30)).until(() -> actor.accepted.get() > accepted
              && envClient.steps.get() > steps);
          assertThat(learner.updates()).isPositive();

          // every refused unroll was counted: the acks' and the streams' the transport refused
          await().atMost(Duration.ofSeconds(10))
              .until(() -> learner.rejectedUnrolls() == ackRejections + streamRefusals);

          // both servers alive
          for (ManagedChannel ch : List.of(authed, envChannel)) {
            assertThat(HealthGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .check(HealthCheckRequest.getDefaultInstance()).getStatus()).isEqualTo(ServingStatus.SERVING);
          }

          // memory bounded, with both servers still up
          long rssGrowth = rssBytes() - base[0];
          long retained = retainedHeap() - base[1];
          System.out.printf("fuzz: RSS grew by %d MiB, heap retained after GC by %d MiB%n", rssGrowth >> 20,
              retained >> 20);
          assertThat(rssGrowth).isLessThan(MAX_RSS_GROWTH);
          assertThat(retained).isLessThan(MAX_RETAINED_HEAP);
        } finally {
          actor.finish();
          envClient.finish();
          authed.shutdownNow();
          envChannel.shutdownNow();
        }
        // weights finite
        for (NDArray p : model.parameters()) {
          for (float f : p.toFloatArray()) {
            assertThat(Float.isFinite(f)).as(p.getName()).isTrue();
          }
        }
        assertThat(envService.budgetUsedKiB()).isLessThanOrEqualTo(envService.budgetCapacityKiB());
      } finally {
        learner.close();
      }
    }
  }

  /** Heap in use after a full collection. */
  private static long retainedHeap() {
    Runtime r = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return r.totalMemory() - r.freeMemory();
  }

  // ------------------------------------------------------------------ the learner

  /** Malformed unrolls on one registered actor's stream: each answered accepted=false, INVALID_ARGUMENT. */
  private int fuzzUnrolls(ManagedChannel ch, int count) throws Exception {
    String id = LearnerGrpc.newBlockingStub(ch).register(RegisterRequest.newBuilder().setActorName("hostile")
        .setNumEnvs(TestLearners.N).build()).getActorId();
    LinkedBlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
    CompletableFuture<Status> ended = new CompletableFuture<>();
    StreamObserver<Unroll> stream = LearnerGrpc.newStub(ch).streamUnrolls(new StreamObserver<>() {
      public void onNext(Ack a) {
        acks.add(a);
      }

      public void onError(Throwable t) {
        ended.complete(Status.fromThrowable(t));
      }

      public void onCompleted() {
        ended.complete(Status.OK);
      }
    });
    List<Mutation> mutations = unrollMutations(id);
    int rejected = 0;
    try (FakeActor fake = new FakeActor(TASK, TestLearners.N, TestLearners.T, SEED, List.of(new int[] {2}))) {
      for (int i = 0; i < count; i++) {
        Mutation m = mutations.get(rng.nextInt(mutations.size()));
        stream.onNext(m.apply().get().apply(fake.next(id, 0).toBuilder()).build());
        Ack ack = acks.poll(30, TimeUnit.SECONDS);
        Status.Code got = ack == null ? Status.Code.DEADLINE_EXCEEDED
            : ack.getAccepted() ? Status.Code.OK : Status.fromCodeValue(ack.getCode()).getCode();
        outcomes.add(new Outcome("unroll: " + m.name(), Status.Code.INVALID_ARGUMENT, got));
        if (ack != null && !ack.getAccepted()) {
          rejected++;
        }
      }
    }
    stream.onCompleted();
    assertThat(ended.get(10, TimeUnit.SECONDS).getCode()).as("the hostile stream stayed open").isEqualTo(Status.Code.OK);
    return rejected;
  }

  private record Mutation(String name, java.util.function.Supplier<UnaryOperator<Unroll.Builder>> apply) {}

  private List<Mutation> unrollMutations(String id) {
    int steps = TestLearners.T + 1;
    int n = TestLearners.N;
    return List.of(
        new Mutation("unregistered actor id", () -> b -> b.setActorId("actor-" + (1000 + rng.nextInt(1000)))),
        new Mutation("empty actor id", () -> b -> b.setActorId("")),
        new Mutation("100 KB actor id", () -> b -> b.setActorId("x".repeat(100_000))),
        new Mutation("num_envs unlike the registration", () -> b -> b.setNumEnvs(
            new int[] {-5, 0, 1, 2, 4, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE}[rng.nextInt(8)])),
        new Mutation("a sequence not after the last", () -> b -> b.setSequence(-1 - rng.nextInt(1000))),
        new Mutation("unroll_length", () -> b -> b.setUnrollLength(TestLearners.T + 1 + rng.nextInt(100))),
        new Mutation("future weight version", () -> b -> b.setWeightVersion(1_000_000 + rng.nextInt(1000))),
        new Mutation("non-finite reward", () -> b -> b.setRewards(setFloat(b.getRewards(), rng.nextInt(steps * n),
            rng.nextBoolean() ? Float.NaN : Float.NEGATIVE_INFINITY))),
        new Mutation("non-finite logit", () -> b -> b.setBehaviourLogits(setFloat(b.getBehaviourLogits(),
            rng.nextInt(steps * n * 2), Float.POSITIVE_INFINITY))),
        new Mutation("observation far out of bounds", () -> b -> b.setObservations(setFloat(b.getObservations(),
            rng.nextInt(b.getObservations().getData().size() / 4), rng.nextBoolean() ? 3e38f : -3e38f))),
        new Mutation("discount outside [0, 1]", () -> b -> b.setDiscounts(setFloat(b.getDiscounts(),
            rng.nextInt(steps * n), 1.5f + rng.nextInt(10)))),
        new Mutation("step type", () -> b -> b.setStepTypes(setInt(b.getStepTypes(), rng.nextInt(steps * n),
            4 + rng.nextInt(100)))),
        new Mutation("action out of range", () -> b -> b.setActions(setInt(b.getActions(), rng.nextInt(steps * n),
            rng.nextBoolean() ? -1 - rng.nextInt(10) : 2 + rng.nextInt(10)))),
        new Mutation("truncated payload", () -> b -> b.setRewards(b.getRewards().toBuilder()
            .setData(b.getRewards().getData().substring(0, rng.nextInt(steps * n * 4))))),
        new Mutation("huge claimed shape", () -> b -> b.setObservations(Tensor.newBuilder()
            .setDtype(mnemo.proto.env.v1.DType.FLOAT32).addShape(Integer.MAX_VALUE).addShape(Integer.MAX_VALUE))),
        new Mutation("wrong dtype", () -> b -> b.setActions(b.getActions().toBuilder()
            .setDtype(mnemo.proto.env.v1.DType.FLOAT32))),
        new Mutation("missing core state", () -> Unroll.Builder::clearCoreState),
        new Mutation("more episode records than steps", () -> b -> {
          for (int i = 0; i <= steps * n; i++) {
            b.addEpisodes(EpisodeStats.newBuilder().setLength(1));
          }
          return b;
        }),
        new Mutation("unknown-field padding", () -> b -> b.setUnknownFields(UnknownFieldSet.newBuilder()
            .addField(99, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFrom(new byte[16_384 + rng.nextInt(65_536)])).build()).build())));
  }

  private static Tensor setFloat(Tensor t, int i, float v) {
    ByteBuffer b = ByteBuffer.wrap(t.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(i * 4, v);
    return t.toBuilder().setData(ByteString.copyFrom(b.array())).build();
  }

  private static Tensor setInt(Tensor t, int i, int v) {
    ByteBuffer b = ByteBuffer.wrap(t.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(i * 4, v);
    return t.toBuilder().setData(ByteString.copyFrom(b.array())).build();
  }

  /** StreamUnrolls calls whose first message is garbage, over the cap, or a gzip bomb. */
  private int fuzzRawLearnerCalls(String target, int cap, int count) throws Exception {
    ManagedChannel ch = ClientChannels.open(target, TransportSecurity.withToken(null, TOKEN), 64 << 20);
    MethodDescriptor<byte[], byte[]> raw = LearnerGrpc.getStreamUnrollsMethod().toBuilder(BYTES, BYTES).build();
    byte[] bomb = bomb(8 << 20);
    int refused = 0;
    try {
      for (int i = 0; i < count; i++) {
        int kind = i % 3;
        byte[] message = switch (kind) {
          case 0 -> garbage();
          case 1 -> new byte[cap + 1 + rng.nextInt(1 << 20)];
          default -> bomb;
        };
        Status.Code expected = kind == 0 ? Status.Code.INVALID_ARGUMENT : Status.Code.RESOURCE_EXHAUSTED;
        Status.Code got = bidi(ch, raw, message, kind == 2 ? CallOptions.DEFAULT.withCompression("gzip")
            : CallOptions.DEFAULT);
        outcomes.add(new Outcome("raw StreamUnrolls kind " + kind, expected, got));
        if (got == expected) {
          refused++;
        }
      }
    } finally {
      ch.shutdownNow();
    }
    return refused;
  }

  /** Bytes that do not parse as a protobuf message: an invalid tag, or a field longer than the message. */
  private byte[] garbage() {
    byte[] b = new byte[3 + rng.nextInt(200)];
    rng.nextBytes(b);
    if (rng.nextBoolean()) {
      b[0] = 0; // field number 0
    } else {
      b[0] = 0x0a; // field 1, length-delimited, claiming 127 bytes more than there are
      b[1] = 0x7f;
      b = java.util.Arrays.copyOf(b, 3);
    }
    return b;
  }

  /** An unknown bytes field of {@code size} zeros: gzip makes it about 1000 times smaller. */
  private static byte[] bomb(int size) {
    byte[] b = new byte[size + 5];
    b[0] = 0x7a; // field 15, length-delimited
    int v = size;
    int i = 1;
    while (v >= 0x80) {
      b[i++] = (byte) (v | 0x80);
      v >>>= 7;
    }
    b[i] = (byte) v;
    return b;
  }

  /** Sends one message on a new bidi call, half-closes, and returns the status the call ended with. */
  private static Status.Code bidi(ManagedChannel ch, MethodDescriptor<byte[], byte[]> method, byte[] message,
      CallOptions options) throws Exception {
    CompletableFuture<Status> done = new CompletableFuture<>();
    StreamObserver<byte[]> out = ClientCalls.asyncBidiStreamingCall(
        ch.newCall(method, options.withDeadlineAfter(20, TimeUnit.SECONDS)), new StreamObserver<>() {
          public void onNext(byte[] value) {}

          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    out.onNext(message);
    out.onCompleted();
    return done.get(30, TimeUnit.SECONDS).getCode();
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  /** Registrations out of bounds: INVALID_ARGUMENT. */
  private void fuzzRegistrations(ManagedChannel ch, int count) {
    for (int i = 0; i < count; i++) {
      RegisterRequest.Builder r = RegisterRequest.newBuilder().setActorName("a").setNumEnvs(1);
      String what;
      switch (i % 3) {
        case 0 -> {
          r.setNumEnvs(new int[] {-5, -1, 4097, 65_536, Integer.MAX_VALUE, Integer.MIN_VALUE}[rng.nextInt(6)]);
          what = "num_envs " + r.getNumEnvs();
        }
        case 1 -> {
          r.setActorName("n".repeat(129 + rng.nextInt(200_000)));
          what = "long name";
        }
        default -> {
          r.setActorName("actor\n" + rng.nextInt() + "\u001b[31m");
          what = "control characters in the name";
        }
      }
      Status.Code got;
      try {
        LearnerGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS).register(r.build());
        got = Status.Code.OK;
      } catch (StatusRuntimeException e) {
        got = e.getStatus().getCode();
      }
      outcomes.add(new Outcome("Register: " + what, Status.Code.INVALID_ARGUMENT, got));
    }
  }

  /** Calls without the token, with a wrong one, or with two authorization headers: UNAUTHENTICATED. */
  private void fuzzAuth(String learnerTarget, String envTarget, int count) {
    ManagedChannel learner = ClientChannels.open(learnerTarget, TransportSecurity.loopback());
    ManagedChannel env = ClientChannels.open(envTarget, TransportSecurity.loopback());
    try {
      for (int i = 0; i < count; i++) {
        Metadata h = new Metadata();
        String what;
        switch (i % 3) {
          case 0 -> what = "no token";
          case 1 -> {
            h.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer " + TOKEN + rng.nextInt(10));
            what = "wrong token";
          }
          default -> {
            h.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer wrong");
            h.put(BearerTokenInterceptor.AUTHORIZATION, "Bearer " + TOKEN);
            what = "two authorization headers";
          }
        }
        Status.Code got;
        try {
          if (rng.nextBoolean()) {
            LearnerGrpc.newBlockingStub(ClientInterceptors.intercept(learner, MetadataUtils.newAttachHeadersInterceptor(h)))
                .withDeadlineAfter(10, TimeUnit.SECONDS).register(RegisterRequest.getDefaultInstance());
          } else {
            EnvironmentGrpc.newBlockingStub(ClientInterceptors.intercept(env, MetadataUtils.newAttachHeadersInterceptor(h)))
                .withDeadlineAfter(10, TimeUnit.SECONDS).listTasks(mnemo.proto.env.v1.ListTasksRequest.getDefaultInstance());
          }
          got = Status.Code.OK;
        } catch (StatusRuntimeException e) {
          got = e.getStatus().getCode();
        }
        outcomes.add(new Outcome("auth: " + what, Status.Code.UNAUTHENTICATED, got));
      }
    } finally {
      learner.shutdownNow();
      env.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ the environment server

  private record Script(String name, Status.Code expected, List<SessionRequest> requests) {}

  private static SessionRequest create(String task, int n) {
    return SessionRequest.newBuilder().setCreate(CreateRequest.newBuilder().setTaskId(task).setNumEnvs(n)).build();
  }

  private static SessionRequest reset(long seed) {
    return SessionRequest.newBuilder().setReset(ResetRequest.newBuilder().setSeed(seed)).build();
  }

  private static SessionRequest step(int... actions) {
    StepRequest.Builder s = StepRequest.newBuilder();
    for (int a : actions) {
      s.addActions(a);
    }
    return SessionRequest.newBuilder().setStep(s).build();
  }

  private Script sessionCase() {
    int n = 1 + rng.nextInt(4);
    return switch (rng.nextInt(14)) {
      case 0 -> new Script("unknown family", Status.Code.NOT_FOUND,
          List.of(create("memory/no-such-" + rng.nextInt(1000), n)));
      case 1 -> new Script("malformed id", Status.Code.INVALID_ARGUMENT, List.of(create(
          new String[] {" memory/tmaze", "memory/tmaze:", "memory/tmaze:length=3,", "memory/tmaze:length= 3",
              "MEMORY/tmaze", "memory/tmaze:a=b=c", "", ":length=3", "memory/tmaze\n"}[rng.nextInt(9)], n)));
      case 2 -> new Script("100 KB id", Status.Code.INVALID_ARGUMENT,
          List.of(create("memory/tmaze:length=" + "9".repeat(100_000), n)));
      case 3 -> new Script("non-finite or out-of-range parameter", Status.Code.INVALID_ARGUMENT, List.of(create(
          new String[] {"memory/tmaze:penalty=-Infinity", "memory/tmaze:penalty=-1e39", "memory/tmaze:penalty=NaN",
              "memory/key-to-door:final_reward=NaN", "memory/key-to-door:apple_reward=Infinity",
              "memory/cue-recall:length=0", "memory/cue-recall:length=zero", "memory/cue-recall:nope=1"}
              [rng.nextInt(8)], n)));
      case 4 -> new Script("num_envs out of range", Status.Code.INVALID_ARGUMENT, List.of(create(TASK,
          new int[] {0, -1, 4097, Integer.MAX_VALUE, Integer.MIN_VALUE}[rng.nextInt(5)])));
      case 5 -> new Script("over the session budget", Status.Code.RESOURCE_EXHAUSTED,
          List.of(create(rng.nextBoolean() ? TASK : "memory-maze", 2048 + rng.nextInt(2049))));
      case 6 -> new Script("step before create", Status.Code.FAILED_PRECONDITION, List.of(step(0)));
      case 7 -> new Script("reset before create", Status.Code.FAILED_PRECONDITION, List.of(reset(1)));
      case 8 -> new Script("create twice", Status.Code.FAILED_PRECONDITION, List.of(create(TASK, n), create(TASK, n)));
      case 9 -> new Script("step before reset", Status.Code.FAILED_PRECONDITION, List.of(create(TASK, n), step(new int[n])));
      case 10 -> new Script("wrong action count", Status.Code.INVALID_ARGUMENT,
          List.of(create(TASK, n), reset(rng.nextLong()), step(new int[n + 1 + rng.nextInt(100)])));
      case 11 -> {
        int[] a = new int[n];
        a[rng.nextInt(n)] = rng.nextBoolean() ? -1 - rng.nextInt(100) : 2 + rng.nextInt(100);
        yield new Script("action out of range", Status.Code.INVALID_ARGUMENT,
            List.of(create(TASK, n), reset(rng.nextLong()), step(a)));
      }
      case 12 -> new Script("empty request", Status.Code.INVALID_ARGUMENT,
          List.of(create(TASK, n), SessionRequest.getDefaultInstance()));
      default -> new Script("a valid session", Status.Code.OK,
          List.of(create(TASK, n), reset(rng.nextLong()), step(new int[n])));
    };
  }

  private void fuzzSessions(ManagedChannel ch, int count) throws Exception {
    MethodDescriptor<byte[], byte[]> raw = EnvironmentGrpc.getSessionMethod().toBuilder(BYTES, BYTES).build();
    for (int i = 0; i < count; i++) {
      if (i % 20 == 19) {
        outcomes.add(new Outcome("session: unparseable request", Status.Code.INVALID_ARGUMENT,
            bidi(ch, raw, garbage(), CallOptions.DEFAULT)));
        continue;
      }
      Script s = sessionCase();
      outcomes.add(new Outcome("session: " + s.name(), s.expected(), run(ch, s.requests())));
    }
  }

  /** Sends the requests one by one, reading each answer; the status the session ended with. */
  private static Status.Code run(ManagedChannel ch, List<SessionRequest> requests) throws InterruptedException {
    BlockingClientCall<SessionRequest, SessionResponse> call = EnvironmentGrpc.newBlockingV2Stub(ch)
        .withDeadlineAfter(20, TimeUnit.SECONDS).session();
    try {
      for (SessionRequest r : requests) {
        if (!call.write(r) || call.read() == null) {
          break;
        }
      }
      call.halfClose();
      while (call.read() != null) {
        // drain until the server ends the call
      }
      return Status.Code.OK;
    } catch (StatusException e) {
      return e.getStatus().getCode();
    } finally {
      call.cancel("script done", null);
    }
  }

  // ------------------------------------------------------------------ valid clients

  /** Registers and streams valid unrolls until stopped; any refusal is a failure. */
  private static final class ValidActor extends Thread {
    final AtomicLong accepted = new AtomicLong();
    final java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
    private final ManagedChannel ch;
    private final AtomicBoolean stop = new AtomicBoolean();

    ValidActor(ManagedChannel ch) {
      super("valid-actor");
      setDaemon(true);
      this.ch = ch;
    }

    @Override
    public void run() {
      LinkedBlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
      try (FakeActor fake = new FakeActor(TASK, TestLearners.N, TestLearners.T, 3, List.of(new int[] {2}))) {
        String id = LearnerGrpc.newBlockingStub(ch).register(RegisterRequest.newBuilder().setActorName("valid")
            .setNumEnvs(TestLearners.N).build()).getActorId();
        StreamObserver<Unroll> stream = LearnerGrpc.newStub(ch).streamUnrolls(new StreamObserver<>() {
          public void onNext(Ack a) {
            acks.add(a);
          }

          public void onError(Throwable t) {
            failure.compareAndSet(null, "stream failed: " + Status.fromThrowable(t));
          }

          public void onCompleted() {}
        });
        long version = 0;
        while (!stop.get() && failure.get() == null) {
          stream.onNext(fake.next(id, version));
          Ack a = acks.poll(30, TimeUnit.SECONDS);
          if (a == null || !a.getAccepted()) {
            failure.compareAndSet(null, a == null ? "no ack within 30 s" : "refused: " + a.getMessage());
            break;
          }
          version = a.getWeightVersion();
          accepted.incrementAndGet();
        }
        stream.onCompleted();
      } catch (Exception e) {
        failure.compareAndSet(null, e.toString());
      }
    }

    void finish() throws InterruptedException {
      stop.set(true);
      join(30_000);
    }
  }

  /** Steps a remote vector of cue-recall until stopped; any error is a failure. */
  private static final class ValidEnvClient extends Thread {
    final AtomicLong steps = new AtomicLong();
    final java.util.concurrent.atomic.AtomicReference<String> failure = new java.util.concurrent.atomic.AtomicReference<>();
    private final ManagedChannel ch;
    private final AtomicBoolean stop = new AtomicBoolean();

    ValidEnvClient(ManagedChannel ch) {
      super("valid-env-client");
      setDaemon(true);
      this.ch = ch;
    }

    @Override
    public void run() {
      try (RemoteBatchedEnvironment env = RemoteBatchedEnvironment.create(ch, TASK, 4)) {
        TimeStep[] ts = env.reset(1);
        SplittableRandom r = new SplittableRandom(2);
        while (!stop.get()) {
          int[] a = new int[4];
          for (int i = 0; i < 4; i++) {
            a[i] = r.nextInt(env.spec().numActions());
          }
          ts = env.step(a);
          if (ts.length != 4) {
            failure.compareAndSet(null, "got " + ts.length + " steps");
          }
          steps.incrementAndGet();
          Thread.sleep(2);
        }
      } catch (Exception e) {
        failure.compareAndSet(null, e.toString());
      }
    }

    void finish() throws InterruptedException {
      stop.set(true);
      join(30_000);
    }
  }

  /** The process's resident set size, from /proc (0 where there is none). */
  private static long rssBytes() throws IOException {
    Path status = Path.of("/proc/self/status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    return 0;
  }
}
