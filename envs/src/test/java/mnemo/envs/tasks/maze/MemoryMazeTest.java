package mnemo.envs.tasks.maze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.function.ToIntFunction;
import mnemo.envs.Tensor;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.envs.tasks.GridEpisodes;
import org.junit.jupiter.api.Test;

class MemoryMazeTest {
  private static final TaskRegistry REG = BuiltinTasks.registry();

  /** A corridor along row 3 with targets 0 at its east end and 1 at its west end. */
  private static final String[] CORRIDOR = {
      "#######",
      "#######",
      "#######",
      "#1...0#",
      "#######",
      "#######",
      "#######"};

  /** An open 5x5 room. */
  private static final String[] ROOM = {
      "#######",
      "#0....#",
      "#.....#",
      "#.....#",
      "#.....#",
      "#....1#",
      "#######"};

  private static MemoryMaze make(String params) {
    MemoryMaze env = (MemoryMaze) REG.make("memory-maze" + (params.isEmpty() ? "" : ":" + params));
    env.reset(0);
    return env;
  }

  private static int pixel(Tensor obs, int x, int y) {
    int i = (y * 64 + x) * 3;
    byte[] b = obs.bytes();
    return (b[i] & 0xff) << 16 | (b[i + 1] & 0xff) << 8 | (b[i + 2] & 0xff);
  }

  @Test
  void publishedDefaults() {
    MemoryMaze env = make("");
    assertThat(env.spec().taskId()).isEqualTo("memory-maze:size=9,steps=auto,targets=auto");
    assertThat(env.spec().observation().shape()).containsExactly(64, 64, 3);
    assertThat(env.spec().actionNames())
        .containsExactly("noop", "forward", "left", "right", "forward_left", "forward_right");
    assertThat(env.spec().maxEpisodeSteps()).isEqualTo(1000);
    assertThat(env.maze().numTargets()).isEqualTo(3);
    assertThat(REG.make("memory-maze:size=11").spec().maxEpisodeSteps()).isEqualTo(2000);
    assertThat(REG.make("memory-maze:size=13").spec().maxEpisodeSteps()).isEqualTo(3000);
    assertThat(REG.make("memory-maze:size=15").spec().maxEpisodeSteps()).isEqualTo(4000);
  }

  @Test
  void touchingTheTargetEarnsOneExactlyWhenWithinTheRadius() {
    MemoryMaze env = make("");
    Maze m = HandMaze.of(CORRIDOR);
    env.place(m, 1.5, 3.5, 0, 0); // facing east toward target 0 at (5.5, 3.5)
    // Forward moves 0.33 a step: x = 1.5 + 0.33 k first comes within 0.4 of 5.5 at k = 11 (5.13).
    for (int k = 1; k <= 11; k++) {
      TimeStep ts = env.step(1);
      assertThat(env.x()).isCloseTo(1.5 + MemoryMaze.SPEED * k, within(1e-9));
      assertThat(ts.reward()).as("step %d", k).isEqualTo(k == 11 ? 1f : 0f);
    }
    assertThat(env.currentTarget()).isEqualTo(1);
    // Standing on the old target is no longer rewarded.
    assertThat(env.step(0).reward()).isZero();
  }

  @Test
  void wallsStopTheAgentAtItsRadius() {
    MemoryMaze env = make("");
    env.place(HandMaze.of(CORRIDOR), 1.5, 3.5, 0, 1);
    for (int k = 0; k < 30; k++) {
      env.step(1);
    }
    assertThat(env.x()).isCloseTo(6 - MemoryMaze.AGENT_RADIUS, within(1e-6));
    assertThat(env.y()).isEqualTo(3.5);
    // Facing north in a corridor one cell wide: no move at all.
    env.place(HandMaze.of(CORRIDOR), 3.5, 3.5, -Math.PI / 2, 1);
    env.step(1);
    assertThat(env.y()).isCloseTo(3 + MemoryMaze.AGENT_RADIUS, within(1e-6));
    env.step(1);
    assertThat(env.y()).isCloseTo(3 + MemoryMaze.AGENT_RADIUS, within(1e-6));
    assertThat(env.x()).isEqualTo(3.5);
  }

