package mnemo.envs.remote;

import com.google.protobuf.CodedInputStream;
import io.grpc.CallOptions;
import io.grpc.KnownLength;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.BlockingClientCall;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import mnemo.envs.BatchedEnvironment;
import mnemo.envs.EnvSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.UnknownTaskException;
import mnemo.proto.env.v1.CreateRequest;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.ResetRequest;
import mnemo.proto.env.v1.SessionRequest;
import mnemo.proto.env.v1.SessionResponse;
import mnemo.proto.env.v1.StepRequest;
import mnemo.transport.ClientChannels;
import mnemo.transport.TransportSecurity;

/**
 * N environments on an environment server, driven through one Session stream: one round trip per
 * vector step. Seeding and auto-reset are the server's, which for Mnemo's server are exactly {@link
 * mnemo.envs.VectorEnvironment}'s, so a remote vector and a local one with the same seed return the same
 * time steps.
 *
 * <pre>{@code
 * try (RemoteBatchedEnvironment envs = RemoteBatchedEnvironment.connect(
 *     "127.0.0.1:50051", TransportSecurity.loopback(), "memory/cue-recall:length=10", 16)) {
 *   TimeStep[] ts = envs.reset(seed);
 *   ts = envs.step(actions);   // exactly 16 actions
 * }
 * }</pre>
 *
 * <p>Errors: an invalid action count or action throws IllegalArgumentException before anything is sent
 * (the session stays usable), as the local vector does. A task the server does not know throws {@link
 * UnknownTaskException}; a bad parameter IllegalArgumentException. When the server is unreachable or
 * dies, every call throws {@link EnvironmentUnavailableException} naming the target. Not thread-safe.
 */
public final class RemoteBatchedEnvironment implements BatchedEnvironment {
  /** The largest answer accepted from the server (1 GiB). */
  public static final int MAX_ANSWER_BYTES = 1 << 30;

  /**
   * The Session method with an answer parser that reads each answer into one array and lets the
   * observation payload alias it (protobuf's aliasing), saving a copy of every batch of observations.
   */
  private static final MethodDescriptor<SessionRequest, SessionResponse> SESSION =
      EnvironmentGrpc.getSessionMethod().toBuilder(
          ProtoUtils.marshaller(SessionRequest.getDefaultInstance()), new AliasingResponseMarshaller()).build();

  private static final class AliasingResponseMarshaller implements MethodDescriptor.Marshaller<SessionResponse> {
    private final MethodDescriptor.Marshaller<SessionResponse> plain =
        ProtoUtils.marshaller(SessionResponse.getDefaultInstance());

    @Override
    public InputStream stream(SessionResponse value) {
      return plain.stream(value);
    }

    @Override
    public SessionResponse parse(InputStream stream) {
      try {
        // One fresh array per answer (safe to alias), read in one go: gRPC's streams know their length.
        int known = stream instanceof KnownLength ? stream.available() : -1;
        byte[] bytes;
        if (known > 0) {
          bytes = new byte[known];
          int read = stream.readNBytes(bytes, 0, known);
          if (read != known || stream.read() != -1) {
            throw new IOException("answer length changed while reading (" + read + " of " + known + " bytes)");
          }
        } else {
          bytes = stream.readAllBytes();
        }
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.enableAliasing(true);
        in.setSizeLimit(Integer.MAX_VALUE);
        return SessionResponse.parseFrom(in);
      } catch (IOException e) {
        throw Status.INTERNAL.withDescription("malformed answer: " + e.getMessage()).withCause(e).asRuntimeException();
      }
    }
  }

  private final String target;
  private final ManagedChannel ownedChannel;
  private final BlockingClientCall<SessionRequest, SessionResponse> call;
  private final EnvSpec spec;
  private final int size;
  private final StepRequest.Builder stepRequest = StepRequest.newBuilder();
  private boolean started;
  private RuntimeException broken;
  private boolean closed;

  private RemoteBatchedEnvironment(String target, ManagedChannel channel, boolean ownsChannel, String taskId, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("a vector needs at least one environment, got " + n);
    }
    this.target = target;
    this.ownedChannel = ownsChannel ? channel : null;
    // Answers grow with N and the observation size (64 memory-maze frames are 0.8 MB): the server is
    // trusted, so this call accepts large answers whatever the channel's default cap.
    this.call = ClientCalls.blockingBidiStreamingCall(channel, SESSION,
        CallOptions.DEFAULT.withMaxInboundMessageSize(MAX_ANSWER_BYTES));
    SessionResponse created;
    try {
      created = exchange(SessionRequest.newBuilder()
          .setCreate(CreateRequest.newBuilder().setTaskId(taskId).setNumEnvs(n)).build());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    if (!created.hasCreated() || created.getCreated().getNumEnvs() != n) {
      close();
      throw new EnvironmentUnavailableException(target, "answered create with " + created.getResponseCase()
          + " instead of " + n + " environments", null);
    }
    this.spec = ProtoCodec.fromProto(created.getCreated().getSpec());
    this.size = n;
  }

