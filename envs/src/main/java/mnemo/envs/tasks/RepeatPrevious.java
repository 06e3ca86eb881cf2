package mnemo.envs.tasks;

import java.util.List;
import mnemo.envs.Frame;
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
public final class RepeatPrevious extends CardGame {
  public static final TaskFamily FAMILY = new TaskFamily(
      "popgym/repeat-previous",
      "POPGym RepeatPrevious: name the suit of the card k-1 observations back (return in [-1, 1])",
      List.of(new Param("difficulty", "easy", "easy|medium|hard: (decks, k) = (1, 4) / (2, 32) / (3, 64)"),
          new Param("decks", "auto", "number of 52-card decks (episode length 52*decks - 1); auto = from difficulty"),
          new Param("k", "auto", "how far back, as in POPGym (k = 1: the card on show); auto = from difficulty"),
          new Param("is_first", "false", "append POPGym's Antialias is-first flag to the observation")),
      RepeatPrevious::new);

  private final int k;

  public RepeatPrevious(Params p) {
    this(p, decks(p), k(p));
  }

  private RepeatPrevious(Params p, int decks, int k) {
    super(p, decks, decks * CardDeck.CARDS_PER_DECK - k);
    this.k = k;
  }

  /** 0, 1, 2 for easy, medium, hard. */
  private static int level(Params p) {
    return switch (p.getChoice("difficulty", "easy", "medium", "hard")) {
      case "easy" -> 0;
      case "medium" -> 1;
      default -> 2;
    };
  }

  private static int decks(Params p) {
    return p.getString("decks").equals("auto") ? new int[] {1, 2, 3}[level(p)] : p.getInt("decks", 1, 10_000);
  }

  private static int k(Params p) {
    int decks = decks(p);
    int cards = decks * CardDeck.CARDS_PER_DECK;
    int k = p.getString("k").equals("auto") ? new int[] {4, 32, 64}[level(p)] : p.getInt("k", 1, cards - 1);
    if (k >= cards) {
      throw new IllegalArgumentException("popgym/repeat-previous: k = " + k + " needs more than " + decks + " deck(s)");
    }
    return k;
  }

  /** The card the next action is scored against, or -1 while fewer than k cards have been seen. */
  @Override
  int target() {
    int i = t + 1;
    return i >= k ? deck.suit(i - k) : -1;
  }

  @Override
  public String renderText() {
    int target = t >= 0 && t < deck.size() - 1 ? target() : -1;
    return "card " + count() + "  shown " + CardDeck.symbol(deck.suit(Math.max(t, 0)))
        + "  k=" + k + " answer " + (target >= 0 ? String.valueOf(CardDeck.symbol(target)) : "-");
  }

  @Override
  public Frame render() {
    int target = t >= 0 && t < deck.size() - 1 ? target() : -1;
    return CardDeck.render(deck.suit(Math.max(t, 0)), target, "K=" + k, count());
  }
}
