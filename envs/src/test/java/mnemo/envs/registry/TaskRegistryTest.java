package mnemo.envs.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import mnemo.envs.Environment;
import mnemo.envs.TimeStep;
import mnemo.envs.tasks.BuiltinTasks;
import org.junit.jupiter.api.Test;

class TaskRegistryTest {

  @Test
  void parsesIdsWithParameters() {
    TaskId id = TaskId.parse("memory/tmaze:length=100,mode=active");
    assertThat(id.family()).isEqualTo("memory/tmaze");
    assertThat(id.params()).containsExactlyInAnyOrderEntriesOf(Map.of("length", "100", "mode", "active"));
    assertThat(id.toString()).isEqualTo("memory/tmaze:length=100,mode=active");
    assertThat(TaskId.parse("gridworld/empty").params()).isEmpty();
  }

  @Test
  void rejectsMalformedIds() {
    assertThatThrownBy(() -> TaskId.parse(":size=3")).hasMessageContaining("empty task id");
    assertThatThrownBy(() -> TaskId.parse("a:size")).hasMessageContaining("not key=value");
    assertThatThrownBy(() -> TaskId.parse("a:size=1,size=2")).hasMessageContaining("given twice");
    // strict: no spaces, no empty or trailing parts, bounded length and echo
    for (String bad : new String[] {" memory/tmaze", "memory/tmaze ", "memory/tmaze:", "memory/tmaze:length=3,",
        "memory/tmaze:length=3,,mode=active", "memory/tmaze:length= 3", "memory/tmaze:length=", "Memory/TMaze",
        "memory//tmaze", "memory/tmaze:length=3\n", "memory/tmaze:len gth=3", "memory/tmaze:length=3:4",
        "memory/tmaze\u0000", ""}) {
      assertThatThrownBy(() -> TaskId.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    String huge = "memory/tmaze:length=" + "1".repeat(100_000);
    assertThatThrownBy(() -> TaskId.parse(huge)).isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(200).contains("at most 512"));
  }

  @Test
  void rewardParametersMustBeFiniteAndInRange() {
    TaskRegistry r = BuiltinTasks.registry();
    for (String bad : new String[] {"memory/tmaze:penalty=-Infinity", "memory/tmaze:penalty=-1e39",
        "memory/tmaze:penalty=NaN", "memory/tmaze:penalty=-1e7", "memory/key-to-door:final_reward=NaN",
        "memory/key-to-door:apple_reward=Infinity", "memory/key-to-door:apple_reward=1e300",
        "memory/visual-match:final_reward=-Infinity"}) {
      assertThatThrownBy(() -> r.make(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageMatching(".*must be (finite|in \\[).*");
    }
    r.make("memory/tmaze:penalty=-0.5").close();
    r.make("memory/key-to-door:final_reward=-5,apple_reward=1000").close();
  }

  @Test
  void unknownFamilyNamesTheKnownOnes() {
    TaskRegistry r = BuiltinTasks.registry();
    assertThatThrownBy(() -> r.make("memory/nope"))
        .isInstanceOf(UnknownTaskException.class)
        .hasMessageContaining("unknown task 'memory/nope'")
        .hasMessageContaining("memory/cue-recall");
    // find: the same lookup without the exception, for names the caller may not own
    assertThat(r.find("memory/nope")).isEmpty();
    assertThat(r.find("memory/tmaze")).containsSame(r.family("memory/tmaze"));
  }

  @Test
  void parametersAreValidatedAndCanonicalized() {
    TaskRegistry r = BuiltinTasks.registry();
    assertThat(r.canonical("memory/cue-recall:length=7")).isEqualTo("memory/cue-recall:bits=1,length=7");
    try (Environment env = r.make("memory/cue-recall:length=7")) {
      assertThat(env.spec().taskId()).isEqualTo("memory/cue-recall:bits=1,length=7");
    }
    assertThatThrownBy(() -> r.make("memory/cue-recall:lenght=7")).hasMessageContaining("no parameter 'lenght'")
        .hasMessageContaining("length");
    assertThatThrownBy(() -> r.make("memory/cue-recall:length=seven")).hasMessageContaining("must be an integer");
    assertThatThrownBy(() -> r.make("memory/cue-recall:length=0")).hasMessageContaining("must be in [1,");
  }

  @Test
  void valuesFillOnlyTheParametersAnIdLeavesUnset() {
    TaskId id = TaskId.parse("memory/tmaze:length=50,hint=0");
    TaskId aided = id.withUnset(Map.of("hint", "0.5", "mode", "active"));
    assertThat(aided.params()).containsOnly(Map.entry("length", "50"), Map.entry("hint", "0"),
        Map.entry("mode", "active"));
    assertThat(aided.family()).isEqualTo("memory/tmaze");
    assertThat(id.withUnset(Map.of("hint", "1"))).isSameAs(id); // nothing left to fill
    assertThat(id.withUnset(Map.of())).isSameAs(id);
  }

  @Test
  void theFamilyOfAnIdIsFoundWithoutParsingIt() {
    TaskRegistry r = new TaskRegistry();
    TaskFamily f = new TaskFamily("x/y", "test", List.of(), p -> null);
    r.register(f);
    assertThat(r.findFor("x/y")).containsSame(f);
    assertThat(r.findFor("x/y:a=1,b=2")).containsSame(f);
    assertThat(r.findFor("gym/RememberTheCue")).isEmpty(); // a served id, not in the registry's naming
    assertThat(r.findFor("x/z:a=1")).isEmpty();
  }

  @Test
  void duplicateRegistrationIsRefused() {
    TaskRegistry r = new TaskRegistry();
    TaskFamily f = new TaskFamily("x/y", "test", List.of(), p -> null);
    r.register(f);
    assertThatThrownBy(() -> r.register(f)).hasMessageContaining("already registered");
  }

  @Test
  void typedGettersExplainBadValues() {
    Params p = Params.of("t", List.of(new Param("flag", "maybe", ""), new Param("x", "1.5", ""),
        new Param("mode", "up", "")), Map.of());
    assertThat(p.getDouble("x")).isEqualTo(1.5);
    assertThatThrownBy(() -> p.getBoolean("flag")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> p.getChoice("mode", "passive", "active")).hasMessageContaining("passive|active");
  }

  @Test
  void everyFamilyBuildsWithDefaultsAndRespectsItsSpec() {
    TaskRegistry r = BuiltinTasks.registry();
    for (TaskFamily f : r.families()) {
      try (Environment env = r.make(f.name())) {
        TimeStep ts = env.reset(1);
        assertThat(ts.isFirst()).as(f.name()).isTrue();
        env.spec().observation().check(ts.observation());
        for (int i = 0; i < 50 && !ts.isLast(); i++) {
          ts = env.step(i % env.spec().numActions());
          env.spec().observation().check(ts.observation());
        }
      }
    }
  }
}
