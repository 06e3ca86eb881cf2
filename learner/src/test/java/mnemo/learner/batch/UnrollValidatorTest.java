package mnemo.learner.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.function.UnaryOperator;
import mnemo.envs.EnvSpec;
import mnemo.envs.remote.ProtoCodec;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.learner.testing.FakeActor;
import mnemo.proto.TensorCodec;
import mnemo.proto.env.v1.DType;
import mnemo.proto.env.v1.Tensor;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.Unroll;
import org.junit.jupiter.api.Test;

class UnrollValidatorTest {
  static final String TASK = "memory/cue-recall:length=3";
  static final int T = 5;
  static final int N = 3;
  static final List<int[]> STATE = List.of(new int[] {2});

  private final EnvSpec spec = BuiltinTasks.registry().make(TASK).spec();
  private final UnrollValidator validator = new UnrollValidator(T, ProtoCodec.toProto(spec), STATE, () -> 7);

  private static Unroll valid() {
    try (FakeActor actor = new FakeActor(TASK, N, T, 1, STATE)) {
      actor.next("a", 0);
      return actor.next("a", 3);
    }
  }

  /** Overwrites element {@code i} of a float tensor. */
  private static Tensor setFloat(Tensor t, int i, float v) {
    ByteBuffer b = ByteBuffer.wrap(t.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(i * 4, v);
    return t.toBuilder().setData(ByteString.copyFrom(b.array())).build();
  }

  private static Tensor setInt(Tensor t, int i, int v) {
    ByteBuffer b = ByteBuffer.wrap(t.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(i * 4, v);
    return t.toBuilder().setData(ByteString.copyFrom(b.array())).build();
  }

  private void rejected(UnaryOperator<Unroll.Builder> breakIt, String messagePart) {
    Unroll bad = breakIt.apply(valid().toBuilder()).build();
    assertThatThrownBy(() -> validator.validate(bad)).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining(messagePart);
  }

  @Test
  void decodesAValidUnroll() throws Exception {
    Unroll u = valid();
    DecodedUnroll d = validator.validate(u);
    assertThat(d.frames()).isEqualTo((long) T * N);
    assertThat(d.weightVersion()).isEqualTo(3);
    assertThat(d.sequence()).isEqualTo(1);
    assertThat(d.observations()).hasSize((T + 1) * N * spec.observation().size());
    assertThat(d.behaviourLogits()).hasSize((T + 1) * N * 2);
    assertThat(d.coreState()).hasSize(1);
    assertThat(d.coreState().get(0)).hasSize(N * 2);
    assertThat(d.bytes()).isEqualTo(u.getSerializedSize());
    // cue-recall:length=3 has 4 actions per episode: with 2·T = 10 steps some episodes ended
    for (int i = 0; i < d.lastSteps().length; i++) {
      assertThat(d.firstSteps()[i] + d.lastSteps()[i]).isLessThanOrEqualTo(1);
      if (d.firstSteps()[i] == 1) {
        assertThat(d.prevActions()[i]).isEqualTo(-1);
        assertThat(d.rewards()[i]).isZero();
      }
    }
  }

  @Test
  void rejectsWrongUnrollLengthAndEnvCount() {
    rejected(b -> b.setUnrollLength(T + 1), "unroll_length");
    rejected(b -> b.setNumEnvs(0), "num_envs");
    rejected(b -> b.setNumEnvs(N + 1), "shape");
  }

  @Test
  void shorterUnrollsPassOnlyWhenTheExperimentEndsUnrollsAtEpisodes() throws Exception {
    Unroll shorter;
    try (FakeActor actor = new FakeActor(TASK, N, 3, 1, STATE)) {
      shorter = actor.next("a", 0);
    }
    assertThatThrownBy(() -> validator.validate(shorter)).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining("unroll_length is 3, the experiment's T is 5");
    UnrollValidator episodes = new UnrollValidator(T, ProtoCodec.toProto(spec), STATE, () -> 7).acceptingShorter(true);
    DecodedUnroll d = episodes.validate(shorter);
    assertThat(d.unrollLength()).isEqualTo(3);
    assertThat(d.frames()).isEqualTo(3L * N);
    assertThat(episodes.validate(valid()).unrollLength()).isEqualTo(T);
    Unroll longer = valid().toBuilder().setUnrollLength(T + 1).build();
    assertThatThrownBy(() -> episodes.validate(longer)).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining("(or shorter, down to 1)");
    Unroll zero = shorter.toBuilder().setUnrollLength(0).build();
    assertThatThrownBy(() -> episodes.validate(zero)).isInstanceOf(InvalidUnrollException.class);
  }

  @Test
  void rejectsAWeightVersionTheLearnerNeverPublished() {
    rejected(b -> b.setWeightVersion(8), "weight_version");
    rejected(b -> b.setWeightVersion(-1), "weight_version");
  }

  @Test
  void rejectsWrongShapesTypesAndPayloadSizes() {
    int obs = spec.observation().size();
    rejected(b -> b.setObservations(TensorCodec.floats(new float[(T + 1) * N * (obs + 1)], T + 1, N, obs + 1)), "observations");
    rejected(b -> b.setObservations(b.getObservations().toBuilder().setDtype(DType.UINT8)), "observations must be FLOAT32");
    rejected(b -> b.setRewards(b.getRewards().toBuilder().setData(ByteString.copyFrom(new byte[3]))), "payload");
    rejected(b -> b.setStepTypes(TensorCodec.floats(new float[(T + 1) * N], T + 1, N)), "step_types must be INT32");
    rejected(b -> b.setBehaviourLogits(TensorCodec.floats(new float[(T + 1) * N * 3], T + 1, N, 3)), "behaviour_logits");
    rejected(b -> b.setActions(TensorCodec.ints(new int[T * N], T, N)), "actions must have shape");
    rejected(Unroll.Builder::clearPrevActions, "prev_actions");
    rejected(Unroll.Builder::clearCoreState, "core_state");
    rejected(b -> b.setCoreState(0, TensorCodec.floats(new float[N * 3], N, 3)), "core_state[0]");
  }

  @Test
  void rejectsNonFiniteNumbers() {
    rejected(b -> b.setBehaviourLogits(setFloat(b.getBehaviourLogits(), 5, Float.NaN)), "behaviour_logits[5]");
    rejected(b -> b.setRewards(setFloat(b.getRewards(), 2, Float.POSITIVE_INFINITY)), "rewards[2]");
    rejected(b -> b.setObservations(setFloat(b.getObservations(), 0, Float.NaN)), "observations[0]");
    rejected(b -> b.setCoreState(0, setFloat(b.getCoreState(0), 1, Float.NaN)), "core_state[0][1]");
    rejected(b -> b.addEpisodes(EpisodeStats.newBuilder().setEpisodeReturn(Float.NaN)), "episodes");
  }

  @Test
  void rejectsOutOfRangeActionsStepTypesAndDiscounts() {
    rejected(b -> b.setActions(setInt(b.getActions(), 4, 2)), "actions[4] = 2");
    rejected(b -> b.setActions(setInt(b.getActions(), 4, -1)), "actions[4] = -1");
    rejected(b -> b.setPrevActions(setInt(b.getPrevActions(), 0, -2)), "prev_actions[0]");
    rejected(b -> b.setStepTypes(setInt(b.getStepTypes(), 1, 0)), "step_types[1]");
    rejected(b -> b.setDiscounts(setFloat(b.getDiscounts(), 1, 1.5f)), "discounts[1]");
  }

  @Test
  void rejectsObservationsFarOutsideTheSpecsBoundsButToleratesRounding() throws Exception {
    double max = spec.observation().maximum();
    double tol = UnrollValidator.boundsTolerance(spec.observation().minimum(), max);
    rejected(b -> b.setObservations(setFloat(b.getObservations(), 4, 3e38f)), "observations[4] = 3.0E38 outside");
    rejected(b -> b.setObservations(setFloat(b.getObservations(), 4, -3e38f)), "outside the task's bounds");
    rejected(b -> b.setObservations(setFloat(b.getObservations(), 4, (float) (max + 2 * tol))), "observations[4]");
    Unroll edge = valid().toBuilder().setObservations(setFloat(valid().getObservations(), 4, (float) (max + tol / 2)))
        .build();
    assertThat(validator.validate(edge).observations()[4]).isEqualTo((float) (max + tol / 2));
  }

  @Test
  void rejectsAnUnrollLargerThanItsShapesImply() {
    UnrollLimits limits = validator.limits();
    assertThat((long) valid().getSerializedSize()).isLessThan(limits.unrollBytes(N));
    // unknown fields: 1 MiB of padding the shapes do not account for
    rejected(b -> b.setUnknownFields(com.google.protobuf.UnknownFieldSet.newBuilder().addField(99,
        com.google.protobuf.UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(new byte[1 << 20]))
            .build()).build()), "bytes; its shapes allow at most");
    // more episode records than steps
    rejected(b -> {
      for (int i = 0; i < (T + 1) * N + 1; i++) {
        b.addEpisodes(EpisodeStats.newBuilder().setLength(1));
      }
      return b;
    }, "at most one per step");
    // a long actor id
    rejected(b -> b.setActorId("x".repeat(1 << 20)), "bytes; its shapes allow at most");
  }

  @Test
  void theMessageCapFollowsTheExperiment() {
    UnrollValidator two = new UnrollValidator(T, ProtoCodec.toProto(spec), STATE, () -> 7, 2);
    assertThatThrownBy(() -> two.validate(valid())).isInstanceOf(InvalidUnrollException.class)
        .hasMessageContaining("num_envs must be in [1, 2], got 3");
    assertThat(two.limits().maxMessageBytes()).isEqualTo(UnrollLimits.MIN_MESSAGE_BYTES);
    UnrollLimits big = new UnrollValidator(T, ProtoCodec.toProto(spec), STATE, () -> 7, UnrollValidator.MAX_ENVS).limits();
    assertThat((long) big.maxMessageBytes()).isEqualTo(big.unrollBytes(UnrollValidator.MAX_ENVS))
        .isLessThan(16L << 20); // cue-recall: small observations, a small cap
    assertThatThrownBy(() -> new UnrollValidator(T, ProtoCodec.toProto(spec), STATE, () -> 7, UnrollValidator.MAX_ENVS + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void neverThrowsAnythingButInvalidUnrollOnGarbage() {
    rejected(b -> b.setObservations(Tensor.newBuilder().setDtype(DType.FLOAT32).addShape(Integer.MAX_VALUE)
        .addShape(Integer.MAX_VALUE).addShape(Integer.MAX_VALUE)), "observations");
    assertThatThrownBy(() -> validator.validate(Unroll.getDefaultInstance())).isInstanceOf(InvalidUnrollException.class);
  }
}
