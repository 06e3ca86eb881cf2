package mnemo.learner.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LinearDecayTest {

  @Test
  void linearDecayFollowsTheFrameCounter() {
    AtomicLong frames = new AtomicLong();
    LinearDecay lr = new LinearDecay(6e-4, 1000, true, frames::get);
    assertThat(lr.value()).isEqualTo(6e-4);
    frames.set(250);
    assertThat(lr.value()).isCloseTo(4.5e-4, within(1e-12));
    assertThat(lr.getNewValue("any", 7)).isCloseTo(4.5e-4f, within(1e-10f));
    frames.set(2000);
    assertThat(lr.value()).isZero();
    assertThat(new LinearDecay(1e-3, 1000, false, frames::get).value()).isEqualTo(1e-3);
    assertThatThrownBy(() -> new LinearDecay(0, 10, true, frames::get)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LinearDecay(1e-3, 0, true, frames::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
