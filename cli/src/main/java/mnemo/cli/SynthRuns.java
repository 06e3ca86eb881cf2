package mnemo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import mnemo.agent.core.CoreSpec;

/** Naming and reading of synthetic-task runs. */
final class SynthRuns {

  private SynthRuns() {}

  /**
   * The full core spec of a run: {@code hidden} unless the spec sets one, and for chrono cores
   * T_max = the task's sequence length unless the spec sets it.
   */
  static String coreSpec(String core, int hidden, String task, int length) {
    String s = core;
    String sep = s.contains(":") ? "," : ":";
    if (!s.contains("hidden=")) {
      s += sep + "hidden=" + hidden;
      sep = ",";
    }
    CoreSpec parsed = CoreSpec.parse(s);
    if (parsed.main() == CoreSpec.MainGate.CHRONO && !s.contains("tmax=")) {
      int t = task.equals("copy") ? length + 20 : length;
      s += sep + "tmax=" + t;
    }
    CoreSpec.parse(s);
    return s;
  }

  /** A file-name-safe stem for a core and seed, e.g. {@code c-lstm_tmax=120-s1}. */
  static String stem(String core, long seed) {
    return core.replace(':', '_').replace(',', '_') + "-s" + seed;
  }

  /** The rows {step, loss, score, seconds} of a finished run's CSV, or null if it is absent. */
  static List<double[]> readCsv(Path csv) throws IOException {
    if (!Files.exists(csv)) {
      return null;
    }
    List<double[]> rows = new ArrayList<>();
    for (String line : Files.readAllLines(csv)) {
      if (line.isBlank() || line.startsWith("step")) {
        continue;
      }
      String[] p = line.split(",");
      rows.add(new double[] {Double.parseDouble(p[0]), Double.parseDouble(p[1]), Double.parseDouble(p[2]),
          Double.parseDouble(p[3])});
    }
    return rows;
  }
}
