package mnemo.transport;

import io.grpc.Status;
import java.util.Set;

/**
 * A call a Mnemo server ended with a refusal: the client sent something the server does not accept
 * (unparseable or oversized messages, a missing token, bad arguments, an exhausted budget), as opposed
 * to the client cancelling or the server failing.
 *
 * @param method the full method name, e.g. {@code mnemo.learner.v1.Learner/StreamUnrolls}
 * @param code the status code the call ended with
 * @param description the status description (server text, bounded)
 * @param peer the client's address, or "?" when the transport did not say
 */
public record Refusal(String method, Status.Code code, String description, String peer) {
  /** The codes that mean "the client's request was refused". */
  public static final Set<Status.Code> CODES = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED,
      Status.Code.UNAUTHENTICATED, Status.Code.PERMISSION_DENIED, Status.Code.NOT_FOUND,
      Status.Code.FAILED_PRECONDITION, Status.Code.OUT_OF_RANGE, Status.Code.UNIMPLEMENTED);

  /** The method's short name, e.g. {@code StreamUnrolls}. */
  public String methodName() {
    return method.substring(method.lastIndexOf('/') + 1);
  }
}
