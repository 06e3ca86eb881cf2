package mnemo.learner;

import com.google.protobuf.UnsafeByteOperations;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import mnemo.agent.AgentModel;
import mnemo.proto.learner.v1.Weights;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What serves weights: the model's latest weights (npz) with their version, and the listeners told of
 * each new version. The version is that of the weights published last, so whoever reads version n can
 * also get weights of version n.
 *
 * <pre>{@code
 * publisher.publish(0);                 // at start: the initial weights
 * publisher.publish(publisher.version() + 1);  // after each applied update, on the training thread
 * Weights w = publisher.latest();       // any thread
 * }</pre>
 */
final class WeightPublisher {
  private static final Logger log = LoggerFactory.getLogger(WeightPublisher.class);

  private final AgentModel model;
  private final IntSupplier memoryLength;
  private final CopyOnWriteArrayList<Consumer<Weights>> listeners = new CopyOnWriteArrayList<>();
  private volatile Weights published = Weights.getDefaultInstance();

  /** {@code memoryLength}: the curriculum's current length, sent along with the weights (0: none). */
  WeightPublisher(AgentModel model, IntSupplier memoryLength) {
    this.model = model;
    this.memoryLength = memoryLength;
  }

  /** Serializes the model's weights as {@code version} and tells the listeners; call it between updates. */
  void publish(long version) {
    Weights w = Weights.newBuilder().setVersion(version)
        .setNpz(UnsafeByteOperations.unsafeWrap(model.weightsToNpz()))
        .setMemoryLength(memoryLength.getAsInt()).build();
    published = w;
    for (Consumer<Weights> l : listeners) {
      try {
        l.accept(w);
      } catch (RuntimeException e) {
        log.warn("a weights listener failed", e);
      }
    }
  }

  Weights latest() {
    return published;
  }

  long version() {
    return published.getVersion();
  }

  void addListener(Consumer<Weights> listener) {
    listeners.add(listener);
  }

  void removeListener(Consumer<Weights> listener) {
    listeners.remove(listener);
  }
}
