package mnemo.envs.remote;

import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.proto.Seeds;
import mnemo.envs.TimeStep;
import mnemo.transport.TransportSecurity;

/**
 * One environment on an environment server: a {@link RemoteBatchedEnvironment} of size 1 behind the
 * {@link Environment} contract (step after LAST, or before reset, throws IllegalStateException).
 *
 * <p>Seeding follows the protocol: {@code reset(seed)} starts the episode that a local environment
 * starts with {@code reset(Seeds.derive(seed, 0))}, instance 0 of a vector reset with {@code seed}.
 */
public final class RemoteEnvironment implements Environment {
  private final RemoteBatchedEnvironment vector;
  private final int[] action = new int[1];
  private boolean reset;
  private boolean live;

  public RemoteEnvironment(RemoteBatchedEnvironment vector) {
    if (vector.size() != 1) {
      throw new IllegalArgumentException("a RemoteEnvironment wraps a session of 1 environment, got " + vector.size());
    }
    this.vector = vector;
  }

  public static RemoteEnvironment connect(String target, TransportSecurity security, String taskId) {
    return new RemoteEnvironment(RemoteBatchedEnvironment.connect(target, security, taskId, 1));
  }

  /** The local seed this remote {@code reset(seed)} is equivalent to. */
  public static long localSeed(long seed) {
    return Seeds.derive(seed, 0);
  }

  @Override
  public EnvSpec spec() {
    return vector.spec();
  }

  @Override
  public TimeStep reset(long seed) {
    TimeStep ts = vector.reset(seed)[0];
    reset = true;
    live = true;
    return ts;
  }

  @Override
  public TimeStep step(int action) {
    spec().checkStep(reset, !live, action);
    this.action[0] = action;
    TimeStep ts = vector.step(this.action)[0];
    live = !ts.isLast();
    return ts;
  }

  @Override
  public void close() {
    vector.close();
  }
}
