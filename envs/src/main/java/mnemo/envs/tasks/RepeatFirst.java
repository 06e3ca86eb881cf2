package mnemo.envs.tasks;

import java.util.List;
import mnemo.envs.Frame;
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
public final class RepeatFirst extends CardGame {
  public static final TaskFamily FAMILY = new TaskFamily(
      "popgym/repeat-first",
      "POPGym RepeatFirst: name the first card's suit at every step (return in [-1, 1])",
      List.of(new Param("difficulty", "easy", "easy|medium|hard: 1/8/16 decks, 51/415/831 steps"),
          new Param("decks", "auto", "number of 52-card decks (episode length 52*decks - 1); auto = from difficulty"),
          new Param("is_first", "false", "append POPGym's Antialias is-first flag to the observation")),
      RepeatFirst::new);

  public RepeatFirst(Params p) {
    this(p, decks(p));
  }

  private RepeatFirst(Params p, int decks) {
    super(p, decks, decks * CardDeck.CARDS_PER_DECK - 1);
  }

  private static int decks(Params p) {
    String difficulty = p.getChoice("difficulty", "easy", "medium", "hard");
    return p.getString("decks").equals("auto")
        ? switch (difficulty) {
          case "easy" -> 1;
          case "medium" -> 8;
          default -> 16;
        }
        : p.getInt("decks", 1, 10_000);
  }

  @Override
  int target() {
    return deck.suit(0);
  }

  @Override
  public String renderText() {
    return "card " + count() + "  shown " + CardDeck.symbol(deck.suit(Math.max(t, 0)))
        + "  first " + CardDeck.symbol(deck.suit(0));
  }

  @Override
  public Frame render() {
    return CardDeck.render(deck.suit(Math.max(t, 0)), deck.suit(0), "FIRST", count());
  }
}
