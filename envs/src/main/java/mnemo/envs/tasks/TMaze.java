package mnemo.envs.tasks;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Frame;
import mnemo.envs.Oracle;
import mnemo.envs.Tensor;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;
import mnemo.envs.registry.TrainingSettings;

/**
 * The T-maze of Bakker (2001) in the parameterised form of Ni et al. (2023), "When do transformers
 * shine in RL?" ({@code envs/tmaze.py}: TMazeClassicPassive / TMazeClassicActive).
 *
 * <pre>
 *                    g+   (y = +1)
 *   o s-------------j      x = 0 .. o+L, y = 0
 *                    g-   (y = -1)
 * </pre>
 *
 * A corridor of cells x = 0 .. o + L with the junction j at x = o + L and the two goal arms above and
 * below it. The cue cell o is x = 0; the agent starts at x = o, where o = 0 (passive: it starts on the
 * cue) or o = 1 (active: it must step back to see the cue). The goal side {@code goal_y} = ±1 is drawn
 * at reset. Actions: 0 right (+x), 1 up (+y), 2 left (-x), 3 down (-y); a move into a wall leaves the
 * agent in place.
 *
 * <p>Observation (Ni et al.'s "ambiguous position", float32 [2] in [-1, 1]): {@code [0, goal_y]} on the
 * cue cell the first time it is visited, {@code [0, 0]} there afterwards and in the corridor (x &lt; o +
 * L), {@code [1, y]} at the junction and on the arms. With {@code obs=bakker} it is Bakker's 3 bits
 * (float32 [3] in [0, 1]): {@code 011} (goal up) or {@code 110} (goal down) on the first visit of the
 * cue cell, {@code 101} in the corridor, {@code 010} at the junction and on the arms.
 *
 * <p>Episode: exactly T = o + L + 1 + o steps (passive L + 1, active L + 3: step back, return, then the
 * corridor), a finite horizon, so the last step is terminal. Reward at the last step: +1 if the agent
 * is on the arm {@code y = goal_y}, else 0 ({@code success} 1 or 0). At every earlier step t (after t
 * actions) a penalty (default -1/L) when the agent lags the optimal schedule: {@code x < t - o}. So the
 * optimal return is 1, and a policy that never moves collects about -1. The last step also reports
 * {@code tested}: 1 when the agent stands at the junction or on an arm (its memory was put to the
 * test), 0 when it lagged and never got there.
 *
 * <p>Training with the length curriculum plays shorter corridors ℓ &lt; L at L's penalty −1/L ({@code
 * TaskFamily.heldAtTarget}): at −1/ℓ, ℓ = 2 costs −0.5 per lagging step and "walk right" was learned from
 * the penalty before the junction's reward was found, so the policy never turned there.
 *
 * <p>Hint (active mode, a training aid): with probability {@code hint} an episode's first observation
 * shows the cue too (as passive mode's does); everything else is the active episode, and its LAST step
 * reports {@code aided}. Why: a policy-gradient agent on the active T-maze learns "never step back"
 * before stepping back has ever paid, since the turn is not tied to the cue until the cue is seen, and
 * then stops trying it (docs/results-rl.md). Hinted episodes tie the turn to the cue; from then on
 * stepping back to see the cue is worth 1 against ½ for guessing. The step back must still be tried:
 * the active T-maze asks the trainer for exploring starts (a quarter of the training episodes begin
 * with a random action, then follow the policy), which try it in 1 episode in 16 and judge it by the
 * policy's own way down the corridor.
 */
