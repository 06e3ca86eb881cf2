package mnemo.transport;

import io.grpc.CallCredentials;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.concurrent.Executor;

/** Client side of {@link BearerTokenInterceptor}: adds {@code authorization: Bearer <token>} to each call. */
public final class BearerToken extends CallCredentials {
  private final String token;

  public BearerToken(String token) {
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("the token must not be empty");
    }
    this.token = token;
  }

  @Override
  public void applyRequestMetadata(RequestInfo info, Executor executor, MetadataApplier applier) {
    // Sent over plaintext too: a token on an unencrypted link is the documented loopback/VPN setup.
    try {
      Metadata m = new Metadata();
      m.put(BearerTokenInterceptor.AUTHORIZATION, BearerTokenInterceptor.PREFIX + token);
      applier.apply(m);
    } catch (RuntimeException e) {
      applier.fail(Status.UNAUTHENTICATED.withCause(e));
    }
  }
}
