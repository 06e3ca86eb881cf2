package mnemo.envs.tasks.maze;

import java.util.SplittableRandom;
import mnemo.envs.Environment;
import mnemo.envs.Oracle;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;

/**
 * Throwaway harness (not a test): render speed and the oracle's and random policy's mean returns.
 * {@code java -cp envs/target/classes:envs/target/test-classes mnemo.envs.tasks.maze.MazeBench [episodes [task ids...]]}
 * (speeds are printed only when no task ids are given).
 */
public final class MazeBench {
  private MazeBench() {}

  public static void main(String[] args) {
    int episodes = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    String[] ids = args.length > 1 ? java.util.Arrays.copyOfRange(args, 1, args.length)
        : new String[] {"memory-grid", "memory-grid:steps=1000", "memory-maze"};
    if (args.length <= 1) {
      renderSpeed();
    }
    TaskRegistry reg = BuiltinTasks.registry();
    for (String id : ids) {
      System.out.printf("%-28s oracle %.1f  random %.1f  (%d episodes)%n", id, mean(reg, id, true, episodes),
          mean(reg, id, false, episodes), episodes);
    }
  }

  static void renderSpeed() {
    Maze m = MazeGenerator.generate(9, 3, new SplittableRandom(1));
    RayCaster rc = new RayCaster(64, 64);
    rc.setMaze(m);
    double[] tx = new double[6];
    double[] ty = new double[6];
    for (int k = 0; k < 3; k++) {
      tx[k] = m.col(m.target(k)) + 0.5;
      ty[k] = m.row(m.target(k)) + 0.5;
    }
    byte[] out = new byte[64 * 64 * 3];
    double px = m.col(m.start) + 0.5;
    double py = m.row(m.start) + 0.5;
    for (int round = 0; round < 3; round++) {
      int n = 200_000;
      long t0 = cpu();
      for (int i = 0; i < n; i++) {
        rc.render(px, py, i * 0.01, tx, ty, 3, 0, out);
      }
      double s = (cpu() - t0) / 1e9;
      System.out.printf("RayCaster.render 64x64: %.0f frames per CPU second%n", n / s);
    }
    try (Environment env = BuiltinTasks.registry().make("memory-maze")) {
      SplittableRandom rng = new SplittableRandom(2);
      for (int round = 0; round < 2; round++) {
        env.reset(round);
        int n = 200_000;
        long t0 = cpu();
        for (int i = 0; i < n; i++) {
          if (env.step(rng.nextInt(6)).isLast()) {
            env.reset(i);
          }
        }
        double s = (cpu() - t0) / 1e9;
        System.out.printf("memory-maze env.step (random actions, incl. resets): %.0f steps per CPU second%n", n / s);
      }
    }
    try (Environment env = BuiltinTasks.registry().make("memory-grid")) {
      SplittableRandom rng = new SplittableRandom(2);
      env.reset(0);
      int n = 5_000_000;
      long t0 = cpu();
      for (int i = 0; i < n; i++) {
        if (env.step(rng.nextInt(4)).isLast()) {
          env.reset(i);
        }
      }
      double s = (cpu() - t0) / 1e9;
      System.out.printf("memory-grid env.step (random actions, incl. resets): %.0f steps per CPU second%n", n / s);
    }
  }

  /** This thread's CPU time (the machine is shared, so wall time would count other processes). */
  static long cpu() {
    return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
  }

  static double mean(TaskRegistry reg, String id, boolean oracle, int episodes) {
    double total = 0;
    SplittableRandom rng = new SplittableRandom(99);
    try (Environment env = reg.make(id)) {
      for (int e = 0; e < episodes; e++) {
        TimeStep ts = env.reset(1000 + e);
        while (!ts.isLast()) {
          int a = oracle ? ((Oracle) env).oracleAction() : rng.nextInt(env.spec().numActions());
          ts = env.step(a);
          total += ts.reward();
        }
      }
    }
    return total / episodes;
  }
}
