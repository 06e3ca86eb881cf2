package mnemo.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import mnemo.agent.synth.ImageDatasets;
import mnemo.agent.synth.ImageSet;
import mnemo.agent.synth.SeqImageTask;
import mnemo.agent.synth.SynthConfig;
import mnemo.agent.synth.SynthTrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mnemo synth seq-image}: the paper's sequential (sMNIST) and permuted (pMNIST) image classification. */
@Command(name = "seq-image",
    header = "Sequential (and permuted) image classification, one pixel per step.",
    mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Sequential image classification: read each 28x28 image one pixel per step (T = 784), in order or",
      "in one fixed permutation (--permute, the paper's pMNIST), and classify it from a linear readout of the",
      "last state. Prints the accuracy on the whole test set; writes a CSV per update, a PNG curve and a",
      "line in results.csv. Data: Debian's dataset-fashion-mnist, or --data DIR with the four IDX files."})
final class SynthSeqImageCommand implements Callable<Integer> {

  static final String RESULTS_HEADER = "task,core,steps,batch,lr,clip,seed,train_images,test_images,"
      + "train_accuracy_last50,test_accuracy,train_seconds";

  @Option(names = "--dataset", defaultValue = "fashion-mnist",
      description = "fashion-mnist (Debian's dataset-fashion-mnist) or mnist (needs --data) (default ${DEFAULT-VALUE}).")
  String dataset;

  @Option(names = "--data", paramLabel = "DIR",
      description = "Folder of the IDX files (train-images-idx3-ubyte[.gz] and the other three); default: where "
          + "the Debian package puts them (" + "/usr/share/datasets/fashion-mnist).")
  Path data;

  @Option(names = "--permute", description = "Read the pixels in the fixed random order of the permuted task.")
  boolean permute;

  @Option(names = "--train-images", defaultValue = "0", paramLabel = "N",
      description = "Train on the first N training images only (default: all).")
  int trainImages;

  @Option(names = "--test-images", defaultValue = "0", paramLabel = "N",
      description = "Score on the first N test images only (default: all, 10,000 for Fashion-MNIST).")
  int testImages;

  @Mixin SynthCommand.RunOptions opts;

  @Override
  public Integer call() throws Exception {
    ImageDatasets.Dataset d;
    try {
      d = ImageDatasets.load(dataset, data);
    } catch (IOException e) {
      System.err.println("synth seq-image: " + e.getMessage());
      return 2;
    }
    ImageSet train = trainImages > 0 ? d.train().first(trainImages) : d.train();
    ImageSet test = testImages > 0 ? d.test().first(testImages) : d.test();
    SeqImageTask task = new SeqImageTask(d.name(), train, test, permute);
    String spec = SynthRuns.coreSpec(opts.core, opts.hidden, "seq-image", task.steps());
    SynthConfig cfg = new SynthConfig("seq-image", task.steps(), spec, opts.steps, opts.batch, opts.lr, opts.clip,
        opts.seed);
    Path dir = opts.out != null ? opts.out : Path.of("runs", "synth", task.name());
    Files.createDirectories(dir);
    String stem = SynthRuns.stem(opts.core, opts.seed);
    Path csv = dir.resolve(stem + ".csv");
    System.out.printf(Locale.ROOT, "training %s on %s (T = %d, %d training images, %d test images) for %d updates of %d%n",
        spec, task.name(), task.steps(), train.count(), test.count(), opts.steps, opts.batch);
    SynthTrainer.Result r;
    try (ProgressBar pb = new ProgressBarBuilder().setTaskName(task.name()).setInitialMax(opts.steps)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).build()) {
      r = SynthTrainer.train(cfg, task, csv, (step, loss, score) -> {
        pb.step();
        pb.setExtraMessage(String.format(Locale.ROOT, "loss %.3f acc %.2f", loss, score));
      });
    }
    Path png = dir.resolve(stem + ".png");
    SynthPlots.scoreCurves(png, task.name() + " — " + spec + ": training-batch accuracy", 1.0 / SeqImageTask.CLASSES,
        List.of(new SynthPlots.Series(opts.core, r.rows())));
    System.out.printf(Locale.ROOT, "training batches (mean of last %d): loss %.4f (class-prior baseline %.4f), "
        + "accuracy %.3f; %.0f s%n", SynthTrainer.WINDOW, r.finalLoss(), r.baselineLoss(), r.finalScore(), r.seconds());
    System.out.printf(Locale.ROOT, "test accuracy: %.4f on the %d test images%n", r.testScore(), test.count());
    Path results = dir.resolve("results.csv");
    String line = String.format(Locale.ROOT, "%s,%s,%d,%d,%s,%s,%d,%d,%d,%.4f,%.4f,%.0f%n", task.name(), spec.replace(',', ';'),
        opts.steps, opts.batch, opts.lr, opts.clip, opts.seed, train.count(), test.count(), r.finalScore(), r.testScore(), r.seconds());
    if (!Files.exists(results)) {
      Files.writeString(results, RESULTS_HEADER + "\n");
    }
    Files.writeString(results, line, StandardOpenOption.APPEND);
    System.out.println("wrote " + csv + ", " + png + " and a line in " + results);
    return 0;
  }
}
