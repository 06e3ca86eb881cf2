package mnemo.learner.service;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import mnemo.learner.Learner;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.LearnerGrpc;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;
import mnemo.proto.learner.v1.WeightsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code mnemo.learner.v1.Learner} over gRPC: a thin adapter over {@link Learner}.
 *
 * <p><b>Backpressure.</b> StreamUnrolls uses manual flow control: the next unroll is requested from the
 * transport only after the previous one is queued and acknowledged, so while the learner's queue is full
 * the acks are late and gRPC's flow-control window stops the actor's sends.
 *
 * <p><b>Weights.</b> WatchWeights sends the newest weights whenever the version moves; a watcher that
 * reads slowly skips intermediate versions (only the latest is kept pending), so a slow actor never
 * makes the learner buffer old weights.
 */
public final class LearnerService extends LearnerGrpc.LearnerImplBase {
  private static final Logger log = LoggerFactory.getLogger(LearnerService.class);
  private final Learner learner;

  public LearnerService(Learner learner) {
    this.learner = learner;
  }

  @Override
  public void register(RegisterRequest request, StreamObserver<RegisterResponse> responses) {
    RegisterResponse r;
    try {
      r = learner.register(request);
    } catch (IllegalArgumentException e) { // out of bounds: N, the name
      responses.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    responses.onNext(r);
    responses.onCompleted();
  }

  @Override
  public StreamObserver<Unroll> streamUnrolls(StreamObserver<Ack> responses) {
    ServerCallStreamObserver<Ack> call = (ServerCallStreamObserver<Ack>) responses;
    call.disableAutoRequest();
    call.request(1);
    return new StreamObserver<>() {
      @Override
      public void onNext(Unroll unroll) {
        Ack ack = learner.submit(unroll, call::isCancelled);
        if (call.isCancelled()) {
          return;
        }
        try {
          call.onNext(ack);
          call.request(1);
        } catch (RuntimeException e) { // cancelled between the check and the send
          log.debug("unroll stream gone: {}", e.toString());
        }
      }

      @Override
      public void onError(Throwable t) {
        log.debug("unroll stream ended by the actor: {}", t.toString());
      }

      @Override
      public void onCompleted() {
        call.onCompleted();
      }
    };
  }

  @Override
  public void getWeights(WeightsRequest request, StreamObserver<Weights> responses) {
    Weights w = learner.latestWeights();
    if (request.getHaveVersion() >= 0 && w.getVersion() <= request.getHaveVersion()) {
      responses.onNext(Weights.newBuilder().setVersion(request.getHaveVersion()).build());
    } else {
      responses.onNext(w);
    }
    responses.onCompleted();
  }

  @Override
  public void watchWeights(WeightsRequest request, StreamObserver<Weights> responses) {
    ServerCallStreamObserver<Weights> call = (ServerCallStreamObserver<Weights>) responses;
    Watcher watcher = new Watcher(call, request.getHaveVersion());
    call.setOnReadyHandler(watcher::drain);
    call.setOnCancelHandler(() -> learner.removeWeightsListener(watcher));
    learner.addWeightsListener(watcher);
    watcher.accept(learner.latestWeights());
  }

  /** One WatchWeights stream: keeps only the newest unsent weights, sends when the stream is ready. */
  private static final class Watcher implements Consumer<Weights> {
    private final ServerCallStreamObserver<Weights> call;
    private final AtomicReference<Weights> pending = new AtomicReference<>();
    private long sentVersion;

    Watcher(ServerCallStreamObserver<Weights> call, long haveVersion) {
      this.call = call;
      this.sentVersion = haveVersion;
    }

    @Override
    public void accept(Weights w) {
      pending.set(w);
      drain();
    }

    synchronized void drain() {
      if (call.isCancelled()) {
        return;
      }
      while (call.isReady()) {
        Weights w = pending.getAndSet(null);
        if (w == null) {
          return;
        }
        if (w.getVersion() > sentVersion) {
          sentVersion = w.getVersion();
          try {
            call.onNext(w);
          } catch (RuntimeException e) { // the call was cancelled meanwhile
            return;
          }
        }
      }
    }
  }
}
