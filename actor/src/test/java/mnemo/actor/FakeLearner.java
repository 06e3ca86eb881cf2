package mnemo.actor;

import com.google.protobuf.ByteString;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.Ack;
import mnemo.proto.learner.v1.LearnerGrpc;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;
import mnemo.proto.learner.v1.WeightsRequest;

/**
 * A stand-in Learner service: registers actors, keeps every unroll, acks each with the current version,
 * bumps the version every {@code unrollsPerVersion} unrolls, and serves weights "w&lt;version&gt;".
 * Rejects unrolls whose sequence is in {@code rejectSequences}.
 */
class FakeLearner extends LearnerGrpc.LearnerImplBase {
  final List<Unroll> unrolls = new CopyOnWriteArrayList<>();
  final List<RegisterRequest> registrations = new CopyOnWriteArrayList<>();
  final AtomicLong version = new AtomicLong();
  final AtomicInteger weightFetches = new AtomicInteger();
  final ExperimentConfig config;
  final int unrollsPerVersion;
  volatile long rejectSequence = -1;
  volatile int finishAfter;

  FakeLearner(ExperimentConfig config, int unrollsPerVersion) {
    this.config = config;
    this.unrollsPerVersion = unrollsPerVersion;
  }

  @Override
  public void register(RegisterRequest req, StreamObserver<RegisterResponse> out) {
    registrations.add(req);
    out.onNext(RegisterResponse.newBuilder().setActorId("actor-" + registrations.size()).setConfig(config)
        .setActorSeed(42).setWeightVersion(version.get()).build());
    out.onCompleted();
  }

  @Override
  public StreamObserver<Unroll> streamUnrolls(StreamObserver<Ack> acks) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Unroll u) {
        if (finishAfter > 0 && unrolls.size() >= finishAfter) {
          acks.onNext(Ack.newBuilder().setSequence(u.getSequence()).setAccepted(false).setCode(9)
              .setMessage("training finished").setWeightVersion(version.get()).build());
          return;
        }
        boolean ok = u.getSequence() != rejectSequence;
        if (ok) {
          unrolls.add(u);
          if (unrolls.size() % unrollsPerVersion == 0) {
            version.incrementAndGet();
          }
        }
        acks.onNext(Ack.newBuilder().setSequence(u.getSequence()).setAccepted(ok)
            .setMessage(ok ? "" : "rejected on purpose").setCode(ok ? 0 : 3).setWeightVersion(version.get()).build());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        acks.onCompleted();
      }
    };
  }

  @Override
  public void getWeights(WeightsRequest req, StreamObserver<Weights> out) {
    weightFetches.incrementAndGet();
    long v = version.get();
    Weights.Builder w = Weights.newBuilder().setVersion(v);
    if (v != req.getHaveVersion()) {
      w.setNpz(ByteString.copyFromUtf8("w" + v));
    }
    out.onNext(w.build());
    out.onCompleted();
  }
}
