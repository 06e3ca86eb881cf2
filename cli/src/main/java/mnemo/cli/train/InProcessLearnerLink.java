package mnemo.cli.train;

import java.util.Optional;
import mnemo.actor.ActorMetrics;
import mnemo.actor.LearnerLink;
import mnemo.actor.LearnerStatus;
import mnemo.learner.Learner;
import mnemo.proto.learner.v1.RegisterRequest;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;

/**
 * {@link LearnerLink} to a {@link Learner} in this JVM ({@code train --local}): the calls the gRPC service
 * makes, without the wire. {@link #send} returns once the learner has queued the unroll, so a full queue
 * stalls the actor as the late acks of a stream do; acks are read as over gRPC ({@link LearnerStatus}).
 *
 * <pre>{@code
 * LearnerLink link = new InProcessLearnerLink(learner, "local-actor-0", n, metrics);
 * Actor actor = ActorSetup.create(link, n, ActorSetup.local(), models, metrics);
 * }</pre>
 */
final class InProcessLearnerLink implements LearnerLink {
  private final Learner learner;
  private final String actorName;
  private final int numEnvs;
  private final LearnerStatus status;
  private volatile boolean closed;
  private volatile String actorId;

  InProcessLearnerLink(Learner learner, String actorName, int numEnvs, ActorMetrics metrics) {
    this.learner = learner;
    this.actorName = actorName;
    this.numEnvs = numEnvs;
    this.status = new LearnerStatus(metrics);
  }

  @Override
  public RegisterResponse register() {
    checkOpen();
    RegisterResponse r = learner.register(RegisterRequest.newBuilder().setActorName(actorName).setNumEnvs(numEnvs)
        .build());
    actorId = r.getActorId();
    status.registered(r.getWeightVersion());
    return r;
  }

  @Override
  public void send(Unroll unroll) {
    checkOpen();
    if (actorId == null) {
      register();
    }
    status.read(learner.submit(unroll.toBuilder().setActorId(actorId).build(), () -> closed));
  }

  @Override
  public long learnerVersion() {
    return status.version();
  }

  @Override
  public Optional<Weights> fetchWeights(long have) {
    Weights w = learner.latestWeights();
    status.saw(w.getVersion());
    return w.getVersion() == have ? Optional.empty() : Optional.of(w);
  }

  @Override
  public boolean learnerFinished() {
    return status.finished();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the learner link is closed");
    }
  }

  /** Closes the link: a send waiting for queue space gives up (UNAVAILABLE), later calls fail. */
  @Override
  public void close() {
    closed = true;
  }
}
