package mnemo.envs.render;

import java.io.PrintStream;
import mnemo.envs.Environment;

/**
 * Prints an episode for terminals: for each step a caption line and the environment's {@link
 * Environment#renderText() text picture}, separated by a rule. With {@code ansi} each step redraws
 * the screen in place instead (for watching a rollout live).
 */
public final class TextRenderer {
  private final PrintStream out;
  private final boolean ansi;

  public TextRenderer(PrintStream out, boolean ansi) {
    this.out = out;
    this.ansi = ansi;
  }

  /** The text block of one step: the caption line, then the picture. */
  public static String block(Environment env, StepCaption caption) {
    String picture = env.renderText();
    return caption.line() + "\n" + picture + (picture.endsWith("\n") ? "" : "\n");
  }

  public void print(Environment env, StepCaption caption) {
    if (ansi) {
      out.print("\u001b[H\u001b[2J");
    } else if (caption.step() > 0 || caption.episode() > 1) {
      out.println("-".repeat(40));
    }
    out.print(block(env, caption));
    out.flush();
  }
}
