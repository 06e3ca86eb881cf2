package mnemo.learner;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** The learner's device from {@code --device auto|cpu|gpu[:N]}. Actors always infer on the CPU. */
public final class Devices {
  private Devices() {}

  /** How to get a CUDA libtorch, for the message when no GPU is visible. */
  public static final String CUDA_HELP =
      "DJL's engine sees no GPU. This build bundles the CPU libtorch; for CUDA, on a machine with internet access "
          + "run with PYTORCH_FLAVOR=cu128 (DJL downloads the CUDA 12.8 libtorch 2.7.1 once, and drop "
          + "-Dai.djl.offline=true for that first run), or point PYTORCH_LIBRARY_PATH at an installed libtorch 2.7.1 "
          + "with CUDA and set PYTORCH_FLAVOR=cu128 and PYTORCH_VERSION=2.7.1.";

  /** Parses a device spec against the GPUs the engine reports. */
  public static Device parse(String spec) {
    return parse(spec, Engine.getInstance().getGpuCount());
  }

  /** Parses a device spec given {@code gpus} visible GPUs (IllegalArgumentException when unusable). */
  public static Device parse(String spec, int gpus) {
    String s = spec == null ? "auto" : spec.strip().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) {
      return gpus > 0 ? Device.gpu(0) : Device.cpu();
    }
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("gpu") || s.startsWith("gpu:")) {
      int index;
      try {
        index = s.equals("gpu") ? 0 : Integer.parseInt(s.substring(4));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad device '" + spec + "': expected auto, cpu, gpu or gpu:N");
      }
      if (index < 0 || index >= gpus) {
        throw new IllegalArgumentException(gpus == 0
            ? "--device " + spec + ": no GPU. " + CUDA_HELP
            : "--device " + spec + ": only " + gpus + " GPU(s) visible (gpu:0 .. gpu:" + (gpus - 1) + ")");
      }
      return Device.gpu(index);
    }
    throw new IllegalArgumentException("bad device '" + spec + "': expected auto, cpu, gpu or gpu:N");
  }
}
