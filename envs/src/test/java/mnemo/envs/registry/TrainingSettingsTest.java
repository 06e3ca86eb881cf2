package mnemo.envs.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import mnemo.envs.tasks.BuiltinTasks;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {
  @Test
  void theDefaultsLeaveEverythingToTheTrainer() {
    TrainingSettings d = TrainingSettings.DEFAULTS;
    assertThat(d.exploringStarts()).isZero();
    assertThat(d.unroll()).isZero();
    assertThat(d.entropyCost()).isNaN();
    assertThat(d.entropyCostFinal()).isNaN();
    TrainingSettings s = d.withUnroll(32).withEntropyCost(0.01, 0.001).withExploringStarts(0.25);
    assertThat(s).isEqualTo(new TrainingSettings(0.25, 32, 0.01, 0.001));
  }

  @Test
  void impossibleSettingsAreRefused() {
    assertThatThrownBy(() -> TrainingSettings.DEFAULTS.withExploringStarts(1.5)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> TrainingSettings.DEFAULTS.withExploringStarts(Double.NaN)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> TrainingSettings.DEFAULTS.withUnroll(-1)).hasMessageContaining("unroll");
    assertThatThrownBy(() -> TrainingSettings.DEFAULTS.withEntropyCost(-0.1, 0)).hasMessageContaining("entropy");
  }

  @Test
  void aFamilyAsksByItsTasksParameters() {
    TaskFamily f = new TaskFamily("test/asks", "", List.of(new Param("n", "3", "n")), p -> null)
        .withTraining(p -> TrainingSettings.DEFAULTS.withUnroll(10 * p.getInt("n", 1, 9)));
    assertThat(f.training(TaskId.parse("test/asks")).unroll()).isEqualTo(30);
    assertThat(f.training(TaskId.parse("test/asks:n=5")).unroll()).isEqualTo(50);
    assertThat(f.training(TaskId.parse("test/asks")).exploringStarts()).isZero();
    // the built-in tasks: the active T-maze asks for exploring starts, cue recall for nothing
    TaskRegistry r = BuiltinTasks.registry();
    assertThat(r.family("memory/tmaze").training(TaskId.parse("memory/tmaze:mode=active")).exploringStarts())
        .isEqualTo(0.25);
    assertThat(r.family("memory/cue-recall").training(TaskId.parse("memory/cue-recall"))).isEqualTo(
        TrainingSettings.DEFAULTS);
  }
}
