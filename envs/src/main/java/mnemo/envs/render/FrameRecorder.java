package mnemo.envs.render;

import java.io.IOException;
import mnemo.envs.Environment;
import mnemo.envs.Frame;
import mnemo.envs.rollout.Rollout;
import mnemo.envs.rollout.RolloutStep;

/**
 * A rollout listener that renders every step: the environment's frame, upscaled, with a caption strip
 * (episode, step, action, reward, return) under it, appended to a GIF when one is given. Keeps the
 * last picture (for a PNG).
 */
public final class FrameRecorder implements Rollout.Listener {
  /** Without an explicit scale, small frames are enlarged up to this many pixels on the longer side. */
  public static final int AUTO_SIDE = 320;
  private static final int CAPTION_MIN_WIDTH = 180;

  private final Environment env;
  private final GifWriter gif;
  private final boolean captions;
  private int scale;
  private Frame last;
  private int frames;

  /**
   * @param scale pixel scale, or 0 to choose one from the first frame ({@link #AUTO_SIDE})
   * @param gif where to append frames, or null to keep only the last one
   */
  public FrameRecorder(Environment env, int scale, boolean captions, GifWriter gif) {
    if (scale < 0) {
      throw new IllegalArgumentException("scale must be >= 0 (0 = automatic), got " + scale);
    }
    this.env = env;
    this.scale = scale;
    this.captions = captions;
    this.gif = gif;
  }

  @Override
  public void onStep(RolloutStep step) throws IOException {
    Frame raw = env.render();
    if (scale == 0) {
      scale = FrameImages.fitScale(raw, AUTO_SIDE);
    }
    Frame f = FrameImages.upscale(raw, scale);
    if (captions) {
      int fontScale = f.width() >= 2 * CAPTION_MIN_WIDTH + 40 ? 2 : 1;
      f = Caption.below(f, CAPTION_MIN_WIDTH * fontScale, fontScale, StepCaption.of(step, env.spec()).lines());
    }
    if (gif != null) {
      gif.write(f);
    }
    last = f;
    frames++;
  }

  /** The picture of the latest step, or null before the first. */
  public Frame last() {
    return last;
  }

  public int frames() {
    return frames;
  }
}
