package mnemo.learner.metrics;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every gRPC call from its start to its close: {@code mnemo.grpc.server} with tags {@code method}
 * (e.g. {@code mnemo.learner.v1.Learner/GetWeights}) and {@code status} (the gRPC status code). For a
 * streaming call this is the stream's lifetime.
 */
public final class GrpcMetricsInterceptor implements ServerInterceptor {
  private final MeterRegistry registry;

  public GrpcMetricsInterceptor(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    Timer.Sample sample = Timer.start(registry);
    String method = call.getMethodDescriptor().getFullMethodName();
    return next.startCall(new SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        sample.stop(Timer.builder("mnemo.grpc.server").description("gRPC call duration")
            .tag("method", method).tag("status", status.getCode().name()).register(registry));
        super.close(status, trailers);
      }
    }, headers);
  }
}
