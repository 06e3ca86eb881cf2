package mnemo.envs.remote;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
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
 *   <tr><td>bad task parameter, num_envs outside [1, {@value #MAX_ENVS}], wrong action count, action out of
 *       range, empty request</td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>reset or step before create, create twice, step before reset</td><td>FAILED_PRECONDITION</td></tr>
 *   <tr><td>an environment failed</td><td>INTERNAL</td></tr>
 * </table>
 *
 * <p>A session whose client completes, cancels or vanishes closes its environments at once.
 */
public final class EnvironmentService extends EnvironmentGrpc.EnvironmentImplBase {
  private static final Logger log = LoggerFactory.getLogger(EnvironmentService.class);

  /** The most environments one session may hold. */
  public static final int MAX_ENVS = 4096;

  private final TaskRegistry registry;
  private final Set<String> allowed;
  private final AtomicInteger openSessions = new AtomicInteger();
  private final AtomicInteger sessionIds = new AtomicInteger();

  /** Serves every family of {@code registry}. */
  public EnvironmentService(TaskRegistry registry) {
    this(registry, Set.of());
  }

  /**
   * Serves the families of {@code registry} named in {@code allowedFamilies} (all when empty). Every
   * name must be registered.
   */
  public EnvironmentService(TaskRegistry registry, Set<String> allowedFamilies) {
    this.registry = registry;
    for (String f : allowedFamilies) {
      registry.family(f); // throws UnknownTaskException naming the known ones
    }
    this.allowed = Set.copyOf(allowedFamilies);
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
    return new Session(sessionIds.incrementAndGet(), out);
  }

  /** One client's vector of environments. gRPC delivers a call's events one at a time. */
  private final class Session implements StreamObserver<SessionRequest> {
    private final int id;
    private final StreamObserver<SessionResponse> out;
    private VectorEnvironment vector;
    private EnvSpec spec;
    private int[] actions;
    /** The observation payload of every answer, reused: gRPC serializes each answer inside onNext. */
    private byte[] payload;
    private boolean reset;
    private boolean ended;

    Session(int id, StreamObserver<SessionResponse> out) {
      this.id = id;
      this.out = out;
    }

    @Override
    public void onNext(SessionRequest request) {
      if (ended) {
        return;
      }
      try {
        switch (request.getRequestCase()) {
          case CREATE -> create(request.getCreate());
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
      } catch (StatusRuntimeException e) {
        fail(e);
      } catch (RuntimeException e) {
        log.warn("session {}: environment {} failed", id, spec == null ? "?" : spec.taskId(), e);
        fail(Status.INTERNAL.withDescription("environment failed: " + e).withCause(e).asRuntimeException());
      }
    }

    private void create(CreateRequest c) {
      if (vector != null) {
        throw Status.FAILED_PRECONDITION.withDescription("this session already created " + spec.taskId()
            + "; open a new session for another task").asRuntimeException();
      }
      if (c.getNumEnvs() < 1 || c.getNumEnvs() > MAX_ENVS) {
        throw Status.INVALID_ARGUMENT.withDescription("num_envs must be in [1, " + MAX_ENVS + "], got "
            + c.getNumEnvs()).asRuntimeException();
      }
      TaskId id;
      try {
        id = TaskId.parse(c.getTaskId());
        if (!allowed.isEmpty() && !allowed.contains(id.family())) {
          throw Status.NOT_FOUND.withDescription("task " + id.family() + " is not served here; this server serves "
              + String.join(", ", allowed)).asRuntimeException();
        }
        registry.family(id.family());
      } catch (UnknownTaskException e) {
        throw Status.NOT_FOUND.withDescription(e.getMessage()).asRuntimeException();
      } catch (IllegalArgumentException e) {
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
      }
      List<Environment> envs = new ArrayList<>(c.getNumEnvs());
      try {
        for (int i = 0; i < c.getNumEnvs(); i++) {
          envs.add(registry.make(id));
        }
      } catch (IllegalArgumentException e) {
        envs.forEach(Environment::close);
        throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
      }
      vector = new VectorEnvironment(envs);
      openSessions.incrementAndGet();
      spec = vector.spec();
      actions = new int[envs.size()];
      payload = new byte[ProtoCodec.payloadBytes(spec, envs.size())];
      log.debug("session {}: created {} x {}", this.id, envs.size(), spec.taskId());
      out.onNext(SessionResponse.newBuilder().setCreated(
          CreateResponse.newBuilder().setSpec(ProtoCodec.toProto(spec)).setNumEnvs(envs.size())).build());
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

    private void fail(StatusRuntimeException e) {
      log.debug("session {} ends: {}", id, e.getStatus());
      end();
      out.onError(e);
    }

    /** The client cancelled, vanished or the transport failed: free the environments. */
    @Override
    public void onError(Throwable t) {
      log.debug("session {} dropped by the client: {}", id, Status.fromThrowable(t));
      end();
    }

    @Override
    public void onCompleted() {
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
      if (vector != null) {
        openSessions.decrementAndGet();
        try {
          vector.close();
        } catch (RuntimeException e) {
          log.warn("session {}: closing {} failed", id, spec.taskId(), e);
        }
        vector = null;
      }
    }
  }
}
