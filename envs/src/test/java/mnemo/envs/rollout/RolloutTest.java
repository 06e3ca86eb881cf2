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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RolloutTest {
  private static final TaskRegistry REGISTRY = TaskRegistry.builtin();
  @TempDir Path dir;

  @Test
  void oneEpisodeReportsEveryStepAndItsReturn() throws Exception {
    Environment env = REGISTRY.make("memory/tmaze:length=4");
    List<RolloutStep> seen = new ArrayList<>();
    EpisodeStats s = Rollout.episode(env, Policy.oracle(env), 3, 1, 0, seen::add);
    assertThat(s).isEqualTo(new EpisodeStats(1.0, 1.0, 5, true));
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
    List<EpisodeStats> eps = Rollout.steps(env, Policy.random(env.spec(), 1), 9, 10, seen::add);
    assertThat(eps).extracting(EpisodeStats::length).containsExactly(4, 4, 2);
    assertThat(eps).extracting(EpisodeStats::finished).containsExactly(true, true, false);
    assertThat(eps.get(2).success()).isNaN();
    assertThat(seen).hasSize(13); // 3 resets + 10 steps
    List<RolloutStep> again = new ArrayList<>();
    Rollout.steps(env, Policy.random(env.spec(), 1), 9, 10, again::add);
    assertThat(again).isEqualTo(seen);
    assertThat(Rollout.steps(env, Policy.random(env.spec(), 1), 9, 0, s -> {})).hasSize(1);
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
    assertThatThrownBy(() -> Policy.oracle(noOracle)).hasMessageContaining("no oracle");
    assertThatThrownBy(() -> Policy.named("greedy", noOracle, 0)).hasMessageContaining("random or oracle");
  }

  @Test
  void recorderWritesOneCaptionedGifFramePerStep() throws Exception {
    Environment env = REGISTRY.make("popgym/repeat-previous");
    Path gif = dir.resolve("r.gif");
    FrameRecorder rec;
    try (GifWriter w = new GifWriter(gif, 100)) {
      rec = new FrameRecorder(env, 0, true, w);
      Rollout.steps(env, Policy.oracle(env), 1, 7, rec);
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
    Rollout.episode(env, Policy.oracle(env), 1, 1, 0, s -> text.print(env, StepCaption.of(s, env.spec())));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).startsWith("episode 1  step 0  action -  reward 0.00  return 0.00\n");
    assertThat(out).contains("step 1  action right").contains("step 4  action ").contains("return 1.00 success");
    assertThat(out.split("-{40}")).hasSize(5);
  }
}
