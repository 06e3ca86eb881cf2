package mnemo.cli.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mnemo curves}: the learning curves of several runs in one picture. */
@Command(
    name = "curves",
    header = "Draw one metric of several runs side by side (a PNG).",
    mixinStandardHelpOptions = true,
    description = {
      "Read the metrics.csv of each run folder (from `mnemo train`, `mnemo learner` or `mnemo sweep`) and draw",
      "one metric against frames, one line per run, labelled with the folder's name or --labels. The columns",
      "are described in docs/training.md; success_rate and mean_return are the last 100 episodes'.",
      "",
      "Example: ./mnemo curves runs/aid runs/plain --metric success_rate --out aid.png"
    })
public final class CurvesCommand implements Callable<Integer> {

  @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run folders (each with a metrics.csv).")
  List<Path> runs;

  @Option(names = "--metric", defaultValue = "success_rate", paramLabel = "COLUMN",
      description = "The metrics.csv column to draw (default ${DEFAULT-VALUE}; e.g. mean_return, full_success_rate, "
          + "memory_length, loss, fps).")
  String metric;

  @Option(names = "--labels", split = ",", paramLabel = "NAME", description = "One label per run, in order "
      + "(default: each folder's name).")
  List<String> labels;

  @Option(names = "--title", paramLabel = "TEXT", description = "The picture's title (default: the metric).")
  String title;

  @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Where to write the PNG.")
  Path out;

  @Override
  public Integer call() {
    if (labels != null && labels.size() != runs.size()) {
      throw new IllegalArgumentException("--labels gives " + labels.size() + " names for " + runs.size() + " runs");
    }
    List<Path> logs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Path log = runs.get(i).resolve("metrics.csv");
      if (!Files.isRegularFile(log)) {
        throw new IllegalArgumentException(runs.get(i) + " is not a run folder: it has no metrics.csv");
      }
      logs.add(log);
      names.add(labels != null ? labels.get(i) : String.valueOf(runs.get(i).toAbsolutePath().normalize().getFileName()));
    }
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("--out " + out + ": the folder " + parent + " does not exist");
    }
    LearningCurve.overlay(logs, names, metric, out, title != null ? title : metric);
    System.out.println("wrote " + out + " (" + metric + " of " + runs.size() + " runs)");
    return 0;
  }
}
