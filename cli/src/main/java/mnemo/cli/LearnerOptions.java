package mnemo.cli;

import ai.djl.Device;
import mnemo.learner.Devices;
import picocli.CommandLine.Option;

/**
 * The flags of the learner's own process that every command running one shares ({@code @Mixin LearnerOptions
 * learnerOptions}: {@code mnemo learner} and {@code mnemo train}): where it trains and how many unrolls it
 * queues.
 */
public final class LearnerOptions {
  @Option(names = "--device", defaultValue = "auto", paramLabel = "auto|cpu|gpu[:N]",
      description = "Where the learner trains: auto = the first GPU DJL's engine reports, else the CPU "
          + "(default: ${DEFAULT-VALUE}). Actors always infer on the CPU.")
  String device;

  @Option(names = "--queue", defaultValue = "0", paramLabel = "UNROLLS",
      description = "Unrolls the learner queues before actors are slowed down (default: 2 x batch); a longer queue "
          + "keeps actors busy, at the cost of older unrolls.")
  int queue;

  /** The learner's device; IllegalArgumentException for a bad spec or a GPU that is not there. */
  public Device device() {
    return Devices.parse(device);
  }

  /** The queue capacity (0: 2·B); IllegalArgumentException when negative. */
  public int queue() {
    if (queue < 0) {
      throw new IllegalArgumentException("--queue must be >= 0 (0: 2 x batch), got " + queue);
    }
    return queue;
  }
}
