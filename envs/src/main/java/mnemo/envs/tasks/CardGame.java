package mnemo.envs.tasks;

import java.util.List;
import java.util.Map;
import mnemo.envs.DType;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.Oracle;
import mnemo.envs.TensorSpec;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.Params;

/**
 * The episode of POPGym's suit-naming card games ({@link RepeatFirst}, {@link RepeatPrevious}): reset
 * deals card c<sub>0</sub> of a shuffled {@link CardDeck} of N cards; step i = 1 .. N − 1 scores the
 * action against the game's {@link #target} suit (+1/S if equal, else −1/S, S the number of scored
 * steps; 0 when nothing is scored yet), then deals c<sub>i</sub>; the last step is terminal with {@code
 * success} 1 when every scored answer was right. Observation: the dealt card's suit one-hot, plus with
 * {@code is_first=true} POPGym's Antialias flag. Oracle: the target, or the suit on show while nothing
 * is scored.
 */
abstract class CardGame implements Environment, Oracle {
  final CardDeck deck;
  private final boolean isFirstFlag;
  private final float scale;
  private final EnvSpec spec;
  /** Cards dealt so far minus one: 0 after reset, N − 1 when the episode is over; −1 before a reset. */
  int t = -1;
  private boolean allRight;

  /** @param scored S, the number of scored steps */
  CardGame(Params p, int decks, int scored) {
    this.deck = new CardDeck(decks);
    this.isFirstFlag = p.getBoolean("is_first");
    this.scale = 1f / scored;
    this.spec = new EnvSpec(p.canonicalId(),
        new TensorSpec("obs", new int[] {isFirstFlag ? 5 : 4}, DType.FLOAT32, 0, 1),
        4, CardDeck.SUIT_NAMES, deck.size() - 1, List.of(TimeStep.SUCCESS));
  }

  /** The suit the next action is scored against, or -1 when it is not scored. */
  abstract int target();

  @Override
  public final EnvSpec spec() {
    return spec;
  }

  @Override
  public final TimeStep reset(long seed) {
    deck.shuffle(seed);
    t = 0;
    allRight = true;
    return TimeStep.first(CardDeck.observe(deck.suit(0), isFirstFlag, true));
  }

  @Override
  public final TimeStep step(int action) {
    spec.checkStep(t >= 0, t >= deck.size() - 1, action);
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

  @Override
  public final int oracleAction() {
    if (t < 0) {
      throw new IllegalStateException("reset " + spec.taskId() + " before asking its oracle");
    }
    int target = target();
    return target >= 0 ? target : deck.suit(t);
  }

  /** The counter under the cards: "dealt/N". */
  final String count() {
    return (t + 1) + "/" + deck.size();
  }
}
