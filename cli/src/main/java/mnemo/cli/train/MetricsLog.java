package mnemo.cli.train;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run's metrics log, {@code metrics.csv}: one row per report, a header naming the columns. A resumed
 * run appends to the existing file: its columns must match, or be the first of them (a run started by an
 * older Mnemo, before columns were added: the new ones are then left out). Missing values are written empty.
 */
public final class MetricsLog implements AutoCloseable {
  private final Path file;
  private final List<String> allowed;
  private final List<String> columns;
  private final BufferedWriter out;

  public MetricsLog(Path file, List<String> columns) {
    this.file = file;
    this.allowed = List.copyOf(columns);
    try {
      boolean exists = Files.exists(file) && Files.size(file) > 0;
      List<String> written = allowed;
      if (exists) {
        String header;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          header = r.readLine();
        }
        List<String> old = header == null ? List.of() : List.of(header.split(",", -1));
        if (old.isEmpty() || old.size() > allowed.size() || !allowed.subList(0, old.size()).equals(old)) {
          throw new IllegalStateException(file + " has columns '" + header + "', expected '"
              + String.join(",", columns) + "'");
        }
        written = old;
      }
      this.columns = written;
      out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      if (!exists) {
        out.write(String.join(",", columns));
        out.newLine();
        out.flush();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the metrics log " + file, e);
    }
  }

  public Path file() {
    return file;
  }

  /** Appends one row; keys not among the columns are refused. */
  public synchronized void append(Map<String, Double> row) {
    for (String k : row.keySet()) {
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException("unknown metrics column '" + k + "'; columns: " + allowed);
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < columns.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      Double v = row.get(columns.get(i));
      if (v != null && !v.isNaN()) {
        sb.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString(v.longValue())
            : new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString());
      }
    }
    try {
      out.write(sb.toString());
      out.newLine();
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metrics log " + file, e);
    }
  }

  /** Reads a metrics log: column name → values (NaN where empty). */
  public static Map<String, double[]> read(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        throw new IllegalArgumentException(file + " is empty");
      }
      String[] header = lines.get(0).split(",", -1);
      List<String[]> rows = new ArrayList<>();
      for (String l : lines.subList(1, lines.size())) {
        if (!l.isBlank()) {
          rows.add(l.split(",", -1));
        }
      }
      Map<String, double[]> out = new LinkedHashMap<>();
      for (int c = 0; c < header.length; c++) {
        double[] v = new double[rows.size()];
        for (int r = 0; r < rows.size(); r++) {
          String s = c < rows.get(r).length ? rows.get(r)[c] : "";
          v[r] = s.isEmpty() ? Double.NaN : Double.parseDouble(s);
        }
        out.put(header[c], v);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
