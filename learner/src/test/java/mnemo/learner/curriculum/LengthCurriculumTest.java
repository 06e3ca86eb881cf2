package mnemo.learner.curriculum;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import mnemo.proto.config.v1.ExperimentConfig;
import mnemo.proto.learner.v1.EpisodeStats;
import org.junit.jupiter.api.Test;

class LengthCurriculumTest {

  private static EpisodeStats at(int length, float success) {
    return EpisodeStats.newBuilder().setMemoryLength(length).setSuccess(success).build();
  }

  /** Feeds {@code n} episodes at {@code length}, the first {@code successes} of them successful. */
  private static boolean feed(LengthCurriculum c, int length, int n, int successes) {
    boolean moved = false;
    for (int i = 0; i < n; i++) {
      moved |= c.observe(at(length, i < successes ? 1f : 0f));
    }
    return moved;
  }

  @Test
  void startsAtTwoAndDoublesOnNinetyOfTheLastHundredUpToL() {
    LengthCurriculum c = new LengthCurriculum(50);
    assertThat(c.length()).isEqualTo(2);
    assertThat(feed(c, 2, 99, 99)).isFalse(); // the window is not full yet
    assertThat(c.length()).isEqualTo(2);
    assertThat(c.observe(at(2, 1f))).isTrue(); // the 100th: 100 % >= 90 %
    assertThat(c.length()).isEqualTo(4);
    // exactly 90 of 100 moves it on; the count starts afresh at the new length
    assertThat(feed(c, 4, 100, 90)).isTrue();
    assertThat(c.length()).isEqualTo(8);
    assertThat(feed(c, 8, 100, 100)).isTrue();
    assertThat(feed(c, 16, 100, 100)).isTrue();
    assertThat(c.length()).isEqualTo(32);
    assertThat(feed(c, 32, 100, 100)).isTrue();
    assertThat(c.length()).isEqualTo(50); // min(64, L)
    assertThat(c.mastered()).isEqualTo(32);
    assertThat(feed(c, 50, 300, 300)).isFalse(); // at L it stays
    assertThat(c.length()).isEqualTo(50);
    assertThat(c.mastered()).isEqualTo(50);
  }

  @Test
  void aMasteredLengthThatIsLostStepsBackUntilTheMemoryWorksThenClimbsAgain() {
    LengthCurriculum c = new LengthCurriculum(50);
    for (int l : new int[] {2, 4, 8, 16, 32, 50}) {
      feed(c, l, 100, 100);
    }
    assertThat(c.mastered()).isEqualTo(50);
    // long after: the memory is lost, success at L falls to chance; between 70 % and 90 % nothing moves
    assertThat(feed(c, 50, 100, 80)).isFalse();
    assertThat(feed(c, 50, 100, 50)).isTrue(); // the window slides into < 70 %
    assertThat(c.length()).isEqualTo(25);
    // lost at every length: one window at each, down to ℓ₀ (25 -> 12 -> 6 -> 3 -> 2)
    assertThat(feed(c, 25, 100, 50)).isTrue();
    assertThat(feed(c, 12, 100, 50)).isTrue();
    assertThat(feed(c, 6, 100, 50)).isTrue();
    assertThat(feed(c, 3, 100, 50)).isTrue();
    assertThat(c.length()).isEqualTo(2);
    assertThat(feed(c, 2, 300, 0)).isFalse(); // not below ℓ₀
    // learned again at 2, and the climb restarts: 2 -> 4
    assertThat(feed(c, 2, 100, 100)).isTrue();
    assertThat(c.length()).isEqualTo(4);
  }

  @Test
  void aLengthNeverMasteredDoesNotStepBackHoweverLowItsSuccess() {
    LengthCurriculum c = new LengthCurriculum(40);
    feed(c, 2, 100, 100); // 2 mastered, now 4
    assertThat(feed(c, 4, 500, 0)).isFalse(); // 4 is being learned, not forgotten
    assertThat(c.length()).isEqualTo(4);
    // a checkpoint's mastered length counts after a resume
    c.restore(16, 16);
    assertThat(c.mastered()).isEqualTo(16);
    assertThat(feed(c, 16, 100, 60)).isTrue();
    assertThat(c.length()).isEqualTo(8);
  }

