package mnemo.transport;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sees every call of a server end and reports the refusals ({@link Refusal#CODES}) in one log line each
 * and to a listener (the server's metrics). It sees what the services never do: messages over the
 * inbound cap refused by the transport before they are buffered, and calls refused by the token check.
 */
final class RefusalTracer extends ServerStreamTracer.Factory {
  private static final Logger log = LoggerFactory.getLogger(RefusalTracer.class);
  /** Characters of a status description kept in the log line. */
  private static final int MAX_DESCRIPTION = 200;

  private final String server;
  private final Consumer<Refusal> listener;

  RefusalTracer(String server, Consumer<Refusal> listener) {
    this.server = server;
    this.listener = listener;
  }

  @Override
  public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
    return new ServerStreamTracer() {
      private volatile String peer = "?";

      @Override
      public void serverCallStarted(ServerCallInfo<?, ?> info) {
        SocketAddress a = info.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (a != null) {
          peer = a.toString();
        }
      }

      @Override
      public void streamClosed(Status status) {
        if (!Refusal.CODES.contains(status.getCode())) {
          return;
        }
        String d = status.getDescription() == null ? "" : status.getDescription();
        if (d.length() > MAX_DESCRIPTION) {
          d = d.substring(0, MAX_DESCRIPTION) + "…";
        }
        d = d.replaceAll("[\\r\\n\\t]", " ");
        Refusal r = new Refusal(fullMethodName, status.getCode(), d, peer);
        log.info("{}: refused {} from {}: {} ({})", server, ClientText.quote(fullMethodName), r.peer(), r.code(), d);
        try {
          listener.accept(r);
        } catch (RuntimeException e) {
          log.warn("{}: a refusal listener failed: {}", server, e.toString());
        }
      }
    };
  }
}
