package mnemo.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG learning curves of synthetic-task runs (xchart). */
final class SynthPlots {

  /** One curve: rows of {step, loss, score, seconds}. */
  record Series(String name, List<double[]> rows) {}

  private SynthPlots() {}

  /** Loss (moving average over 25 updates) against updates, with the memoryless baseline. */
  static void learningCurves(Path png, String title, double baseline, List<Series> series) throws IOException {
    curves(png, title, 1, "loss", baseline, "memoryless baseline", series);
  }

  /** Score (moving average over 25 updates) against updates, with the chance level. */
  static void scoreCurves(Path png, String title, double chance, List<Series> series) throws IOException {
    curves(png, title, 2, "score", chance, "chance", series);
  }

  private static void curves(Path png, String title, int column, String what, double level, String levelName,
      List<Series> series) throws IOException {
    XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("update")
        .yAxisTitle(what + " (moving average of 25)").build();
    chart.getStyler().setMarkerSize(0);
    // round update numbers, spaced so that 4- and 5-digit labels do not run into each other
    chart.getStyler().setXAxisDecimalPattern("#").setXAxisTickMarkSpacingHint(90);
    int maxStep = 1;
    for (Series s : series) {
      int n = s.rows().size();
      if (n == 0) {
        continue;
      }
      double[] x = new double[n];
      double[] y = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += s.rows().get(i)[column];
        if (i >= 25) {
          sum -= s.rows().get(i - 25)[column];
        }
        x[i] = s.rows().get(i)[0];
        y[i] = sum / Math.min(i + 1, 25);
      }
      maxStep = Math.max(maxStep, (int) x[n - 1]);
      chart.addSeries(s.name(), x, y).setMarker(SeriesMarkers.NONE);
    }
    chart.addSeries(levelName, new double[] {1, maxStep}, new double[] {level, level})
        .setMarker(SeriesMarkers.NONE);
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
