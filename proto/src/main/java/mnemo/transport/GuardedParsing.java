package mnemo.transport;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a service's requests inside the call, so that a request that does not parse ends its call
 * with a status that says so, instead of gRPC's default (UNKNOWN "Application error processing RPC"
 * and a stack trace in the server's log):
 *
 * <ul>
 *   <li>bytes that are not a valid message of the request type: INVALID_ARGUMENT;
 *   <li>a compressed message that inflates past the server's inbound cap: RESOURCE_EXHAUSTED (gRPC
 *       bounds decompression by the same cap as the wire size, and stops reading there).
 * </ul>
 *
 * <p>The service sees such a call as cancelled (its request observer gets {@code onError}), so it frees
 * whatever the call held. {@link MnemoServer} wraps every service it serves.
 */
final class GuardedParsing {
  private GuardedParsing() {}

  private static final MethodDescriptor.Marshaller<InputStream> RAW = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(InputStream value) {
      return value;
    }

    @Override
    public InputStream parse(InputStream stream) {
      return stream;
    }
  };

  /** {@code service} with every method taking raw bytes and parsing them under guard. */
  static ServerServiceDefinition wrap(ServerServiceDefinition service) {
    ServiceDescriptor sd = service.getServiceDescriptor();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(sd.getName())
        .setSchemaDescriptor(sd.getSchemaDescriptor());
    List<ServerMethodDefinition<InputStream, InputStream>> methods = new ArrayList<>();
    for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
      MethodDescriptor<InputStream, InputStream> raw = m.getMethodDescriptor().toBuilder(RAW, RAW).build();
      descriptor.addMethod(raw);
      methods.add(ServerMethodDefinition.create(raw, handler(m)));
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, R> ServerCallHandler<InputStream, InputStream> handler(ServerMethodDefinition<Q, R> def) {
    MethodDescriptor<Q, R> typed = def.getMethodDescriptor();
    ServerCallHandler<Q, R> next = def.getServerCallHandler();
    return (call, headers) -> new Guard<>(call, typed, next.startCall(new TypedCall<>(call, typed), headers));
  }

  /** The status for a request that failed to parse with {@code e}. */
  static Status refusal(RuntimeException e, String type) {
    Status s = Status.fromThrowable(e);
    if (s.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
      return Status.RESOURCE_EXHAUSTED.withDescription(s.getDescription());
    }
    return Status.INVALID_ARGUMENT.withDescription("the request is not a valid " + type + " message"
        + (s.getDescription() != null ? ": " + s.getDescription() : ""));
  }

  /** Parses each message; on failure closes the call and tells the service's listener it was cancelled. */
  private static final class Guard<Q> extends ServerCall.Listener<InputStream> {
    private final ServerCall<InputStream, ?> call;
    private final MethodDescriptor<Q, ?> typed;
    private final ServerCall.Listener<Q> next;
    private boolean refused;
    private boolean cancelled;

    Guard(ServerCall<InputStream, ?> call, MethodDescriptor<Q, ?> typed, ServerCall.Listener<Q> next) {
      this.call = call;
      this.typed = typed;
      this.next = next;
    }

    @Override
    public void onMessage(InputStream in) {
      if (refused) {
        return;
      }
      Q message;
      try {
        message = typed.parseRequest(in);
      } catch (RuntimeException e) {
        refused = true;
        String type = typed.getFullMethodName().substring(typed.getFullMethodName().lastIndexOf('/') + 1);
        call.close(refusal(e, type + " request"), new Metadata());
        onCancel();
        return;
      }
      next.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (!refused) {
        next.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!cancelled) {
        cancelled = true;
        next.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!cancelled) {
        next.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!refused) {
        next.onReady();
      }
    }
  }

  /** The service's typed view of a raw call: responses are serialized with the method's own marshaller. */
  private static final class TypedCall<Q, R> extends ServerCall<Q, R> {
    private final ServerCall<InputStream, InputStream> raw;
    private final MethodDescriptor<Q, R> typed;

    TypedCall(ServerCall<InputStream, InputStream> raw, MethodDescriptor<Q, R> typed) {
      this.raw = raw;
      this.typed = typed;
    }

    @Override
    public void request(int numMessages) {
      raw.request(numMessages);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      raw.sendHeaders(headers);
    }

    @Override
    public void sendMessage(R message) {
      raw.sendMessage(typed.streamResponse(message));
    }

    @Override
    public void close(Status status, Metadata trailers) {
      raw.close(status, trailers);
    }

    @Override
    public boolean isCancelled() {
      return raw.isCancelled();
    }

    @Override
    public boolean isReady() {
      return raw.isReady();
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      raw.setOnReadyThreshold(numBytes);
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      raw.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      raw.setCompression(compressor);
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return raw.getSecurityLevel();
    }

    @Override
    public Attributes getAttributes() {
      return raw.getAttributes();
    }

    @Override
    public String getAuthority() {
      return raw.getAuthority();
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
      return typed;
    }
  }
}
