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

/**
 * bsuite's memory-length task (cue, delay, recall; {@code bsuite/environments/memory_chain.py}).
 *
 * <p>Observation {@code [1 - t/L, query, bits...]}, float32 of size 2 + bits, where t counts the
 * actions taken so far: the context bits (as ±1) are visible only at t = 0, the query (the index of
 * the bit asked for, 0 .. bits-1) only at t = L; the time feature counts down from 1 to 0. Each of the
 * first L actions earns 0; the action taken after seeing the query at t = L ends the episode
 * (terminal) with +1 if it equals the queried bit, else -1, and {@code success} 1 or 0. So an episode
 * has L + 1 actions, the cue must be held for L steps, and the terminal observation is {@code [0, 0,
 * 0...]}. The oracle answers the queried bit (return 1); a random policy scores 0 on average.
 *
 * <p><b>Deliberate deviations from bsuite's code</b> (same reward, same episode length L + 1, same
 * step at which the query shows): bsuite builds the observation it returns <em>before</em> advancing
 * its clock, so its first step repeats the reset observation (the context is visible twice, at t = 0
 * and t = 1), its time feature lags by one ({@code 1 - (t-1)/L}) and with L = 1 the context and query
 * show together at the reset, needing no memory at all. Here the context shows once and the cue-to-query
 * gap is exactly L, as bsuite's docstring describes ("context will only be nonzero in the first step").
 * bsuite's observation has shape [1, 2 + bits]; ours is flat. bsuite's sweeps: memory_len L = 1..100
 * with 1 bit, memory_size 1..40 bits with L = 2.
 */
public final class CueRecall implements Environment, Oracle {
  public static final TaskFamily FAMILY = new TaskFamily(
      "memory/cue-recall",
      "bsuite memory length: bits shown at t=0, a query at t=L, answer the queried bit (+1/-1)",
      List.of(new Param("length", "10", "L, steps between the cue and the query (bsuite: 1..100)"),
          new Param("bits", "1", "number of context bits shown at t=0 (bsuite: 1..40)")),
      p -> new CueRecall(p)).withMemoryParam("length");

  private final int length;
  private final int bits;
  private final EnvSpec spec;
  private final int[] context;
  private SplittableRandom rng;
  private int t = -1;
  private int query;
  private boolean done;

  public CueRecall(Params p) {
    this.length = p.getInt("length", 1, 1_000_000);
    this.bits = p.getInt("bits", 1, 1024);
    this.context = new int[bits];
    this.spec = new EnvSpec(p.canonicalId(),
        new TensorSpec("obs", new int[] {2 + bits}, DType.FLOAT32, -1, Math.max(1, bits - 1)),
        2, List.of("zero", "one"), length + 1, List.of(TimeStep.SUCCESS)); // every episode: L + 1 actions
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  @Override
  public TimeStep reset(long seed) {
    rng = new SplittableRandom(seed);
    for (int i = 0; i < bits; i++) {
      context[i] = rng.nextInt(2);
    }
    query = rng.nextInt(bits);
    t = 0;
    done = false;
    return TimeStep.first(observe());
  }

  @Override
  public TimeStep step(int action) {
    spec.checkStep(t >= 0, done, action);
    if (t < length) {
      t++;
      return TimeStep.mid(0f, observe());
    }
    done = true;
    t = length + 1; // past the query: the terminal observation is all zeros
    boolean correct = action == context[query];
    return TimeStep.terminal(correct ? 1f : -1f, observe(), Map.of(TimeStep.SUCCESS, correct ? 1f : 0f));
  }

  private Tensor observe() {
    float[] obs = new float[2 + bits];
    obs[0] = 1f - Math.min(t, length) / (float) length;
    if (t == length) {
      obs[1] = query;
    }
    if (t == 0) {
      for (int i = 0; i < bits; i++) {
        obs[2 + i] = 2 * context[i] - 1;
      }
    }
    return Tensor.ofFloats(obs, 2 + bits);
  }

  /** Any action while waiting (the queried bit), then the queried bit. */
  @Override
  public int oracleAction() {
    if (t < 0) {
      throw new IllegalStateException("reset " + spec.taskId() + " before asking its oracle");
    }
    return context[query];
  }

  @Override
  public String renderText() {
    StringBuilder sb = new StringBuilder("t=").append(Math.min(t, length)).append('/').append(length).append(" bits=");
    for (int b : context) {
      sb.append(t == 0 ? (char) ('0' + b) : '?');
    }
    if (t == length) {
      sb.append(" query=").append(query);
    }
    return sb.toString();
  }

  @Override
  public Frame render() {
    // One row of cells: the time bar, then each bit (green 1, red 0) while visible, grey otherwise.
    int cell = 16;
    int w = (bits + 2) * cell;
    Frame f = Frame.blank(w, cell * 2);
    int timePixels = (int) Math.round((1.0 - Math.min(t, length) / (double) length) * (w - 2));
    for (int x = 1; x <= timePixels; x++) {
      for (int y = cell + 4; y < 2 * cell - 4; y++) {
        f.set(x, y, 0x3c78d8);
      }
    }
    for (int i = 0; i < bits; i++) {
      int colour = t == 0 ? (context[i] == 1 ? 0x63aa58 : 0xaa261e) : 0x555555;
      if (t == length && i == query) {
        colour = 0xdcc13b;
      }
      for (int y = 2; y < cell - 2; y++) {
        for (int x = 2; x < cell - 2; x++) {
          f.set((i + 2) * cell + x, y, colour);
        }
      }
    }
    return f;
  }
}
