package mnemo.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DevicesTest {
  @Test
  void autoPicksTheFirstGpuWhenThereIsOne() {
    assertThat(Devices.parse("auto", 0)).isEqualTo(Device.cpu());
    assertThat(Devices.parse("auto", 2)).isEqualTo(Device.gpu(0));
    assertThat(Devices.parse("cpu", 2)).isEqualTo(Device.cpu());
    assertThat(Devices.parse("GPU:1", 2)).isEqualTo(Device.gpu(1));
  }

  @Test
  void aMissingGpuSaysHowToGetCudaLibtorch() {
    assertThatThrownBy(() -> Devices.parse("gpu", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PYTORCH_FLAVOR=cu128").hasMessageContaining("PYTORCH_LIBRARY_PATH");
    assertThatThrownBy(() -> Devices.parse("gpu:2", 2)).hasMessageContaining("only 2 GPU");
    assertThatThrownBy(() -> Devices.parse("tpu", 1)).hasMessageContaining("expected auto, cpu, gpu or gpu:N");
    assertThatThrownBy(() -> Devices.parse("gpu:x", 1)).hasMessageContaining("expected auto");
  }

  @Test
  void thisMachineHasNoGpu() {
    // the CI machines are CPU-only: auto means CPU here
    assertThat(Devices.parse("auto")).isEqualTo(Device.cpu());
  }
}
