package mnemo.envs.tasks;

import java.util.List;
import java.util.Map;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Frame;
import mnemo.envs.Oracle;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.Param;
import mnemo.envs.registry.Params;
import mnemo.envs.registry.TaskFamily;

/**
 * POPGym's RepeatPrevious (Morad et al. 2023, {@code popgym/envs/repeat_previous.py}): name the suit
 * of the card dealt k − 1 observations before the current one.
 *
 * <p>A shuffled pile of N = 52·decks cards; (decks, k) = (1, 4) / (2, 32) / (3, 64) for easy / medium /
 * hard. Reset deals card c<sub>0</sub>; step i = 1 .. N − 1 (the agent has seen c<sub>0</sub> ..
 * c<sub>i−1</sub>) scores the action against the suit of c<sub>i−k</sub> when i ≥ k (+1/(N − k) if
 * equal, else −1/(N − k); 0 for the first k − 1 steps), then deals c<sub>i</sub>. As in POPGym, k = 1
 * asks for the card on show. N − k steps are scored, so the return lies in [−1, 1]; the last step is
 * terminal. Observation and {@code is_first} as in {@link RepeatFirst}. {@code success} is 1 when every
 * scored answer was right. Oracle: return 1; random: −0.5 on average.
 */
public final class RepeatPrevious implements Environment, Oracle {
  public static final TaskFamily FAMILY = new TaskFamily(
      "popgym/repeat-previous",
      "POPGym RepeatPrevious: name the suit of the card k-1 observations back (return in [-1, 1])",
      List.of(new Param("difficulty", "easy", "easy|medium|hard: (decks, k) = (1, 4) / (2, 32) / (3, 64)"),
          new Param("decks", "auto", "number of 52-card decks (episode length 52*decks - 1); auto = from difficulty"),
          new Param("k", "auto", "how far back, as in POPGym (k = 1: the card on show); auto = from difficulty"),
          new Param("is_first", "false", "append POPGym's Antialias is-first flag to the observation")),
      RepeatPrevious::new);

  private final CardDeck deck;
  private final int k;
  private final boolean isFirstFlag;
  private final float scale;
  private final EnvSpec spec;
  private int t = -1;
  private boolean allRight;

  public RepeatPrevious(Params p) {
    String difficulty = p.getChoice("difficulty", "easy", "medium", "hard");
    int level = switch (difficulty) {
      case "easy" -> 0;
      case "medium" -> 1;
      default -> 2;
    };
    int decks = p.getString("decks").equals("auto") ? new int[] {1, 2, 3}[level] : p.getInt("decks", 1, 10_000);
    this.deck = new CardDeck(decks);
    this.k = p.getString("k").equals("auto") ? new int[] {4, 32, 64}[level] : p.getInt("k", 1, deck.size() - 1);
    if (k >= deck.size()) {
      throw new IllegalArgumentException("popgym/repeat-previous: k = " + k + " needs more than " + decks + " deck(s)");
    }
    this.isFirstFlag = p.getBoolean("is_first");
    this.scale = 1f / (deck.size() - k);
    this.spec = new EnvSpec(p.canonicalId(),
        new TensorSpec("obs", new int[] {isFirstFlag ? 5 : 4}, DType.FLOAT32, 0, 1),
        4, CardDeck.SUIT_NAMES, deck.size() - 1, List.of(TimeStep.SUCCESS));
  }

  @Override
  public EnvSpec spec() {
    return spec;
  }

  @Override
  public TimeStep reset(long seed) {
    deck.shuffle(seed);
    t = 0;
    allRight = true;
    return TimeStep.first(CardDeck.observe(deck.suit(0), isFirstFlag, true));
  }

  /** The card the next action is scored against, or -1 while fewer than k cards have been seen. */
  private int target() {
    int i = t + 1;
    return i >= k ? deck.suit(i - k) : -1;
  }

  @Override
  public TimeStep step(int action) {
    spec.checkStep(t >= 0 && t < deck.size() - 1, action);
    int target = target();
    float reward = 0f;
    if (target >= 0) {
      boolean right = action == target;
      allRight &= right;
      reward = right ? scale : -scale;
    }
    t++;
    var obs = CardDeck.observe(deck.suit(t), isFirstFlag, false);
    if (t == deck.size() - 1) {
      return TimeStep.terminal(reward, obs, Map.of(TimeStep.SUCCESS, allRight ? 1f : 0f));
    }
    return TimeStep.mid(reward, obs);
  }

  /** The suit k − 1 observations back; while nothing is scored yet, the suit on show. */
  @Override
  public int oracleAction() {
    if (t < 0) {
      throw new IllegalStateException("reset " + spec.taskId() + " before asking its oracle");
    }
    int target = target();
    return target >= 0 ? target : deck.suit(t);
  }

  @Override
  public String renderText() {
    int target = t >= 0 && t < deck.size() - 1 ? target() : -1;
    return "card " + (t + 1) + "/" + deck.size() + "  shown " + CardDeck.symbol(deck.suit(Math.max(t, 0)))
        + "  k=" + k + " answer " + (target >= 0 ? String.valueOf(CardDeck.symbol(target)) : "-");
  }

  @Override
  public Frame render() {
    int target = t >= 0 && t < deck.size() - 1 ? target() : -1;
    return CardDeck.render(deck.suit(Math.max(t, 0)), target, "K=" + k, (t + 1) + "/" + deck.size());
  }
}
