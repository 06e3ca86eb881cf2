package mnemo.transport;

import io.grpc.ChannelCredentials;
import io.grpc.CompositeChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * Opens client channels to Mnemo servers with the same security options as the servers: the token (as
 * call credentials on every call), TLS with an optional trust bundle, and a cap on inbound messages.
 */
public final class ClientChannels {
  private ClientChannels() {}

  /** A channel to {@code target} ({@code host:port}) with gRPC's default 4 MiB inbound cap. */
  public static ManagedChannel open(String target, TransportSecurity security) {
    return open(target, security, MnemoServer.DEFAULT_MAX_INBOUND_BYTES);
  }

  /**
   * A channel to {@code target} ({@code host:port}). TLS when {@code security.tls()} (trusting {@code
   * tlsTrust}, or the system store), the token as {@code authorization: Bearer} on every call.
   */
  public static ManagedChannel open(String target, TransportSecurity security, int maxInboundBytes) {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("no target: give host:port");
    }
    security.checkClient();
    ChannelCredentials credentials;
    if (security.tls()) {
      TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder();
      if (security.tlsTrust() != null) {
        try {
          tls.trustManager(security.tlsTrust().toFile());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read --tls-trust " + security.tlsTrust() + ": " + e.getMessage(), e);
        }
      }
      credentials = tls.build();
    } else {
      credentials = InsecureChannelCredentials.create();
    }
    if (security.hasToken()) {
      credentials = CompositeChannelCredentials.create(credentials, new BearerToken(security.token()));
    }
    return Grpc.newChannelBuilder(target.strip(), credentials)
        .maxInboundMessageSize(maxInboundBytes)
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .build();
  }
}
