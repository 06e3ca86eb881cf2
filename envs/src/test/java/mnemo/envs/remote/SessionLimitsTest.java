package mnemo.envs.remote;

import static mnemo.envs.remote.RawSession.create;
import static mnemo.envs.remote.RawSession.reset;
import static mnemo.envs.remote.RawSession.step;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.BlockingClientCall;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.SessionRequest;
import mnemo.proto.env.v1.SessionResponse;
import mnemo.transport.ClientChannels;
import mnemo.transport.MnemoServer;
import mnemo.transport.TransportSecurity;
import org.junit.jupiter.api.Test;

/** The environment server's budget, creation threads and idle timeout, on a direct-executor server. */
class SessionLimitsTest {
  static final String TASK = "memory/cue-recall:length=3";
  static final String SLOW = "test/slow";

  private record Served(EnvironmentService service, MnemoServer server, ManagedChannel channel) implements AutoCloseable {
    @Override
    public void close() {
      channel.shutdownNow();
      server.close();
      service.close();
    }
  }

  private static Served serve(TaskRegistry registry, SessionBudget budget, Duration idle) {
    EnvironmentService service = new EnvironmentService(registry, Set.of(), budget, idle);
    MnemoServer server = MnemoServer.builder("env-server", TransportSecurity.loopback()).addService(service)
        .directExecutor().start();
    return new Served(service, server, ClientChannels.open(server.target(), TransportSecurity.loopback()));
  }

  @Test
  void sessionsAreAdmittedWithinTheBudgetAndFreeItWhenTheyEnd() throws Exception {
    // cue-recall: 3 floats of observation, so 4 + ceil(48 · 12 / 1024) = 5 KiB per environment; 100 KiB: 20 envs
    try (Served s = serve(BuiltinTasks.registry(), new SessionBudget(100, Map.of()), Duration.ofMinutes(1))) {
      assertThat(RawSession.status(s.channel(), create(TASK, 21))).extracting(Status::getCode)
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      BlockingClientCall<SessionRequest, SessionResponse> holder =
          EnvironmentGrpc.newBlockingV2Stub(s.channel()).session();
      holder.write(create(TASK, 12));
      assertThat(holder.read().hasCreated()).isTrue();
      assertThat(s.service().budgetUsedKiB()).isEqualTo(60);
      Status refused = RawSession.status(s.channel(), create(TASK, 9));
      assertThat(refused.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getDescription()).contains("needs about 45 KiB", "40 of 100 KiB left");
      assertThat(RawSession.status(s.channel(), create(TASK, 8), reset(1), step(0, 0, 0, 0, 0, 0, 0, 0)))
          .isEqualTo(Status.OK);
      holder.halfClose();
      assertThat(holder.read()).isNull();
      await().atMost(Duration.ofSeconds(10)).until(() -> s.service().budgetUsedKiB() == 0);
      assertThat(RawSession.status(s.channel(), create(TASK, 20), reset(1))).isEqualTo(Status.OK);
      // a per-family cost overrides the estimate
      try (Served t = serve(BuiltinTasks.registry(), new SessionBudget(100, Map.of("memory/cue-recall", 50L)),
          Duration.ofMinutes(1))) {
        assertThat(RawSession.status(t.channel(), create(TASK, 2))).isEqualTo(Status.OK);
        assertThat(RawSession.status(t.channel(), create(TASK, 3)).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      }
    }
  }

  @Test
  void aSlowCreateDelaysNobodyElse() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean blocked = new java.util.concurrent.atomic.AtomicBoolean();
    TaskRegistry registry = BuiltinTasks.registry();
    registry.register(new TaskFamily(SLOW, "blocks its creation until released", List.of(), p -> {
      blocked.set(true);
      try {
        release.await(5, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      blocked.set(false);
      return BuiltinTasks.registry().make(TASK);
    }));
    try (Served s = serve(registry, new SessionBudget(1 << 20, Map.of()), Duration.ofMinutes(1))) {
      BlockingClientCall<SessionRequest, SessionResponse> slow = EnvironmentGrpc.newBlockingV2Stub(s.channel()).session();
      slow.write(create(SLOW, 2));
      await().atMost(Duration.ofMinutes(1)).untilTrue(blocked);
      // while that create blocks, other clients (on the same connection and transport threads) are served:
      // had they waited for it, they would finish only after the release below
      for (int i = 0; i < 5; i++) {
        assertThat(RawSession.status(s.channel(), create(TASK, 4), reset(i), step(0, 1, 0, 1))).isEqualTo(Status.OK);
      }
      assertThat(blocked).as("the slow create still blocked while the others were served").isTrue();
      release.countDown();
      SessionResponse created = slow.read(10, TimeUnit.SECONDS);
      assertThat(created.getCreated().getNumEnvs()).isEqualTo(2);
      slow.halfClose();
    }
  }

  @Test
  void idleSessionsAreClosedCountedAndFreed() throws Exception {
    // 5 s: long enough that a busy client's gaps never reach it even on a loaded machine
    try (Served s = serve(BuiltinTasks.registry(), new SessionBudget(1 << 20, Map.of()), Duration.ofSeconds(5))) {
      BlockingClientCall<SessionRequest, SessionResponse> idle = EnvironmentGrpc.newBlockingV2Stub(s.channel()).session();
      idle.write(create(TASK, 4));
      assertThat(idle.read().hasCreated()).isTrue();
      BlockingClientCall<SessionRequest, SessionResponse> silent =
          EnvironmentGrpc.newBlockingV2Stub(s.channel()).session();
      // (silent sends nothing at all)
      // a busy session is never idle
      BlockingClientCall<SessionRequest, SessionResponse> busy = EnvironmentGrpc.newBlockingV2Stub(s.channel()).session();
      busy.write(create(TASK, 1));
      busy.read(60, TimeUnit.SECONDS);
      busy.write(reset(3));
      busy.read(60, TimeUnit.SECONDS);
      long end = System.nanoTime() + 7_000_000_000L;
      while (System.nanoTime() < end) {
        busy.write(step(0));
        assertThat(busy.read(60, TimeUnit.SECONDS).hasSteps()).isTrue();
        Thread.sleep(20);
      }
      try {
        idle.read(60, TimeUnit.SECONDS);
        throw new AssertionError("the idle session was not closed");
      } catch (StatusException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(e.getStatus().getDescription()).contains("no request for 5000 ms");
      }
      try {
        silent.read(60, TimeUnit.SECONDS);
        throw new AssertionError("the silent session was not closed");
      } catch (StatusException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      }
      assertThat(s.service().idleSessionsClosed()).isEqualTo(2);
      assertThat(s.service().openSessions()).isEqualTo(1); // the busy one
      busy.halfClose();
      assertThat(busy.read(60, TimeUnit.SECONDS)).isNull();
      await().atMost(Duration.ofSeconds(5)).until(() -> s.service().budgetUsedKiB() == 0);
    }
  }
}
