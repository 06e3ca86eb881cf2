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
    update(frames, framesPerSecond, meanReturn, successRate, updates, null, 0, 0);
  }

  /**
   * Shows the latest figures; with length sampling also the success of the episodes played at the task's
   * own length ({@code fullLengthSuccess}, null to leave it out) and the curriculum's length ℓ of L
   * ({@code memoryLength} 0: no curriculum).
   */
  public void update(long frames, double framesPerSecond, double meanReturn, double successRate, long updates,
      Double fullLengthSuccess, int memoryLength, int maxLength) {
    bar.stepTo(frames);
    bar.setExtraMessage(String.format(Locale.ROOT, " | now %.0f fps | %sreturn %s | success %s%s | %d updates",
        framesPerSecond, memoryLength > 0 ? "length " + memoryLength + "/" + maxLength + " | " : "",
        Double.isNaN(meanReturn) ? "-" : String.format(Locale.ROOT, "%.3f", meanReturn), pct(successRate),
        fullLengthSuccess == null ? "" : " (at L " + pct(fullLengthSuccess) + ")", updates));
  }

  private static String pct(double rate) {
    return Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * rate);
  }

  @Override
  public void close() {
    bar.close();
  }
}
