package mnemo.envs.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import mnemo.envs.EnvSpec;
import mnemo.envs.Environment;
import mnemo.envs.TimeStep;
import mnemo.envs.registry.TaskRegistry;
import mnemo.envs.render.FrameRecorder;
import mnemo.envs.render.GifWriter;
import mnemo.envs.render.StepCaption;
import mnemo.envs.render.TextRenderer;
import mnemo.envs.tasks.BuiltinTasks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutTest {
  private static final TaskRegistry REGISTRY = BuiltinTasks.registry();
  @TempDir Path dir;

  @Test
  void oneEpisodeReportsEveryStepAndItsReturn() throws Exception {
    Environment env = REGISTRY.make("memory/tmaze:length=4");
    List<RolloutStep> seen = new ArrayList<>();
    EpisodeOutcome s = Rollout.episode(env, SingleEnvPolicy.oracle(env), 3, 1, 0, seen::add);
    assertThat(s).isEqualTo(new EpisodeOutcome(1.0, 1.0, 5, true));
    assertThat(seen).hasSize(6);
    assertThat(seen.get(0).action()).isEqualTo(-1);
    assertThat(seen.get(0).timeStep().isFirst()).isTrue();
    assertThat(seen.get(5).episodeReturn()).isEqualTo(1.0);
    assertThat(seen.get(5).step()).isEqualTo(5);
  }

  @Test
  void stepsSpanEpisodesWithDerivedSeedsAndCutTheLast() throws Exception {
    Environment env = REGISTRY.make("memory/cue-recall:length=3");
    List<RolloutStep> seen = new ArrayList<>();
    List<EpisodeOutcome> eps = Rollout.steps(env, SingleEnvPolicy.random(env.spec(), 1), 9, 10, seen::add);
    assertThat(eps).extracting(EpisodeOutcome::length).containsExactly(4, 4, 2);
    assertThat(eps).extracting(EpisodeOutcome::finished).containsExactly(true, true, false);
    assertThat(eps.get(2).success()).isNaN();
    assertThat(seen).hasSize(13); // 3 resets + 10 steps
    List<RolloutStep> again = new ArrayList<>();
    Rollout.steps(env, SingleEnvPolicy.random(env.spec(), 1), 9, 10, again::add);
    assertThat(again).isEqualTo(seen);
    assertThat(Rollout.steps(env, SingleEnvPolicy.random(env.spec(), 1), 9, 0, s -> {})).hasSize(1);
  }

  @Test
  void evaluationOfOracleAndRandom() throws Exception {
    Environment env = REGISTRY.make("memory/cue-recall:length=2");
    Evaluation oracle = Evaluation.run(env, "oracle", 50, 1, n -> {});
    assertThat(oracle).isEqualTo(new Evaluation(50, 1.0, 0.0, 1.0, 3.0));
    int[] calls = {0};
    Evaluation random = Evaluation.run(env, "random", 2000, 1, n -> calls[0] = n);
    assertThat(calls[0]).isEqualTo(2000);
    assertThat(random.meanReturn()).isCloseTo(0.0, within(0.08));
    assertThat(random.stdReturn()).isCloseTo(1.0, within(0.01));
    assertThat(random.successRate()).isCloseTo((random.meanReturn() + 1) / 2, within(1e-9));
    assertThat(Evaluation.run(env, "random", 30, 4, n -> {})).isEqualTo(Evaluation.run(env, "random", 30, 4, n -> {}));
    assertThatThrownBy(() -> Evaluation.run(env, "random", 0, 1, n -> {})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void evaluationOfOneEnvironmentReplaysSeededEpisodesOneAfterAnother() throws Exception {
    Environment env = REGISTRY.make("memory/tmaze:length=3");
    Evaluation e = Evaluation.run(env, "random", 40, 7, n -> {});
    // the reference: episode k reset with Seeds.derive(7, k), one random policy over all of them
    SingleEnvPolicy p = SingleEnvPolicy.random(env.spec(), 7);
    double sum = 0;
    double success = 0;
    double length = 0;
    for (int k = 0; k < 40; k++) {
      EpisodeOutcome s = Rollout.episode(env, p, mnemo.proto.Seeds.derive(7, k), k + 1, 0, step -> {});
      sum += s.episodeReturn();
      success += s.success();
      length += s.length();
    }
    assertThat(e.meanReturn()).isEqualTo(sum / 40);
    assertThat(e.successRate()).isEqualTo(success / 40);
    assertThat(e.meanLength()).isEqualTo(length / 40);
  }

  @Test
  void evaluationSideBySidePlaysTheSameEpisodesAndRecordsTheFirst() throws Exception {
    List<Environment> envs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      envs.add(REGISTRY.make("minigrid/memory:size=7"));
    }
    BatchPolicy oracles = steps -> {
      int[] a = new int[steps.length];
      for (int i = 0; i < steps.length; i++) {
        a[i] = steps[i].isLast() ? 0 : ((mnemo.envs.Oracle) envs.get(i)).oracleAction();
      }
      return a;
    };
    List<RolloutStep> first = new ArrayList<>();
    List<Integer> progress = new ArrayList<>();
    Evaluation three = Evaluation.run(envs, oracles, 10, 5, progress::add, first::add);
    // the oracle is deterministic and episode e is seeded Seeds.derive(5, e) however many play side by side
    Evaluation one = Evaluation.run(envs.get(0), "oracle", 10, 5, n -> {});
    assertThat(three).isEqualTo(one);
    assertThat(progress).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    Environment solo = REGISTRY.make("minigrid/memory:size=7");
    List<RolloutStep> reference = new ArrayList<>();
    Rollout.episode(solo, SingleEnvPolicy.oracle(solo), mnemo.proto.Seeds.derive(5, 0), 1, 0, reference::add);
    assertThat(first).isEqualTo(reference);
  }

  @Test
  void evaluationSeparatesEpisodesThatTestedTheMemory() throws Exception {
    // T-maze L = 3: "right" always reaches the junction (tested) and never turns (fails); "left" never gets
    // there (untested); the oracle gets there and turns to the cue's side
    Environment env = REGISTRY.make("memory/tmaze:length=3");
    Evaluation right = Evaluation.run(List.of(env), BatchPolicy.of(ts -> 0), 20, 1, n -> {}, null);
    assertThat(right.testedShare()).isEqualTo(1.0);
    assertThat(right.successWhenTested()).isEqualTo(0.0);
    Evaluation left = Evaluation.run(List.of(env), BatchPolicy.of(ts -> 2), 20, 1, n -> {}, null);
    assertThat(left.testedShare()).isEqualTo(0.0);
    assertThat(left.successWhenTested()).isNaN();
    Evaluation oracle = Evaluation.run(env, "oracle", 20, 1, n -> {});
    assertThat(oracle.testedShare()).isEqualTo(1.0);
    assertThat(oracle.successWhenTested()).isEqualTo(1.0);
    assertThat(oracle.toString()).endsWith("; 100.0% tested the memory, success among them 100.0%");
    // a task that does not report it: NaN, and the text leaves it out
    Evaluation cue = Evaluation.run(REGISTRY.make("memory/cue-recall:length=2"), "oracle", 5, 1, n -> {});
    assertThat(cue.testedShare()).isNaN();
    assertThat(cue.toString()).doesNotContain("tested");
  }

  @Test
  void evaluationErrors() {
    Environment env = REGISTRY.make("memory/cue-recall:length=2");
    assertThatThrownBy(() -> Evaluation.run(List.of(env, env), steps -> new int[2], 1, 0, n -> {}, null))
        .hasMessageContaining("need 1 to 1 environments");
    assertThatThrownBy(() -> Evaluation.run(List.of(), steps -> new int[0], 1, 0, n -> {}, null))
        .hasMessageContaining("got 0");
    assertThatThrownBy(() -> Evaluation.run(List.of(env), steps -> new int[2], 1, 0, n -> {}, null))
        .hasMessageContaining("2 actions for 1 environments");
    assertThatThrownBy(() -> BatchPolicy.of(ts -> 0).act(new TimeStep[2])).hasMessageContaining("got 2 time steps");
    assertThat(new Evaluation(2, 0.5, 0, Double.NaN, 3).toString())
        .isEqualTo("2 episodes: mean return 0.500, success rate n/a, mean length 3.0");
  }

  @Test
  void policyErrors() {
    Environment noOracle = new Environment() {
      @Override
      public EnvSpec spec() {
        return REGISTRY.make("memory/cue-recall").spec();
      }

      @Override
      public TimeStep reset(long seed) {
        throw new UnsupportedOperationException();
      }

      @Override
      public TimeStep step(int action) {
        throw new UnsupportedOperationException();
      }
    };
    assertThatThrownBy(() -> SingleEnvPolicy.oracle(noOracle)).hasMessageContaining("no oracle");
    assertThatThrownBy(() -> SingleEnvPolicy.named("greedy", noOracle, 0)).hasMessageContaining("random or oracle");
  }

  @Test
  void recorderWritesOneCaptionedGifFramePerStep() throws Exception {
    Environment env = REGISTRY.make("popgym/repeat-previous");
    Path gif = dir.resolve("r.gif");
    FrameRecorder rec;
    try (GifWriter w = new GifWriter(gif, 100)) {
      rec = new FrameRecorder(env, 0, true, w);
      Rollout.steps(env, SingleEnvPolicy.oracle(env), 1, 7, rec);
    }
    assertThat(rec.frames()).isEqualTo(8);
    assertThat(rec.last().width()).isEqualTo(112 * 2); // auto scale: 320 / 112
    try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
      ImageReader reader = ImageIO.getImageReaders(in).next();
      reader.setInput(in);
      assertThat(reader.getNumImages(true)).isEqualTo(8);
      assertThat(reader.read(7).getHeight()).isEqualTo(rec.last().height());
    }
  }

  @Test
  void textRendererPrintsCaptionAndPicture() throws Exception {
    Environment env = REGISTRY.make("memory/tmaze:length=3");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TextRenderer text = new TextRenderer(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
    Rollout.episode(env, SingleEnvPolicy.oracle(env), 1, 1, 0, s -> text.print(env, StepCaption.of(s, env.spec())));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).startsWith("episode 1  step 0  action -  reward 0.00  return 0.00\n");
    assertThat(out).contains("step 1  action right").contains("step 4  action ").contains("return 1.00 success");
    assertThat(out.split("-{40}")).hasSize(5);
  }
}