public final class TMaze implements Environment, Oracle {
  public static final TaskFamily FAMILY = new TaskFamily(
      "memory/tmaze",
      "T-maze (Bakker 2001; Ni et al. 2023): the goal side is shown only on the cue cell, turn to it at the junction",
      List.of(new Param("length", "10", "L, corridor length from the start to the junction (Ni et al.: passive 50..1500, active 20..500)"),
          new Param("mode", "passive", "passive: start on the cue; active: the cue is one step behind the start"),
          new Param("obs", "ni", "observation: ni ([0, ±1] cue, [0, 0] corridor, [1, y] junction) or bakker (3 bits)"),
          new Param("hint", "0", "active mode: the share of episodes whose first observation also shows the cue "
              + "(training uses 0.5 unless set: a training aid; evaluation plays the task as given)"),
          new Param("penalty", "auto", "reward each step the agent lags the optimal schedule; auto = -1/L")),
      TMaze::new).withMemoryParam("length")
      .withTrainingAids(p -> p.getChoice("mode", "passive", "active").equals("active") ? Map.of("hint", "0.5") : Map.of())
      // a curriculum's shorter corridors keep the lag penalty of L: -1/L, not -1/ℓ
      .withHeldAtTarget(p -> p.getString("penalty").equals("auto")
          ? Map.of("penalty", Float.toString(-1f / p.getInt("length", 1, 1_000_000))) : Map.of())
      .withTraining(p -> TrainingSettings.DEFAULTS.withExploringStarts(
          p.getChoice("mode", "passive", "active").equals("active") ? 0.25 : 0));

  public static final int RIGHT = 0;
  public static final int UP = 1;
  public static final int LEFT = 2;
  public static final int DOWN = 3;
  private static final int[] DX = {1, 0, -1, 0};
  private static final int[] DY = {0, 1, 0, -1};

  private final int length;
  private final int oracleLength;
  private final boolean bakker;
  private final float penalty;
  private final int episodeLength;
  private final double hintShare;
  private boolean hinted;
  private final EnvSpec spec;

  private int x;
  private int y;
  private int goalY;
  private int t = -1;
  private boolean cueSeen;
  private boolean done;

