package mnemo.cli.train;

import java.util.Locale;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The training progress bar: frames out of the budget, frames/s, mean return and success rate of the
 * recent episodes. On a terminal it redraws in place; otherwise (logs, CI) it prints a line every few
 * seconds.
 */
public final class ProgressView implements AutoCloseable {
  private final ProgressBar bar;

  public ProgressView(long totalFrames, long startFrames) {
    ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("train").setInitialMax(totalFrames)
        .setStyle(ProgressBarStyle.ASCII).setUnit(" frames", 1).showSpeed().setMaxRenderedLength(140)
        .startsFrom(startFrames, java.time.Duration.ZERO);
    if (System.console() == null) {
      b.setConsumer(new DelegatingProgressBarConsumer(System.err::println, 140)).setUpdateIntervalMillis(10_000);
    } else {
      b.setUpdateIntervalMillis(500);
    }
    bar = b.build();
  }

  /** Shows the latest figures. */
  public void update(long frames, double framesPerSecond, double meanReturn, double successRate, long updates) {
    bar.stepTo(frames);
    bar.setExtraMessage(String.format(Locale.ROOT, " | now %.0f fps | return %s | success %s | %d updates", framesPerSecond,
        Double.isNaN(meanReturn) ? "-" : String.format(Locale.ROOT, "%.3f", meanReturn),
        Double.isNaN(successRate) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * successRate), updates));
  }

  @Override
  public void close() {
    bar.close();
  }
}
