package mnemo.transport;

/**
 * Text a client sent (an actor name, an actor id, a task id) made safe to log or to echo in a status:
 * at most {@link #MAX_CHARS} characters, control and non-ASCII characters escaped, and the number of
 * characters left out said. A client can send megabytes of text; the server's log and the status a
 * client reads stay a line.
 */
public final class ClientText {
  /** Characters of client text kept in a log line or a status message. */
  public static final int MAX_CHARS = 80;

  private ClientText() {}

  /** {@code text} quoted, bounded and escaped, e.g. {@code 'actor-3'} or {@code 'xxxx…' (+99920 chars)}. */
  public static String quote(String text) {
    if (text == null) {
      return "null";
    }
    int keep = Math.min(text.length(), MAX_CHARS);
    StringBuilder b = new StringBuilder(keep + 24).append('\'');
    for (int i = 0; i < keep; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '\'' && c != '\\') {
        b.append(c);
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    b.append(keep < text.length() ? "…'" : "'");
    if (keep < text.length()) {
      b.append(" (+").append(text.length() - keep).append(" chars)");
    }
    return b.toString();
  }
}
