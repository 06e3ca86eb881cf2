package mnemo.envs.tasks;

import java.util.List;
import java.util.SplittableRandom;
import mnemo.envs.Frame;
import mnemo.envs.Tensor;
import mnemo.envs.render.BitmapFont;

/**
 * The shuffled multi-deck of POPGym's card games ({@code popgym/core/deck.py}), reduced to what
 * RepeatFirst and RepeatPrevious look at: the suit of each card in dealing order. {@code decks} decks
 * of 52 cards hold exactly 13·decks cards of each suit; a seed fixes the order.
 */
final class CardDeck {
  /** POPGym's suit order (SUITS = s, d, c, h), which is also the action order. */
  static final List<String> SUIT_NAMES = List.of("spades", "diamonds", "clubs", "hearts");
  private static final char[] SYMBOLS = {'\u2660', '\u2666', '\u2663', '\u2665'};
  static final int SUITS = 4;
  static final int CARDS_PER_DECK = 52;

  private final int[] suits;

  CardDeck(int decks) {
    this.suits = new int[decks * CARDS_PER_DECK];
  }

  int size() {
    return suits.length;
  }

  /** Shuffles (Fisher–Yates) the cards j = 0 .. size-1, card j having suit j mod 4. */
  void shuffle(long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    for (int j = 0; j < suits.length; j++) {
      suits[j] = j % SUITS;
    }
    for (int j = suits.length - 1; j > 0; j--) {
      int r = rng.nextInt(j + 1);
      int tmp = suits[j];
      suits[j] = suits[r];
      suits[r] = tmp;
    }
  }

  /** The suit of the i-th card dealt (0 = the card dealt at reset). */
  int suit(int i) {
    return suits[i];
  }

  static char symbol(int suit) {
    return SYMBOLS[suit];
  }

  /** One-hot suit, plus POPGym's Antialias flag (1 on the first observation) when {@code isFirstFlag}. */
  static Tensor observe(int suit, boolean isFirstFlag, boolean first) {
    float[] o = new float[isFirstFlag ? SUITS + 1 : SUITS];
    o[suit] = 1f;
    if (isFirstFlag && first) {
      o[SUITS] = 1f;
    }
    return Tensor.ofFloats(o, o.length);
  }

  /**
   * A picture of two cards: the one just dealt (left, large) and the one the agent must name (right,
   * framed in gold), with a caption over the right card and the dealing count along the bottom.
   */
  static Frame render(int shown, int target, String targetLabel, String count) {
    Frame f = Frame.blank(112, 64);
    fill(f, 0, 0, 112, 64, 0x1f6b3a); // card-table green
    card(f, 6, 6, 44, 48, shown, 5, 0xffffff);
    BitmapFont.draw(f, 62, 4, targetLabel, 0xffffff, 1);
    if (target >= 0) {
      card(f, 62, 14, 30, 36, target, 3, 0xdcc13b);
    }
    BitmapFont.draw(f, 62, 55, count, 0xffffff, 1);
    return f;
  }

  private static void card(Frame f, int x, int y, int w, int h, int suit, int scale, int border) {
    fill(f, x, y, w, h, border);
    fill(f, x + 2, y + 2, w - 4, h - 4, 0xf5f5f5);
    int colour = suit == 1 || suit == 3 ? 0xc62828 : 0x111111;
    String s = String.valueOf(symbol(suit));
    BitmapFont.draw(f, x + (w - BitmapFont.width(s, scale)) / 2, y + (h - BitmapFont.height(scale)) / 2, s, colour, scale);
  }

  private static void fill(Frame f, int x0, int y0, int w, int h, int rgb) {
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        f.set(x, y, rgb);
      }
    }
  }
}
