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
 * POPGym's RepeatFirst (Morad et al. 2023, {@code popgym/envs/repeat_first.py}): name the suit of the
 * first card at every step.
 *
 * <p>A shuffled pile of N = 52·decks cards (decks 1 / 8 / 16 for easy / medium / hard). Reset deals
 * the first card; each of the N − 1 steps scores the action against the first card's suit (+1/(N − 1)
 * if equal, else −1/(N − 1)) and deals the next card, so an episode has N − 1 = 51 / 415 / 831 steps,
 * its return lies in [−1, 1], and the last step is terminal. Observation: the dealt card's suit one-hot
 * (float32 [4], POPGym's Discrete(4) as its baselines encode it), plus with {@code is_first=true} the
 * flag of POPGym's Antialias wrapper (1 on the first observation only; float32 [5]). Actions: the 4
 * suits. {@code success} is 1 when every answer was right (return 1). Oracle: the first suit, return
 * 1; random: −0.5 on average.
 */
public final class RepeatFirst implements Environment, Oracle {
  public static final TaskFamily FAMILY = new TaskFamily(
      "popgym/repeat-first",
      "POPGym RepeatFirst: name the first card's suit at every step (return in [-1, 1])",
      List.of(new Param("difficulty", "easy", "easy|medium|hard: 1/8/16 decks, 51/415/831 steps"),
          new Param("decks", "auto", "number of 52-card decks (episode length 52*decks - 1); auto = from difficulty"),
          new Param("is_first", "false", "append POPGym's Antialias is-first flag to the observation")),
      RepeatFirst::new);

  private final CardDeck deck;
  private final boolean isFirstFlag;
  private final float scale;
  private final EnvSpec spec;
  private int t = -1;
  private boolean allRight;

  public RepeatFirst(Params p) {
    String difficulty = p.getChoice("difficulty", "easy", "medium", "hard");
    int decks = p.getString("decks").equals("auto")
        ? switch (difficulty) {
          case "easy" -> 1;
          case "medium" -> 8;
          default -> 16;
        }
        : p.getInt("decks", 1, 10_000);
    this.deck = new CardDeck(decks);
    this.isFirstFlag = p.getBoolean("is_first");
    this.scale = 1f / (deck.size() - 1);
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

  @Override
  public TimeStep step(int action) {
    spec.checkStep(t >= 0 && t < deck.size() - 1, action);
    boolean right = action == deck.suit(0);
    allRight &= right;
    float reward = right ? scale : -scale;
    t++;
    var obs = CardDeck.observe(deck.suit(t), isFirstFlag, false);
    if (t == deck.size() - 1) {
      return TimeStep.terminal(reward, obs, Map.of(TimeStep.SUCCESS, allRight ? 1f : 0f));
    }
    return TimeStep.mid(reward, obs);
  }

  @Override
  public int oracleAction() {
    if (t < 0) {
      throw new IllegalStateException("reset " + spec.taskId() + " before asking its oracle");
    }
    return deck.suit(0);
  }

  @Override
  public String renderText() {
    return "card " + (t + 1) + "/" + deck.size() + "  shown " + CardDeck.symbol(deck.suit(Math.max(t, 0)))
        + "  first " + CardDeck.symbol(deck.suit(0));
  }

  @Override
  public Frame render() {
    return CardDeck.render(deck.suit(Math.max(t, 0)), deck.suit(0), "FIRST", (t + 1) + "/" + deck.size());
  }
}