  public TMaze(Params p) {
    this.length = p.getInt("length", 1, 1_000_000);
    this.oracleLength = p.getChoice("mode", "passive", "active").equals("active") ? 1 : 0;
    this.bakker = p.getChoice("obs", "ni", "bakker").equals("bakker");
    this.hintShare = p.getDouble("hint", 0, 1);
    String pen = p.getString("penalty");
    if (pen.equals("auto")) {
      this.penalty = -1f / length; // Ni et al.: sum over the T steps of -1/T = -1
    } else {
      this.penalty = (float) p.getDouble("penalty", -Params.MAX_REWARD, Params.MAX_REWARD);
      if (!(penalty <= 0)) {
        throw new IllegalArgumentException("memory/tmaze: parameter 'penalty' must be <= 0 or auto, got '" + pen + "'");
      }
    }
    this.episodeLength = length + 2 * oracleLength + 1;
    TensorSpec obs = bakker
        ? new TensorSpec("obs", new int[] {3}, DType.FLOAT32, 0, 1)
        : new TensorSpec("obs", new int[] {2}, DType.FLOAT32, -1, 1);
    this.spec = new EnvSpec(p.canonicalId(), obs, 4, List.of("right", "up", "left", "down"), episodeLength,
        List.of(TimeStep.SUCCESS, TimeStep.TESTED));
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  private int junction() {
    return oracleLength + length;
  }

  @Override
  public TimeStep reset(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    goalY = rng.nextBoolean() ? 1 : -1;
    hinted = oracleLength > 0 && hintShare > 0 && rng.nextDouble() < hintShare;
    x = oracleLength;
    y = 0;
    t = 0;
    cueSeen = false;
    done = false;
    return TimeStep.first(observe());
  }

  @Override
  public TimeStep step(int action) {
    spec.checkStep(t >= 0, done, action);
    t++;
    int nx = x + DX[action];
    int ny = y + DY[action];
    if (open(nx, ny)) {
      x = nx;
      y = ny;
    }
    Tensor obs = observe();
    if (t >= episodeLength) {
      done = true;
      boolean success = y == goalY;
      float tested = x == junction() ? 1f : 0f; // at the junction: the turn (or none) answered the cue
      return TimeStep.terminal(success ? 1f : 0f, obs, hinted
          ? Map.of(TimeStep.SUCCESS, success ? 1f : 0f, TimeStep.TESTED, tested, TimeStep.AIDED, 1f)
          : Map.of(TimeStep.SUCCESS, success ? 1f : 0f, TimeStep.TESTED, tested));
    }
    // The lag penalty: behind the optimal schedule x = t - o.
    return TimeStep.mid(x < t - oracleLength ? penalty : 0f, obs);
  }

  /** The corridor (y = 0, x in [0, o+L]) and the two arms beside the junction. */
  private boolean open(int cx, int cy) {
    return cy == 0 ? cx >= 0 && cx <= junction() : (cy == 1 || cy == -1) && cx == junction();
  }

  private Tensor observe() {
    int cue = 0;
    if (hinted && t == 0) {
      cue = goalY; // a hinted episode's start shows the cue too
    } else if (x == 0 && !cueSeen) {
      cue = goalY; // the cue shows only on the first visit of the cue cell
      cueSeen = true;
    }
    boolean atJunction = x >= junction();
    if (bakker) {
      float[] o;
      if (cue != 0) {
        o = cue > 0 ? new float[] {0, 1, 1} : new float[] {1, 1, 0};
      } else if (atJunction) {
        o = new float[] {0, 1, 0};
      } else {
        o = new float[] {1, 0, 1};
      }
      return Tensor.ofFloats(o, 3);
    }
    return Tensor.ofFloats(atJunction ? new float[] {1, y} : new float[] {0, cue}, 2);
  }

  /**
   * Full knowledge of the goal: in active mode step back onto the cue cell first (to show it, as the
   * optimal schedule allows), then right to the junction, then onto the goal arm and stay there.
   */
  @Override
  public int oracleAction() {
    if (t < 0) {
      throw new IllegalStateException("reset " + spec.taskId() + " before asking its oracle");
    }
    if (x == junction()) {
      return goalY > 0 ? UP : DOWN; // onto the arm, or push against its end wall
    }
    if (oracleLength > 0 && !cueSeen && t == 0) {
      return LEFT;
    }
    return RIGHT;
  }

  @Override
  public String renderText() {
    int w = junction() + 1;
    StringBuilder sb = new StringBuilder();
    for (int row = 1; row >= -1; row--) {
      for (int cx = 0; cx < w; cx++) {
        char c;
        if (cx == x && row == y) {
          c = '@';
        } else if (!open(cx, row)) {
          c = ' ';
        } else if (row != 0) {
          c = row == goalY ? 'G' : '.';
        } else if (cx == 0) {
          c = goalY > 0 ? '^' : 'v';
        } else {
          c = cx == junction() ? '+' : '-';
        }
        sb.append(c);
      }
      if (row == 1) {
        sb.append("   t=").append(Math.max(t, 0)).append('/').append(episodeLength);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  /**
   * The maze seen from above: walls dark, floor light, the cue cell in the cue's colour (green up, red
   * down), the goal arm gold, the agent blue. Cells shrink for long corridors to keep the picture
   * below about 1000 pixels wide.
   */
  @Override
  public Frame render() {
    int cols = junction() + 3; // a wall column on each side
    int cell = Math.max(2, Math.min(16, 1000 / cols));
    Frame f = Frame.blank(cols * cell, 5 * cell);
    for (int row = 0; row < 5; row++) {
      for (int col = 0; col < cols; col++) {
        int cx = col - 1;
        int cy = 2 - row;
        int colour;
        if (!open(cx, cy)) {
          colour = 0x2b2b2b;
        } else if (cy != 0) {
          colour = cy == goalY ? 0xdcc13b : 0xbdbdbd;
        } else if (cx == 0) {
          colour = goalY > 0 ? 0x63aa58 : 0xaa261e;
        } else {
          colour = 0xbdbdbd;
        }
        fill(f, col * cell, row * cell, cell, cell >= 6 ? 1 : 0, colour);
        if (cx == x && cy == y) {
          fill(f, col * cell, row * cell, cell, cell >= 6 ? cell / 4 : 0, 0x3c78d8); // the agent
        }
      }
    }
    return f;
  }

  private static void fill(Frame f, int x0, int y0, int cell, int inset, int colour) {
    for (int py = y0 + inset; py < y0 + cell - inset; py++) {
      for (int px = x0 + inset; px < x0 + cell - inset; px++) {
        f.set(px, py, colour);
      }
    }
  }
}
