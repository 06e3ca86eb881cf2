package mnemo.cli.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Draws {@code curve.png} from a metrics log (mean episode return and success rate against frames), and one
 * metric of several runs side by side ({@code mnemo curves}).
 */
public final class LearningCurve {
  static {
    System.setProperty("java.awt.headless", "true");
  }

  private LearningCurve() {}

  /** The overlay's line colours, run by run (matplotlib's tab10). */
  static final java.awt.Color[] PALETTE = {
    new java.awt.Color(0x1f77b4), new java.awt.Color(0xff7f0e), new java.awt.Color(0x2ca02c),
    new java.awt.Color(0xd62728), new java.awt.Color(0x9467bd), new java.awt.Color(0x8c564b),
    new java.awt.Color(0xe377c2), new java.awt.Color(0x7f7f7f), new java.awt.Color(0xbcbd22),
    new java.awt.Color(0x17becf)};

  /** Writes the PNG; returns false (and writes nothing) while the log has no episode statistics yet. */
  public static boolean write(Path metricsCsv, Path png, String title) {
    Map<String, double[]> log = MetricsLog.read(metricsCsv);
    double[] frames = log.get("frames");
    double[] ret = log.get("mean_return");
    double[] success = log.get("success_rate");
    if (frames == null || ret == null) {
      throw new IllegalArgumentException(metricsCsv + " has no frames / mean_return columns");
    }
    XYChart chart = chartAgainstFrames(title, "mean episode return");
    chart.getStyler().setYAxisGroupPosition(1, org.knowm.xchart.style.Styler.YAxisPosition.Right);
    chart.setYAxisGroupTitle(1, "success rate");
    chart.getStyler().setYAxisMin(1, 0.0);
    chart.getStyler().setYAxisMax(1, 1.0);
    boolean any = addSeries(chart, "mean return", frames, ret, 0);
    if (success != null) {
      any |= addSeries(chart, "success rate", frames, success, 1);
    }
    if (!any) {
      return false;
    }
    save(chart, png);
    return true;
  }

  /**
   * Overlays one metric of several runs: one line per metrics log, labelled, against frames.
   *
   * @throws IllegalArgumentException when a log lacks the metric (naming the columns it has) or none has a value
   */
  public static void overlay(List<Path> metricsCsvs, List<String> labels, String metric, Path png, String title) {
    XYChart chart = chartAgainstFrames(title, metric);
    boolean any = false;
    for (int i = 0; i < metricsCsvs.size(); i++) {
      Map<String, double[]> log = MetricsLog.read(metricsCsvs.get(i));
      double[] frames = log.get("frames");
      double[] y = log.get(metric);
      if (frames == null || y == null) {
        throw new IllegalArgumentException(metricsCsvs.get(i) + " has no " + (frames == null ? "frames" : metric)
            + " column; it has " + String.join(", ", log.keySet()));
      }
      if (addSeries(chart, labels.get(i), frames, y, 0)) {
        any = true;
        chart.getSeriesMap().get(labels.get(i)).setLineColor(PALETTE[i % PALETTE.length]);
      }
    }
    if (!any) {
      throw new IllegalArgumentException("no run has a value of " + metric + " yet");
    }
    save(chart, png);
  }

  /** The 900×500 frame of both pictures: frames along x, the legend inside at the bottom right. */
  private static XYChart chartAgainstFrames(String title, String yAxisTitle) {
    XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("frames")
        .yAxisTitle(yAxisTitle).build();
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
    return chart;
  }

  private static void save(XYChart chart, Path png) {
    // temporary file, then rename: a reader (or a kill) never sees half a picture
    Path tmp = png.resolveSibling(png.getFileName() + ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
      }
      Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + png, e);
    }
  }

  private static boolean addSeries(XYChart chart, String name, double[] x, double[] y, int axis) {
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      if (!Double.isNaN(x[i]) && !Double.isNaN(y[i])) {
        xs.add(x[i]);
        ys.add(y[i]);
      }
    }
    if (xs.isEmpty()) {
      return false;
    }
    XYSeries s = chart.addSeries(name, xs, ys);
    s.setMarker(SeriesMarkers.NONE);
    s.setYAxisGroup(axis);
    return true;
  }
}
