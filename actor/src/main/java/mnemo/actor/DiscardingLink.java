package mnemo.actor;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;

/**
 * A {@link LearnerLink} that serializes each unroll (as the gRPC link would) and drops it: measures an
 * actor alone, without a learner.
 */
public final class DiscardingLink implements LearnerLink {
  private final RegisterResponse registration;
  private final AtomicLong unrolls = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final java.util.List<Unroll> kept = new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile int keep;

  public DiscardingLink(RegisterResponse registration) {
    this.registration = registration;
  }

  @Override
  public RegisterResponse register() {
    return registration;
  }

  @Override
  public void send(Unroll unroll) {
    bytes.addAndGet(unroll.toByteArray().length);
    if (kept.size() < keep) {
      kept.add(unroll);
    }
    unrolls.incrementAndGet();
  }

  @Override
  public long learnerVersion() {
    return registration.getWeightVersion();
  }

  @Override
  public Optional<Weights> fetchWeights(long have) {
    return Optional.empty();
  }

  /** Keeps the first {@code n} unrolls (see {@link #kept}). */
  public DiscardingLink keeping(int n) {
    keep = n;
    return this;
  }

  /** The unrolls kept so far. */
  public java.util.List<Unroll> kept() {
    return kept;
  }

  public long unrolls() {
    return unrolls.get();
  }

  public long bytes() {
    return bytes.get();
  }

  @Override
  public void close() {}
}
