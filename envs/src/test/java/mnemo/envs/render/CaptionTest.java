package mnemo.envs.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import mnemo.envs.Frame;
import mnemo.envs.Tensor;
import mnemo.envs.TimeStep;
import org.junit.jupiter.api.Test;

class CaptionTest {

  private static String ascii(Frame f, int x0, int y0, int w, int h) {
    StringBuilder sb = new StringBuilder();
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        sb.append(f.rgbAt(x, y) == 0xffffff ? '#' : '.');
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  @Test
  void glyphsAreDrawnPixelForPixel() {
    Frame f = Frame.blank(12, 7);
    BitmapFont.draw(f, 0, 0, "T1", 0xffffff, 1);
    assertThat(ascii(f, 0, 0, 12, 7)).isEqualTo("""
        #####...#...
        ..#....##...
        ..#.....#...
        ..#.....#...
        ..#.....#...
        ..#.....#...
        ..#....###..
        """);
    Frame big = Frame.blank(10, 14);
    BitmapFont.draw(big, 0, 0, "l", 0xffffff, 2); // lower case drawn as upper case L
    assertThat(ascii(big, 0, 12, 10, 2)).isEqualTo("##########\n##########\n");
    assertThat(ascii(big, 2, 0, 8, 12)).doesNotContain("#");
  }

  @Test
  void fontMetricsUnknownCharactersAndClipping() {
    assertThat(BitmapFont.width("AB", 1)).isEqualTo(11);
    assertThat(BitmapFont.width("", 3)).isZero();
    assertThat(BitmapFont.height(2)).isEqualTo(14);
    assertThat(BitmapFont.covers('q')).isTrue();
    assertThat(BitmapFont.covers('\u2665')).isTrue();
    assertThat(BitmapFont.covers('~')).isFalse();
    Frame a = Frame.blank(5, 7);
    Frame b = Frame.blank(5, 7);
    BitmapFont.draw(a, 0, 0, "~", 0xffffff, 1);
    BitmapFont.draw(b, 0, 0, "?", 0xffffff, 1);
    assertThat(a.rgb()).isEqualTo(b.rgb());
    BitmapFont.draw(Frame.blank(3, 3), -2, -2, "WWW", 0xffffff, 2); // clipped, no exception
    assertThatThrownBy(() -> BitmapFont.draw(a, 0, 0, "A", 0, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void captionStripSitsUnderTheCentredFrame() {
    Frame f = Frame.blank(10, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 10; x++) {
        f.set(x, y, 0x123456);
      }
    }
    Frame c = Caption.below(f, 40, 1, List.of("AB", "C"));
    assertThat(c.width()).isEqualTo(40);
    assertThat(c.height()).isEqualTo(4 + Caption.stripHeight(2, 1));
    assertThat(c.rgbAt(15, 0)).isEqualTo(0x123456);
    assertThat(c.rgbAt(14, 0)).isNotEqualTo(0x123456);
    assertThat(c.rgbAt(25, 3)).isNotEqualTo(0x123456);
    // 'A' starts with .###. in the strip's first text row
    int y = 4 + 3;
    assertThat(c.rgbAt(3, y)).isNotEqualTo(c.rgbAt(4, y));
    assertThat(Caption.below(Frame.blank(50, 2), 40, 1, List.of()).width()).isEqualTo(50);
  }

  @Test
  void stepCaptionTexts() {
    TimeStep last = TimeStep.terminal(1f, Tensor.ofFloats(new float[] {0}, 1), Map.of(TimeStep.SUCCESS, 1f));
    StepCaption c = new StepCaption(2, 11, "up", 1f, 0.5, last);
    assertThat(c.lines()).containsExactly("EP 2 STEP 11 up", "R 1.00 RET 0.50 SUCCESS");
    assertThat(c.line()).isEqualTo("episode 2  step 11  action up  reward 1.00  return 0.50 success");
    TimeStep first = TimeStep.first(Tensor.ofFloats(new float[] {0}, 1));
    assertThat(new StepCaption(1, 0, null, 0f, 0, first).lines()).containsExactly("EP 1 STEP 0", "R 0.00 RET 0.00");
    TimeStep cut = TimeStep.truncated(0f, Tensor.ofFloats(new float[] {0}, 1), Map.of());
    assertThat(new StepCaption(1, 5, "a", 0f, 250, cut).line()).endsWith("return 250 time");
  }
}