  @Test
  void eightyNinePercentIsNotEnoughAndTheWindowSlides() {
    LengthCurriculum c = new LengthCurriculum(16);
    assertThat(feed(c, 2, 100, 89)).isFalse();
    assertThat(c.length()).isEqualTo(2);
    // the window slides: 11 more successes push out 11 older successes (episodes 1..11), still 89
    assertThat(feed(c, 2, 11, 11)).isFalse();
    // 78 more push out the remaining old successes (12..89), still 89; the 79th pushes out the first
    // failure (episode 90): 90 of the last 100
    assertThat(feed(c, 2, 78, 78)).isFalse();
    assertThat(c.observe(at(2, 1f))).isTrue();
    assertThat(c.length()).isEqualTo(4);
  }

  @Test
  void episodesAtOtherLengthsOrWithoutSuccessDoNotCount() {
    LengthCurriculum c = new LengthCurriculum(8);
    assertThat(feed(c, 0, 200, 200)).isFalse(); // the task as given (no variable length)
    assertThat(feed(c, 4, 200, 200)).isFalse(); // a later length, before the curriculum got there
    for (int i = 0; i < 200; i++) {
      assertThat(c.observe(at(2, Float.NaN))).isFalse(); // no notion of success
    }
    assertThat(c.length()).isEqualTo(2);
    // stragglers at the old length after a step do not count at the new one
    feed(c, 2, 100, 100);
    assertThat(feed(c, 2, 200, 200)).isFalse();
    assertThat(c.length()).isEqualTo(4);
  }

  @Test
  void episodesThatNeverTestedTheMemoryDoNotCount() {
    LengthCurriculum c = new LengthCurriculum(1000);
    EpisodeStats slipped = at(2, 0f).toBuilder().setUntested(true).build(); // lagged, never reached the junction
    // 90 of every 100 tested episodes succeed, with 300 corridor slips among them: ℓ moves on at the 100th tested
    boolean moved = false;
    for (int i = 0; i < 100; i++) {
      assertThat(moved).isFalse();
      for (int k = 0; k < 3; k++) {
        assertThat(c.observe(slipped)).isFalse();
      }
      moved = c.observe(at(2, i < 90 ? 1f : 0f));
    }
    assertThat(moved).isTrue();
    assertThat(c.length()).isEqualTo(4);
    // at a mastered length, slips alone do not step ℓ back; wrong answers do
    feed(c, 4, 100, 100);
    feed(c, 8, 100, 100);
    c.restore(8, 8);
    for (int i = 0; i < 500; i++) {
      assertThat(c.observe(at(8, 0f).toBuilder().setUntested(true).build())).isFalse();
    }
    assertThat(feed(c, 8, 100, 60)).isTrue();
    assertThat(c.length()).isEqualTo(4);
  }

  @Test
  void shortTasksStartAtLAndRestoreClamps() {
    LengthCurriculum one = new LengthCurriculum(1);
    assertThat(one.length()).isEqualTo(1);
    assertThat(feed(one, 1, 100, 100)).isFalse();
    LengthCurriculum c = new LengthCurriculum(40);
    c.restore(16, 8);
    assertThat(c.length()).isEqualTo(16);
    assertThat(c.mastered()).isEqualTo(8);
    c.restore(500, 900);
    assertThat(c.length()).isEqualTo(40);
    assertThat(c.mastered()).isEqualTo(40);
    c.restore(0, -1);
    assertThat(c.length()).isEqualTo(1);
    assertThat(c.mastered()).isZero();
    assertThatThrownBy(() -> new LengthCurriculum(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyTheCurriculumSamplingHasOne() {
    ExperimentConfig base = ExperimentConfig.newBuilder().setMemoryLength(20).build();
    assertThat(LengthCurriculum.of(base.toBuilder().setLengthSampling("curriculum").build()).maxLength())
        .isEqualTo(20);
    assertThat(LengthCurriculum.of(base.toBuilder().setLengthSampling("uniform").build())).isNull();
    assertThat(LengthCurriculum.of(base.toBuilder().setLengthSampling("fixed").build())).isNull();
    assertThat(LengthCurriculum.of(base)).isNull();
  }
}
