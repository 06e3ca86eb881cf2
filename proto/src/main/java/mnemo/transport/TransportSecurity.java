package mnemo.transport;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a Mnemo gRPC server binds and authenticates, and how a client reaches it: the values behind the
 * shared flags {@code --bind}, {@code --token} (or env {@code MNEMO_TOKEN}), {@code --tls-cert},
 * {@code --tls-key} and {@code --tls-trust}.
 *
 * <ul>
 *   <li>{@code bind}: the address a server listens on; loopback ({@value #LOOPBACK}) by default. A
 *       non-loopback address requires a token or TLS ({@link #checkServer}).
 *   <li>{@code token}: a shared secret; servers demand {@code authorization: Bearer <token>} on every call
 *       except health checks, clients send it. Null = none.
 *   <li>{@code tlsCert}, {@code tlsKey}: a server's PEM certificate chain and PKCS#8 PEM private key.
 *       Both or neither.
 *   <li>{@code tlsTrust}: a client's PEM trust bundle for the server's certificate. Null = plaintext
 *       unless {@code tls} is set, in which case the system's default trust store is used.
 *   <li>{@code tls}: the client connects with TLS (implied by {@code tlsTrust}).
 * </ul>
 */
public record TransportSecurity(String bind, String token, Path tlsCert, Path tlsKey, Path tlsTrust, boolean tls) {

  public static final String LOOPBACK = "127.0.0.1";
  /** The environment variable read when no {@code --token} is given. */
  public static final String TOKEN_ENV = "MNEMO_TOKEN";

  public TransportSecurity {
    bind = bind == null || bind.isBlank() ? LOOPBACK : bind.strip();
    token = token == null || token.isEmpty() ? null : token;
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together (got only "
          + (tlsCert != null ? "--tls-cert" : "--tls-key") + ")");
    }
    tls = tls || tlsTrust != null;
  }

  /** Loopback, no token, no TLS: what tests and single-machine runs use. */
  public static TransportSecurity loopback() {
    return new TransportSecurity(LOOPBACK, null, null, null, null, false);
  }

  /** Plaintext with a shared token, bound to {@code bind}. */
  public static TransportSecurity withToken(String bind, String token) {
    return new TransportSecurity(bind, token, null, null, null, false);
  }

  /** The token from the environment variable {@value #TOKEN_ENV}, or null. */
  public static String tokenFromEnvironment() {
    String t = System.getenv(TOKEN_ENV);
    return t == null || t.isEmpty() ? null : t;
  }

  public TransportSecurity withBind(String newBind) {
    return new TransportSecurity(newBind, token, tlsCert, tlsKey, tlsTrust, tls);
  }

  public boolean hasToken() {
    return token != null;
  }

  /** True when the server side has a certificate and key. */
  public boolean serverTls() {
    return tlsCert != null;
  }

  /** Whether {@code bind} is a loopback address (127.0.0.0/8, ::1, or a name resolving to one). */
  public boolean bindsLoopback() {
    try {
      return InetAddress.getByName(bind).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("cannot resolve bind address '" + bind + "'", e);
    }
  }

  /**
   * Throws IllegalArgumentException with a message telling what to do when a server with these options
   * must not start: a non-loopback bind without a token or TLS, or unreadable TLS files.
   */
  public void checkServer() {
    if (!bindsLoopback() && !hasToken() && !serverTls()) {
      throw new IllegalArgumentException("refusing to bind " + bind + " (not loopback) without authentication: "
          + "give a shared token (--token or env " + TOKEN_ENV + ") or TLS (--tls-cert and --tls-key), "
          + "or bind " + LOOPBACK);
    }
    if (serverTls()) {
      requireReadable(tlsCert, "--tls-cert");
      requireReadable(tlsKey, "--tls-key");
    }
  }

  /** Throws IllegalArgumentException when the client's trust file is missing. */
  public void checkClient() {
    if (tlsTrust != null) {
      requireReadable(tlsTrust, "--tls-trust");
    }
  }

  private static void requireReadable(Path p, String flag) {
    if (!Files.isReadable(p)) {
      throw new IllegalArgumentException(flag + " " + p + " is not a readable file");
    }
  }

  @Override
  public String toString() {
    // Never print the token itself.
    return "bind=" + bind + (hasToken() ? " token=<set>" : "") + (serverTls() ? " tls-cert=" + tlsCert : "")
        + (tls ? " tls" + (tlsTrust != null ? "-trust=" + tlsTrust : "") : "");
  }
}