  @Test
  void movingDiagonallyIntoAWallSlidesAlongIt() {
    MemoryMaze env = make("");
    env.place(HandMaze.of(ROOM), 2.5, 4.5, Math.PI / 4, 0); // heading south-east
    double lastX = env.x();
    boolean slid = false;
    for (int k = 0; k < 20; k++) {
      env.step(1);
      assertThat(env.y()).isLessThanOrEqualTo(6 - MemoryMaze.AGENT_RADIUS);
      if (env.y() >= 6 - MemoryMaze.AGENT_RADIUS - 1e-6 && env.x() > lastX + 0.2) {
        slid = true; // pressed against the south wall, still moving east
      }
      lastX = env.x();
    }
    assertThat(slid).isTrue();
    assertThat(env.x()).isCloseTo(6 - MemoryMaze.AGENT_RADIUS, within(1e-6)); // ends in the corner
  }

  @Test
  void turnsAreAnEighthOfAHalfTurn() {
    MemoryMaze env = make("");
    env.place(HandMaze.of(ROOM), 3.5, 3.5, 0, 0);
    env.step(3);
    assertThat(env.heading()).isCloseTo(Math.PI / 8, within(1e-9));
    env.step(2);
    env.step(2);
    assertThat(env.heading()).isCloseTo(2 * Math.PI - Math.PI / 8, within(1e-9));
    env.step(5); // forward+right: turn back to 0, then move east
    assertThat(env.heading()).isCloseTo(0, within(1e-9));
    assertThat(env.x()).isCloseTo(3.5 + MemoryMaze.SPEED, within(1e-9));
  }

  @Test
  void wallHeightFollowsThePerspectiveFormula() {
    RayCaster rc = new RayCaster(64, 64);
    rc.setMaze(HandMaze.of(CORRIDOR));
    double[] none = new double[6];
    // Facing east at perpendicular distance p from the wall at x = 6, the wall's top edge is at row
    // 32 - f (h - e) / p with f = 32 / tan(40°) = 38.14: p = 1.5 -> 19.29, so rows 19..31 of the
    // centre column above the horizon are wall; p = 2.5 -> 24.37, rows 24..31.
    assertThat(wallRowsAboveHorizon(rc, 4.5, none)).isEqualTo(13);
    assertThat(wallRowsAboveHorizon(rc, 3.5, none)).isEqualTo(8);
  }

  private static int wallRowsAboveHorizon(RayCaster rc, double x, double[] none) {
    byte[] out = new byte[64 * 64 * 3];
    rc.render(x, 3.5, 0, none, none, 0, -1, out);
    Tensor t = Tensor.ofBytes(out, 64, 64, 3);
    int rows = 0;
    for (int y = 0; y < 32; y++) {
      rows += pixel(t, 32, y) != rc.sky[y] ? 1 : 0;
    }
    return rows;
  }

  @Test
  void targetsAreHiddenBehindWallsAndVisibleInFront() {
    RayCaster rc = new RayCaster(64, 64);
    rc.setMaze(HandMaze.of(ROOM));
    double[] tx = {4.5, 0, 0, 0, 0, 0};
    double[] ty = {3.5, 0, 0, 0, 0, 0};
    assertThat(reddish(rc, 1.5, 3.5, tx, ty)).isGreaterThan(10); // red sphere 3 cells ahead
    tx[0] = 7.5; // beyond the east wall (outside the room)
    assertThat(reddish(rc, 1.5, 3.5, tx, ty)).isZero();
  }

  private static int reddish(RayCaster rc, double x, double y, double[] tx, double[] ty) {
    byte[] out = new byte[64 * 64 * 3];
    rc.render(x, y, 0, tx, ty, 1, -1, out);
    int n = 0;
    for (int i = 0; i < out.length; i += 3) {
      int r = out[i] & 0xff;
      int g = out[i + 1] & 0xff;
      int b = out[i + 2] & 0xff;
      n += r > g + 50 && r > b + 50 ? 1 : 0;
    }
    return n;
  }