  /** Opens a channel to {@code target} ({@code host:port}) owned by this vector, and creates N instances of {@code taskId}. */
  public static RemoteBatchedEnvironment connect(String target, TransportSecurity security, String taskId, int n) {
    return new RemoteBatchedEnvironment(target, ClientChannels.open(target, security), true, taskId, n);
  }

  /** Creates N instances of {@code taskId} on a shared channel (which this vector does not close). */
  public static RemoteBatchedEnvironment create(ManagedChannel channel, String taskId, int n) {
    return new RemoteBatchedEnvironment(channel.authority(), channel, false, taskId, n);
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  @Override
  public int size() {
    return size;
  }

  /** The server's {@code host:port}. */
  public String target() {
    return target;
  }

  @Override
  public TimeStep[] reset(long seed) {
    SessionResponse r = exchange(SessionRequest.newBuilder().setReset(ResetRequest.newBuilder().setSeed(seed)).build());
    started = true;
    return steps(r);
  }

  @Override
  public TimeStep[] step(int[] actions) {
    if (!started) {
      throw new IllegalStateException("reset the vector before stepping it");
    }
    if (actions.length != size) {
      throw new IllegalArgumentException("expected " + size + " actions, got " + actions.length);
    }
    stepRequest.clear();
    for (int a : actions) {
      spec.checkAction(a);
      stepRequest.addActions(a);
    }
    return steps(exchange(SessionRequest.newBuilder().setStep(stepRequest).build()));
  }

  private TimeStep[] steps(SessionResponse r) {
    if (!r.hasSteps()) {
      throw fail(new EnvironmentUnavailableException(target, "answered with " + r.getResponseCase()
          + " where time steps were due", null));
    }
    try {
      return ProtoCodec.decode(r.getSteps(), spec, size);
    } catch (IllegalArgumentException e) {
      throw fail(new EnvironmentUnavailableException(target, "sent malformed time steps: " + e.getMessage(), e));
    }
  }

  /** Sends one request and waits for its answer. */
  private SessionResponse exchange(SessionRequest request) {
    if (broken != null) {
      throw new IllegalStateException("this remote vector's session has ended: " + broken.getMessage(), broken);
    }
    if (closed) {
      throw new IllegalStateException("this remote vector is closed");
    }
    try {
      if (!call.write(request)) {
        throw fail(closedStream());
      }
      SessionResponse r = call.read();
      if (r == null) {
        throw fail(new EnvironmentUnavailableException(target, "ended the session without an answer", null));
      }
      return r;
    } catch (StatusException e) {
      throw fail(translate(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      call.cancel("interrupted", e);
      throw fail(new EnvironmentUnavailableException(target, "interrupted while waiting", e));
    }
  }

  /** The write was refused because the call is over: read its status. */
  private RuntimeException closedStream() {
    try {
      call.read(5, TimeUnit.SECONDS);
      return new EnvironmentUnavailableException(target, "closed the session", null);
    } catch (StatusException e) {
      return translate(e);
    } catch (InterruptedException | TimeoutException e) {
      return new EnvironmentUnavailableException(target, "the session stream is closed", e);
    }
  }

  private RuntimeException translate(StatusException e) {
    Status s = e.getStatus();
    String msg = s.getDescription() != null ? s.getDescription() : s.getCode().toString();
    return switch (s.getCode()) {
      case NOT_FOUND -> withCause(new UnknownTaskException(msg + " (server " + target + ")"), e);
      case INVALID_ARGUMENT, OUT_OF_RANGE -> new IllegalArgumentException(msg + " (server " + target + ")", e);
      case FAILED_PRECONDITION -> new IllegalStateException(msg + " (server " + target + ")", e);
      case UNAVAILABLE -> new EnvironmentUnavailableException(target, "unreachable or gone (" + msg + ")", e);
      default -> new EnvironmentUnavailableException(target, s.getCode() + ": " + msg, e);
    };
  }

  private static RuntimeException withCause(RuntimeException r, Throwable cause) {
    r.initCause(cause);
    return r;
  }

  private RuntimeException fail(RuntimeException e) {
    broken = e;
    return e;
  }

  /** Ends the session (the server frees its environments) and closes the channel if this vector opened it. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (broken == null) {
      call.halfClose();
      try {
        // Wait briefly for the server's end of stream, so its environments are closed when this returns.
        call.read(2, TimeUnit.SECONDS);
      } catch (StatusException | TimeoutException e) {
        // The session is over either way.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    call.cancel("closed by the client", null);
    if (ownedChannel != null) {
      ownedChannel.shutdownNow();
    }
  }
}
