package mnemo.envs.grid;

/**
 * Text pictures of a {@link World}, two characters a cell as MiniGrid's {@code __str__}: the
 * object's letter and the colour's initial ({@code WG} a grey wall, {@code KY} a yellow key,
 * {@code LR} a locked red door, {@code __} an open door, spaces for empty), the agent as
 * {@code >>}, {@code VV}, {@code <<} or {@code ^^}. Mnemo's apples are {@code aa} and squares
 * {@code S} plus colour.
 */
public final class GridText {
  private GridText() {}

  private static final char[] OBJECT_LETTER = {'?', ' ', 'W', 'F', 'D', 'K', 'A', 'B', 'G', 'V', '@', 'a', 'S'};
  private static final char[] AGENT = {'>', 'V', '<', '^'};

  public static String render(World world) {
    Grid g = world.grid();
    StringBuilder sb = new StringBuilder((g.width() * 2 + 1) * g.height());
    for (int y = 0; y < g.height(); y++) {
      for (int x = 0; x < g.width(); x++) {
        if (x == world.x() && y == world.y()) {
          char a = AGENT[world.dir()];
          sb.append(a).append(a);
          continue;
        }
        int obj = g.object(x, y);
        char colour = Character.toUpperCase(Cell.colorName(g.color(x, y)).charAt(0));
        switch (obj) {
          case Cell.EMPTY -> sb.append("  ");
          case Cell.APPLE -> sb.append("aa");
          case Cell.DOOR -> {
            int st = g.state(x, y);
            sb.append(st == Cell.OPEN ? "__" : (st == Cell.LOCKED ? "L" : "D") + colour);
          }
          default -> sb.append(OBJECT_LETTER[obj]).append(colour);
        }
      }
      sb.append('\n');
    }
    return sb.toString();
  }
}
