package mnemo.transport;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.health.v1.HealthGrpc;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Refuses every call whose metadata lacks {@code authorization: Bearer <token>} with the shared token
 * (UNAUTHENTICATED), except the standard health service, which stays open so that load balancers and
 * probes need no secret. The comparison is constant-time. A call with more than one {@code authorization}
 * header is refused as well: which one a proxy or a library would read is not defined.
 */
public final class BearerTokenInterceptor implements ServerInterceptor {
  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final String PREFIX = "Bearer ";

  private final byte[] expected;

  public BearerTokenInterceptor(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("the token must not be empty");
    }
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (HealthGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    Iterable<String> all = headers.getAll(AUTHORIZATION);
    int count = 0;
    if (all != null) {
      for (String ignored : all) {
        count++;
      }
    }
    if (count > 1) {
      call.close(Status.UNAUTHENTICATED.withDescription("send exactly one 'authorization' header, got " + count),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    String value = headers.get(AUTHORIZATION);
    if (value == null || !value.startsWith(PREFIX)) {
      call.close(Status.UNAUTHENTICATED.withDescription("this server needs 'authorization: Bearer <token>'"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    byte[] given = value.substring(PREFIX.length()).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, expected)) { // constant-time for equal lengths
      call.close(Status.UNAUTHENTICATED.withDescription("wrong token"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