  @Test
  void borderIsTheCurrentTargetColourThroughAnEpisode() {
    MemoryMaze env = (MemoryMaze) REG.make("memory-maze:steps=300");
    TimeStep ts = env.reset(7);
    int rewards = 0;
    while (true) {
      env.spec().observation().check(ts.observation());
      int want = TargetColors.rgb(env.currentTarget());
      for (int i = 0; i < 64; i++) {
        for (int b = 0; b < RayCaster.BORDER; b++) {
          assertThat(pixel(ts.observation(), i, b)).isEqualTo(want);
          assertThat(pixel(ts.observation(), i, 63 - b)).isEqualTo(want);
          assertThat(pixel(ts.observation(), b, i)).isEqualTo(want);
          assertThat(pixel(ts.observation(), 63 - b, i)).isEqualTo(want);
        }
      }
      if (ts.isLast()) {
        break;
      }
      int before = env.currentTarget();
      double tx = env.maze().col(env.maze().target(before)) + 0.5;
      double ty = env.maze().row(env.maze().target(before)) + 0.5;
      ts = env.step(env.oracleAction());
      boolean touching = Math.hypot(env.x() - tx, env.y() - ty) <= MemoryMaze.TOUCH_RADIUS;
      assertThat(ts.reward()).isEqualTo(touching ? 1f : 0f);
      if (touching) {
        rewards++;
        assertThat(env.currentTarget()).isNotEqualTo(before);
      }
    }
    assertThat(rewards).isGreaterThan(3);
  }

  @Test
  void truncatedWithDiscountOneAtSteps() {
    MemoryMaze env = (MemoryMaze) REG.make("memory-maze:steps=5");
    TimeStep ts = env.reset(1);
    for (int i = 1; i <= 5; i++) {
      ts = env.step(i % 6);
      assertThat(ts.isLast()).isEqualTo(i == 5);
    }
    assertThat(ts.isTruncated()).isTrue();
    assertThat(ts.discount()).isEqualTo(1f);
    assertThatThrownBy(() -> env.step(0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void errorsAreReported() {
    MemoryMaze fresh = (MemoryMaze) REG.make("memory-maze");
    assertThatThrownBy(() -> fresh.step(0)).isInstanceOf(IllegalStateException.class);
    fresh.reset(0);
    assertThatThrownBy(() -> fresh.step(6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> REG.make("memory-maze:size=8")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> REG.make("memory-maze:targets=9")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RayCaster(64, 64).render(0, 0, 0, null, null, 0, 0, new byte[10]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs 12288");
  }

  @Test
  void sameSeedSameEpisode() {
    assertThat(trace(5)).isEqualTo(trace(5)).isNotEqualTo(trace(6));
  }

  private static List<Object> trace(long seed) {
    return GridEpisodes.trace(REG.make("memory-maze:steps=60"), seed, 3);
  }

  @Test
  void oracleCollectsManyTargetsAndBeatsRandom() {
    double oracle = 0;
    double random = 0;
    MemoryMaze env = (MemoryMaze) REG.make("memory-maze");
    ToIntFunction<TimeStep> randomPolicy = GridEpisodes.random(env, 4);
    for (long seed = 0; seed < 3; seed++) {
      oracle += GridEpisodes.episodeReturn(GridEpisodes.play(env, seed, GridEpisodes.oracle(env)));
      random += GridEpisodes.episodeReturn(GridEpisodes.play(env, seed, randomPolicy));
    }
    assertThat(oracle / 3).isGreaterThan(25);
    assertThat(random / 3).isLessThan(oracle / 3 / 5);
  }

  @Test
  void oracleNeverGetsStuckOnCorners() {
    MemoryMaze env = (MemoryMaze) REG.make("memory-maze:size=15,steps=1500");
    for (long seed = 0; seed < 8; seed++) {
      TimeStep ts = env.reset(seed);
      int since = 0;
      int worst = 0;
      while (!ts.isLast()) {
        ts = env.step(env.oracleAction());
        since = ts.reward() > 0 ? 0 : since + 1;
        worst = Math.max(worst, since);
      }
      // The longest shortest path in a 15x15 maze is well under 100 cells, 4 steps a cell at most.
      assertThat(worst).as("seed %d", seed).isLessThan(400);
    }
  }

  @Test
  void picturesForPeople() {
    MemoryMaze env = make("");
    assertThat(env.render().width()).isEqualTo(512);
    assertThat(env.render().height()).isEqualTo(256);
    assertThat(env.renderText()).contains("target=").contains("#");
  }
}
