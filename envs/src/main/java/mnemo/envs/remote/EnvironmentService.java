package mnemo.envs.remote;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mnemo.transport.ClientText;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.TimeStep;
import mnemo.envs.VectorEnvironment;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TaskId;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.registry.UnknownTaskException;
import mnemo.proto.env.v1.CreateRequest;
import mnemo.proto.env.v1.CreateResponse;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.ListTasksRequest;
import mnemo.proto.env.v1.ListTasksResponse;
import mnemo.proto.env.v1.SessionRequest;
import mnemo.proto.env.v1.SessionResponse;
import mnemo.proto.env.v1.StepRequest;
import mnemo.proto.env.v1.TaskInfo;
import mnemo.proto.env.v1.TaskParam;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code mnemo.env.v1.Environment} service over a {@link TaskRegistry}: each Session holds one
 * {@link VectorEnvironment}, so seeding and auto-reset are exactly the local vector's.
 *
 * <p>Errors end the session that caused them (its environments are closed) and never the server:
 *
 * <table>
 *   <caption>status codes</caption>
 *   <tr><td>unknown task, or a family outside the allow-list</td><td>NOT_FOUND</td></tr>
 *   <tr><td>malformed task id, bad task parameter, num_envs outside [1, {@value #MAX_ENVS}], wrong action
 *       count, action out of range, empty request</td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>reset or step before create, create twice, step before reset</td><td>FAILED_PRECONDITION</td></tr>
 *   <tr><td>the session would exceed the server's budget, or too many creations are queued</td>
 *       <td>RESOURCE_EXHAUSTED</td></tr>
 *   <tr><td>no request for longer than the idle timeout</td><td>DEADLINE_EXCEEDED</td></tr>
 *   <tr><td>an environment failed</td><td>INTERNAL</td></tr>
 * </table>
 *
 * <p><b>Resources.</b> A create reserves N × the task's cost in the server's {@link SessionBudget}
 * before the environments are made, and the session frees it when it ends. Environments are made on
 * the service's own creation threads, never on a transport thread, so a client creating thousands of
 * environments delays nobody else's steps; the session reads no further request until its create is
 * answered. A session (created or not) that sends no request for {@code idleTimeout} is closed, logged
 * and counted. A session whose client completes, cancels or vanishes closes its environments at once.
 */
public final class EnvironmentService extends EnvironmentGrpc.EnvironmentImplBase implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EnvironmentService.class);

  /** The most environments one session may hold. */
  public static final int MAX_ENVS = 4096;
  /** The default idle timeout. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
  /** Threads that make environments. */
  static final int CREATORS = 2;
  /** Creates waiting for a creation thread, at most; more are refused with RESOURCE_EXHAUSTED. */
  static final int MAX_PENDING_CREATES = 64;

  private final TaskRegistry registry;
  private final Set<String> allowed;
  private final SessionAdmission admission;
  private final Duration idleTimeout;
  private final AtomicInteger openSessions = new AtomicInteger();
  private final AtomicInteger sessionIds = new AtomicInteger();
  private final AtomicLong idleClosed = new AtomicLong();
  private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
  private final ThreadPoolExecutor creators;
  private final ScheduledExecutorService sweeper;

  /** Serves every family of {@code registry}. */
  public EnvironmentService(TaskRegistry registry) {
    this(registry, Set.of());
  }

  /**
   * Serves the families of {@code registry} named in {@code allowedFamilies} (all when empty), with
   * half the heap as the session budget and the default idle timeout. Every name must be registered.
   */
  public EnvironmentService(TaskRegistry registry, Set<String> allowedFamilies) {
    this(registry, allowedFamilies, SessionBudget.halfTheHeap(), DEFAULT_IDLE_TIMEOUT);
  }

  /** As above, with a session budget and an idle timeout. */
  public EnvironmentService(TaskRegistry registry, Set<String> allowedFamilies, SessionBudget budget,
      Duration idleTimeout) {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("the idle timeout must be positive, got " + idleTimeout);
    }
    this.registry = registry;
    for (String f : allowedFamilies) {
      registry.family(f); // throws UnknownTaskException naming the known ones
    }
    this.allowed = Set.copyOf(allowedFamilies);
    this.admission = new SessionAdmission(budget);
    this.idleTimeout = idleTimeout;
    this.creators = new ThreadPoolExecutor(CREATORS, CREATORS, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(MAX_PENDING_CREATES), daemon("env-create"));
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("env-idle-sweep"));
    long period = Math.max(10, Math.min(idleTimeout.toMillis() / 4, 5000));
    sweeper.scheduleWithFixedDelay(this::closeIdleSessions, period, period, TimeUnit.MILLISECONDS);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** The families this service creates. */
  public List<TaskFamily> families() {
    List<TaskFamily> out = new ArrayList<>();
    for (TaskFamily f : registry.families()) {
      if (allowed.isEmpty() || allowed.contains(f.name())) {
        out.add(f);
      }
    }
    return out;
  }

  /** Sessions currently holding environments (created and not yet ended). */
  public int openSessions() {
    return openSessions.get();
  }

  /** Sessions closed for being idle longer than the idle timeout, so far. */
  public long idleSessionsClosed() {
    return idleClosed.get();
  }

  /** KiB of the session budget the open sessions hold. */
  public long budgetUsedKiB() {
    return admission.usedKiB();
  }

  public long budgetCapacityKiB() {
    return admission.capacityKiB();
  }

  /** Stops the creation and idle-sweep threads (sessions end with the server). */
  @Override
  public void close() {
    sweeper.shutdownNow();
    creators.shutdownNow();
  }

  @Override
  public void listTasks(ListTasksRequest request, StreamObserver<ListTasksResponse> out) {
    ListTasksResponse.Builder b = ListTasksResponse.newBuilder();
    for (TaskFamily f : families()) {
      TaskInfo.Builder t = TaskInfo.newBuilder().setFamily(f.name()).setDescription(f.description());
      for (Param p : f.params()) {
        t.addParams(TaskParam.newBuilder().setName(p.name()).setDefaultValue(p.defaultValue()).setHelp(p.help()));
      }
      b.addTasks(t);
    }
    out.onNext(b.build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<SessionRequest> session(StreamObserver<SessionResponse> out) {
    ServerCallStreamObserver<SessionResponse> call = (ServerCallStreamObserver<SessionResponse>) out;
    call.disableAutoRequest(); // one request at a time: none is read while a create runs
    Session s = new Session(sessionIds.incrementAndGet(), call);
    sessions.add(s);
    call.request(1);
    return s;
  }

  private void closeIdleSessions() {
    long now = System.nanoTime();
    for (Session s : sessions) {
      try {
        s.closeIfIdle(now);
      } catch (RuntimeException e) {
        log.warn("closing an idle session failed: {}", e.toString());
      }
    }
  }

  /** One client's vector of environments. Its events arrive one at a time; the lock covers the sweeper. */
  private final class Session implements StreamObserver<SessionRequest> {
    private final int id;
    private final ServerCallStreamObserver<SessionResponse> out;
    private VectorEnvironment vector;
    private EnvSpec spec;
    private int[] actions;
    /** The observation payload of every answer, reused: gRPC serializes each answer inside onNext. */
    private byte[] payload;
    private long reservedKiB;
    private boolean creating;
    private boolean reset;
    private boolean ended;
    private volatile long lastActive = System.nanoTime();

    Session(int id, ServerCallStreamObserver<SessionResponse> out) {
      this.id = id;
      this.out = out;
    }

    @Override
    public synchronized void onNext(SessionRequest request) {
      if (ended) {
        return;
      }
      lastActive = System.nanoTime();
      try {
        switch (request.getRequestCase()) {
          case CREATE -> {
            create(request.getCreate());
            return; // answered, and the next request asked for, by the creation thread
          }
          case RESET -> {
            requireCreated("reset");
            TimeStep[] steps = vector.reset(request.getReset().getSeed());
            reset = true;
            out.onNext(SessionResponse.newBuilder().setSteps(ProtoCodec.encode(steps, spec, payload)).build());
          }
          case STEP -> step(request.getStep());
          default -> throw Status.INVALID_ARGUMENT
              .withDescription("empty SessionRequest: set one of create, reset, step").asRuntimeException();
        }
        lastActive = System.nanoTime();
        out.request(1);
      } catch (StatusRuntimeException e) {
        fail(e);
      } catch (RuntimeException e) {
        log.warn("session {}: environment {} failed", id, spec == null ? "?" : spec.taskId(), e);
        fail(Status.INTERNAL.withDescription("environment failed: " + e).withCause(e).asRuntimeException());
      }
    }

    /** Checks the request and the budget here; makes the environments on a creation thread. */
    private void create(CreateRequest c) {
      if (vector != null) {
        throw Status.FAILED_PRECONDITION.withDescription("this session already created " + spec.taskId()
            + "; open a new session for another task").asRuntimeException();
      }
      int n = c.getNumEnvs();
      if (n < 1 || n > MAX_ENVS) {
        throw Status.INVALID_ARGUMENT.withDescription("num_envs must be in [1, " + MAX_ENVS + "], got " + n)
            .asRuntimeException();
      }
      TaskId task;
      try {
        task = TaskId.parse(c.getTaskId());
        if (!allowed.isEmpty() && !allowed.contains(task.family())) {
          throw Status.NOT_FOUND.withDescription("task " + ClientText.quote(task.family()) + " is not served here; this server serves "
              + String.join(", ", allowed)).asRuntimeException();
        }
        registry.family(task.family());
      } catch (UnknownTaskException e) {
        throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
      } catch (IllegalArgumentException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
      }
      creating = true;
      try {
        creators.execute(() -> make(task, n));
      } catch (RejectedExecutionException e) {
        creating = false;
        throw Status.RESOURCE_EXHAUSTED.withDescription(MAX_PENDING_CREATES + " creates are waiting already; "
            + "retry later").asRuntimeException();
      }
    }

    /** On a creation thread: one environment for the spec, the budget, then the others. */
    private void make(TaskId task, int n) {
      List<Environment> envs = new ArrayList<>(n);
      long kib = 0;
      try {
        envs.add(registry.make(task));
        kib = Math.multiplyExact(admission.budget().costKiB(task.family(), envs.get(0).spec()), (long) n);
        if (!admission.tryReserve(kib)) {
          long cost = kib;
          kib = 0;
          throw Status.RESOURCE_EXHAUSTED.withDescription(n + " x " + envs.get(0).spec().taskId() + " needs about "
              + cost + " KiB; the server has " + (admission.capacityKiB() - admission.usedKiB()) + " of "
              + admission.capacityKiB() + " KiB left for sessions").asRuntimeException();
        }
        for (int i = 1; i < n; i++) {
          if (isEnded()) {
            break;
          }
          envs.add(registry.make(task));
        }
      } catch (StatusRuntimeException e) {
        closeAll(envs, kib);
        synchronized (this) {
          creating = false;
          if (!ended) {
            fail(e);
          }
        }
        return;
      } catch (IllegalArgumentException e) {
        closeAll(envs, kib);
        synchronized (this) {
          creating = false;
          if (!ended) {
            fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
          }
        }
        return;
      } catch (RuntimeException e) {
        closeAll(envs, kib);
        log.warn("session {}: creating {} failed", id, task, e);
        synchronized (this) {
          creating = false;
          if (!ended) {
            fail(Status.INTERNAL.withDescription("environment failed: " + e).asRuntimeException());
          }
        }
        return;
      }
      synchronized (this) {
        creating = false;
        lastActive = System.nanoTime();
        if (ended) { // the client went away meanwhile
          closeAll(envs, kib);
          return;
        }
        vector = new VectorEnvironment(envs);
        reservedKiB = kib;
        openSessions.incrementAndGet();
        spec = vector.spec();
        actions = new int[envs.size()];
        payload = new byte[ProtoCodec.payloadBytes(spec, envs.size())];
        log.debug("session {}: created {} x {} ({} KiB reserved)", this.id, envs.size(), spec.taskId(), kib);
        try {
          out.onNext(SessionResponse.newBuilder().setCreated(
              CreateResponse.newBuilder().setSpec(ProtoCodec.toProto(spec)).setNumEnvs(envs.size())).build());
          out.request(1);
        } catch (RuntimeException e) { // cancelled meanwhile
          end();
        }
      }
    }

    private synchronized boolean isEnded() {
      return ended;
    }

    private void closeAll(List<Environment> envs, long kib) {
      for (Environment e : envs) {
        try {
          e.close();
        } catch (RuntimeException ex) {
          log.warn("session {}: closing an environment failed: {}", id, ex.toString());
        }
      }
      if (kib > 0) {
        admission.release(kib);
      }
    }

    private void step(StepRequest s) {
      requireCreated("step");
      if (!reset) {
        throw Status.FAILED_PRECONDITION.withDescription("reset the session before stepping it").asRuntimeException();
      }
      if (s.getActionsCount() != actions.length) {
        throw Status.INVALID_ARGUMENT.withDescription("expected " + actions.length + " actions, got "
            + s.getActionsCount()).asRuntimeException();
      }
      for (int i = 0; i < actions.length; i++) {
        int a = s.getActions(i);
        if (a < 0 || a >= spec.numActions()) {
          throw Status.INVALID_ARGUMENT.withDescription("action " + a + " of environment " + i + " outside [0, "
              + spec.numActions() + ") for " + spec.taskId()).asRuntimeException();
        }
        actions[i] = a;
      }
      TimeStep[] steps = vector.step(actions);
      out.onNext(SessionResponse.newBuilder().setSteps(ProtoCodec.encode(steps, spec, payload)).build());
    }

    private void requireCreated(String what) {
      if (vector == null) {
        throw Status.FAILED_PRECONDITION.withDescription(what + " before create: the first message of a session "
            + "must be a CreateRequest").asRuntimeException();
      }
    }

    synchronized void closeIfIdle(long now) {
      if (ended || creating || now - lastActive < idleTimeout.toNanos()) {
        return;
      }
      idleClosed.incrementAndGet();
      log.info("session {}: closed after {} s without a request{}", id, idleTimeout.toSeconds(),
          spec != null ? " (" + vector.size() + " x " + spec.taskId() + ")" : " (nothing created)");
      end();
      try {
        out.onError(Status.DEADLINE_EXCEEDED.withDescription("no request for " + idleTimeout.toMillis()
            + " ms: the session is closed; open a new one").asRuntimeException());
      } catch (RuntimeException e) { // the call ended meanwhile
        log.debug("session {}: already gone: {}", id, e.toString());
      }
    }

    private void fail(StatusRuntimeException e) {
      log.debug("session {} ends: {}", id, e.getStatus());
      end();
      try {
        out.onError(e);
      } catch (RuntimeException ex) { // cancelled meanwhile
        log.debug("session {}: already gone: {}", id, ex.toString());
      }
    }

    /** The client cancelled, vanished or the transport failed: free the environments. */
    @Override
    public synchronized void onError(Throwable t) {
      log.debug("session {} dropped by the client: {}", id, Status.fromThrowable(t));
      end();
    }

    @Override
    public synchronized void onCompleted() {
      if (ended) {
        return;
      }
      end();
      out.onCompleted();
    }

    private void end() {
      if (ended) {
        return;
      }
      ended = true;
      sessions.remove(this);
      if (vector != null) {
        openSessions.decrementAndGet();
        try {
          vector.close();
        } catch (RuntimeException e) {
          log.warn("session {}: closing {} failed", id, spec.taskId(), e);
        }
        vector = null;
        admission.release(reservedKiB);
        reservedKiB = 0;
      }
    }
  }
}
