package mnemo.envs.remote;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.stub.BlockingClientCall;
import mnemo.proto.env.v1.CreateRequest;
import mnemo.proto.env.v1.EnvironmentGrpc;
import mnemo.proto.env.v1.ResetRequest;
import mnemo.proto.env.v1.SessionRequest;
import mnemo.proto.env.v1.SessionResponse;
import mnemo.proto.env.v1.StepRequest;

/** Scripted Session calls on the bare protocol, for tests of what any server answers to bad input. */
final class RawSession {
  private RawSession() {}

  static SessionRequest create(String task, int n) {
    return SessionRequest.newBuilder().setCreate(CreateRequest.newBuilder().setTaskId(task).setNumEnvs(n)).build();
  }

  static SessionRequest reset(long seed) {
    return SessionRequest.newBuilder().setReset(ResetRequest.newBuilder().setSeed(seed)).build();
  }

  static SessionRequest step(int... actions) {
    StepRequest.Builder s = StepRequest.newBuilder();
    for (int a : actions) {
      s.addActions(a);
    }
    return SessionRequest.newBuilder().setStep(s).build();
  }

  /** Sends {@code requests} one by one, reading each answer, and returns the status the session ended with. */
  static Status status(Channel channel, SessionRequest... requests) throws InterruptedException {
    BlockingClientCall<SessionRequest, SessionResponse> call = EnvironmentGrpc.newBlockingV2Stub(channel).session();
    try {
      for (SessionRequest r : requests) {
        if (!call.write(r) || call.read() == null) {
          break;
        }
      }
      call.halfClose();
      while (call.read() != null) {
        // drain until the server ends the call
      }
      return Status.OK;
    } catch (StatusException e) {
      return e.getStatus();
    } finally {
      call.cancel("script done", null);
    }
  }
}
