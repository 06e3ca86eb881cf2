package mnemo.envs.tasks.maze;

import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import mnemo.envs.Tensor;
import mnemo.envs.TimeStep;

/**
 * The episode rules Memory Grid and Memory Maze share: one target is current; touching it earns +1 and
 * makes another target, chosen uniformly among the others, current; there is no early end, the episode
 * is truncated (LAST, discount 1) after {@code steps} actions. Also keeps the oracle's grid distances to
 * the current target, computed once per target.
 */
final class TargetEpisode {
  private final int steps;
  private Maze maze;
  private SplittableRandom rng;
  private int current;
  private int t;
  private boolean started;
  private boolean done;
  private int[] distances;

  TargetEpisode(int steps) {
    this.steps = steps;
  }

  /** Starts an episode in {@code maze}; {@code rng} draws the next targets. */
  void start(Maze maze, SplittableRandom rng, int firstTarget) {
    this.maze = maze;
    this.rng = rng;
    current = firstTarget;
    distances = null;
    t = 0;
    started = true;
    done = false;
  }

  /**
   * Ends an action: +1 and a new current target when the current one was {@code touched}, then LAST
   * after {@code steps} actions. {@code observe} is called after the target changed (its colour shows).
   */
  TimeStep step(boolean touched, Supplier<Tensor> observe) {
    float reward = 0f;
    if (touched) {
      reward = 1f;
      current = nextTarget(current, maze.numTargets(), rng);
      distances = null;
    }
    t++;
    if (t >= steps) {
      done = true;
      return TimeStep.truncated(reward, observe.get(), Map.of());
    }
    return TimeStep.mid(reward, observe.get());
  }

  /** A target index drawn uniformly from [0, n) without {@code touched}. */
  static int nextTarget(int touched, int n, SplittableRandom rng) {
    int k = rng.nextInt(n - 1);
    return k >= touched ? k + 1 : k;
  }

  /** Every cell's grid distance to the current target (computed once per target). */
  int[] distances() {
    if (distances == null) {
      distances = maze.distancesFrom(maze.target(current));
    }
    return distances;
  }

  int current() {
    return current;
  }

  /** Actions taken in this episode. */
  int t() {
    return t;
  }

  int steps() {
    return steps;
  }

  boolean started() {
    return started;
  }

  boolean done() {
    return done;
  }
}
