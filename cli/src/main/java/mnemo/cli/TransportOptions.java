package mnemo.cli;

import java.nio.file.Path;
import mnemo.transport.TransportSecurity;
import picocli.CommandLine.Option;

/**
 * The transport flags every server and client command shares ({@code @Mixin TransportOptions transport}):
 * {@code --bind}, {@code --token} (default: env MNEMO_TOKEN), {@code --tls-cert}, {@code --tls-key},
 * {@code --tls-trust}, {@code --tls}.
 */
public final class TransportOptions {
  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = TransportSecurity.LOOPBACK,
      description = "Address servers listen on (default: ${DEFAULT-VALUE}, loopback). Anything else needs "
          + "--token or --tls-cert/--tls-key.")
  String bind;

  @Option(names = "--token", paramLabel = "SECRET", defaultValue = "${env:MNEMO_TOKEN}",
      description = "Shared token: servers require 'authorization: Bearer <token>', clients send it "
          + "(default: env MNEMO_TOKEN).")
  String token;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Server: TLS certificate chain (PEM).")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Server: TLS private key (PKCS#8 PEM).")
  Path tlsKey;

  @Option(names = "--tls-trust", paramLabel = "PEM",
      description = "Client: trust this certificate (PEM) for the server's TLS; implies --tls.")
  Path tlsTrust;

  @Option(names = "--tls", description = "Client: connect with TLS, trusting the system's certificate store.")
  boolean tls;

  public TransportSecurity security() {
    return new TransportSecurity(bind, token, tlsCert, tlsKey, tlsTrust, tls);
  }
}
