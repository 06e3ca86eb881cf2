package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import mnemo.envs.VectorEnvironment;
import mnemo.proto.TensorCodec;
import mnemo.proto.env.v1.DType;
import mnemo.proto.learner.v1.EpisodeStats;
import mnemo.proto.learner.v1.RegisterResponse;
import mnemo.proto.learner.v1.Unroll;
import mnemo.proto.learner.v1.Weights;
import org.junit.jupiter.api.Test;

/**
 * Two unrolls (T=3) of two countdown environments (episodes of 2 and 3 actions) under a scripted policy,
 * checked against values worked out by hand: step 0 repeats the previous unroll's last step, prev
 * actions are −1 on FIRST, rewards/discounts/step types follow the auto-reset, the core state is the
 * one before step 0, and each finished episode is reported once.
 */
class ActorUnrollTest {
  private static final int F = 1;
  private static final int M = 2;
  private static final int L = 3;

  /** Records unrolls in memory; stops the actor after {@code limit}. */
  static final class MemoryLink implements LearnerLink {
    final List<Unroll> unrolls = new ArrayList<>();
    Actor actor;
    int limit;
    long version;

    @Override
    public RegisterResponse register() {
      return RegisterResponse.getDefaultInstance();
    }

    @Override
    public void send(Unroll unroll) {
      unrolls.add(unroll);
      if (unrolls.size() >= limit) {
        actor.stop();
      }
    }

    @Override
    public long learnerVersion() {
      return version;
    }

    @Override
    public Optional<Weights> fetchWeights(long have) {
      return Optional.of(Weights.newBuilder().setVersion(version)
          .setNpz(com.google.protobuf.ByteString.copyFromUtf8("w" + version)).build());
    }

    @Override
    public void close() {}
  }

  private static List<Unroll> run(int unrolls, MemoryLink link, ScriptedPolicy policy) {
    return run(unrolls, link, policy, 3, a -> a, new CountdownEnv(2), new CountdownEnv(3));
  }

  /** {@code unrolls} unrolls of an actor with T = {@code maxT} over {@code envs}, set up by {@code setup}. */
  private static List<Unroll> run(int unrolls, MemoryLink link, ScriptedPolicy policy, int maxT,
      java.util.function.UnaryOperator<Actor> setup, CountdownEnv... envs) {
    Actor actor = setup.apply(new Actor(new VectorEnvironment(List.of(envs)), policy, link,
        ActorMetrics.unregistered(), maxT, 7L, 0));
    link.actor = actor;
    link.limit = unrolls;
    actor.run();
    return link.unrolls;
  }

  @Test
  void twoUnrollsMatchTheHandWorkedCase() {
    List<Unroll> u = run(2, new MemoryLink(), new ScriptedPolicy());
    assertThat(u).hasSize(2);

    Unroll a = u.get(0);
    assertThat(a.getUnrollLength()).isEqualTo(3);
    assertThat(a.getNumEnvs()).isEqualTo(2);
    assertThat(a.getSequence()).isZero();
    assertThat(a.getObservations().getShapeList()).containsExactly(4, 2, 1);
    assertThat(a.getObservations().getDtype()).isEqualTo(DType.FLOAT32);
    // time-major [t][env]
    assertThat(TensorCodec.toFloats(a.getObservations())).containsExactly(0, 0, 1, 1, 2, 2, 0, 3);
    assertThat(TensorCodec.toFloats(a.getRewards())).containsExactly(0, 0, 1, 2, 2, 1, 0, 2);
    assertThat(TensorCodec.toFloats(a.getDiscounts())).containsExactly(1, 1, 1, 1, 0, 1, 1, 0);
    assertThat(TensorCodec.toInts(a.getStepTypes())).containsExactly(F, F, M, M, L, M, F, L);
    assertThat(TensorCodec.toInts(a.getPrevActions())).containsExactly(-1, -1, 0, 1, 1, 0, -1, 1);
    assertThat(TensorCodec.toInts(a.getActions())).containsExactly(0, 1, 1, 0, 0, 1, 0, 0);
    assertThat(a.getBehaviourLogits().getShapeList()).containsExactly(4, 2, 2);
    assertThat(TensorCodec.toFloats(a.getBehaviourLogits()))
        .containsExactly(0, -1000, -1000, 0, -1000, 0, 0, -1000, 0, -1000, -1000, 0, 0, -1000, 0, -1000);
    assertThat(a.getCoreStateList()).hasSize(1);
    assertThat(a.getCoreState(0).getShapeList()).containsExactly(2, 1);
    assertThat(TensorCodec.toFloats(a.getCoreState(0))).containsExactly(0, 0);
    assertThat(a.getEpisodesList()).containsExactlyInAnyOrder(
        episode(3, 2), // env 0: rewards 1 + 2 over 2 actions
        episode(5, 3)); // env 1: rewards 2 + 1 + 2 over 3 actions

    Unroll b = u.get(1);
    assertThat(b.getSequence()).isEqualTo(1);
    // step 0 repeats step 3 of the previous unroll
    assertThat(TensorCodec.toFloats(b.getObservations())).containsExactly(0, 3, 1, 0, 2, 1, 0, 2);
    assertThat(TensorCodec.toFloats(b.getRewards())).containsExactly(0, 2, 1, 0, 2, 2, 0, 1);
    assertThat(TensorCodec.toFloats(b.getDiscounts())).containsExactly(1, 0, 1, 1, 0, 1, 1, 1);
    assertThat(TensorCodec.toInts(b.getStepTypes())).containsExactly(F, L, M, F, L, M, F, M);
    assertThat(TensorCodec.toInts(b.getPrevActions())).containsExactly(-1, 1, 0, -1, 1, 1, -1, 0);
    assertThat(TensorCodec.toInts(b.getActions())).containsExactly(0, 0, 1, 1, 0, 0, 0, 1);
    // the state before step 0 (= before step 3 of unroll 1): 3 steps since each episode began
    assertThat(TensorCodec.toFloats(b.getCoreState(0))).containsExactly(3, 3);
    // env 1's first episode was reported in unroll 1 and is not repeated here
    assertThat(b.getEpisodesList()).containsExactly(episode(3, 2));
  }

  private static List<Unroll> runEpisodeUnrolls(int unrolls, int maxT, CountdownEnv... envs) {
    return run(unrolls, new MemoryLink(), new ScriptedPolicy(), maxT, a -> a.withEpisodeUnrolls(true), envs);
  }

  @Test
  void episodeUnrollsHoldOneEpisodeEachWhenTheEnvironmentsRunInStep() {
    // two episodes of 2 actions side by side: F M L, then the next F; T = 3 however long T may be
    List<Unroll> u = runEpisodeUnrolls(3, 8, new CountdownEnv(2), new CountdownEnv(2));
    assertThat(u).extracting(Unroll::getUnrollLength).containsExactly(3, 3, 3);
    for (Unroll x : u) {
      assertThat(TensorCodec.toInts(x.getStepTypes())).containsExactly(F, F, M, M, L, L, F, F);
      assertThat(x.getObservations().getShapeList()).containsExactly(4, 2, 1);
      assertThat(x.getBehaviourLogits().getShapeList()).containsExactly(4, 2, 2);
      assertThat(x.getEpisodesList()).hasSize(2);
    }
  }

  @Test
  void episodeUnrollsEndEarlyOnlyWhereEveryEnvironmentStartsAnEpisode() {
    // episodes of 3 and 4 steps start together at t = 0, 12, 24: with T ≤ 8 the unrolls cover t = 0..8
    // (full), 8..12 (ended early, on the common FIRST), 12..20 (full)
    List<Unroll> u = runEpisodeUnrolls(3, 8, new CountdownEnv(2), new CountdownEnv(3));
    assertThat(u).extracting(Unroll::getUnrollLength).containsExactly(8, 4, 8);
    int[] second = TensorCodec.toInts(u.get(1).getStepTypes());
    assertThat(second).hasSize(10);
    assertThat(java.util.Arrays.copyOfRange(second, 8, 10)).containsExactly(F, F);
    assertThat(java.util.Arrays.copyOfRange(TensorCodec.toInts(u.get(2).getStepTypes()), 0, 2)).containsExactly(F, F);
    // the early end keeps the overlap: step 0 of the next unroll is the last step of this one
    int[] firstObs = {TensorCodec.toInts(u.get(2).getPrevActions())[0], TensorCodec.toInts(u.get(2).getPrevActions())[1]};
    assertThat(firstObs).containsExactly(-1, -1);
    float[] obs1 = TensorCodec.toFloats(u.get(1).getObservations());
    float[] obs2 = TensorCodec.toFloats(u.get(2).getObservations());
    assertThat(java.util.Arrays.copyOfRange(obs2, 0, 2)).containsExactly(obs1[8], obs1[9]);
  }

  @Test
  void exploringStartsRandomiseOnlyEachEpisodesFirstActionAndKeepThePolicysLogits() {
    MemoryLink link = new MemoryLink();
    run(40, link, new ScriptedPolicy(), 3, a -> a.withExploringStarts(1.0), new CountdownEnv(2), new CountdownEnv(3));
    int offScript = 0;
    int firsts = 0;
    int episodes = 0;
    for (Unroll u : link.unrolls) {
      int[] types = TensorCodec.toInts(u.getStepTypes());
      int[] actions = TensorCodec.toInts(u.getActions());
      float[] obs = TensorCodec.toFloats(u.getObservations());
      float[] logits = TensorCodec.toFloats(u.getBehaviourLogits());
      for (int k = 0; k < 3 * 2; k++) { // steps 0..T−1 (step T is step 0 of the next unroll)
        int env = k % 2;
        int scripted = ScriptedPolicy.action(env, obs[k]);
        assertThat(logits[2 * k + scripted]).as("the policy's own logits are recorded").isZero();
        if (types[k] == F) {
          firsts++;
          offScript += actions[k] != scripted ? 1 : 0;
        } else {
          assertThat(actions[k]).as("after the first step the policy acts").isEqualTo(scripted);
        }
      }
      for (EpisodeStats e : u.getEpisodesList()) {
        episodes++;
        assertThat(e.getMemoryLength()).isZero(); // not counted by a curriculum
      }
    }
    // every first action is a fair coin over the 2 actions: about half are off the script
    assertThat(firsts).isGreaterThan(40);
    assertThat((double) offScript / firsts).isBetween(0.3, 0.7);
    assertThat(episodes).isGreaterThan(30);
    assertThatThrownBy(() -> link.actor.withExploringStarts(1.5)).hasMessageContaining("[0, 1]");
  }

  @Test
  void weightsAreRefreshedBetweenUnrollsWhenTheVersionMoves() {
    MemoryLink link = new MemoryLink();
    ScriptedPolicy policy = new ScriptedPolicy();
    link.version = 5;
    List<Unroll> u = run(3, link, policy);
    // unroll 0 was produced by version 0; the refresh after it loads version 5 once
    assertThat(u.get(0).getWeightVersion()).isZero();
    assertThat(u.get(1).getWeightVersion()).isEqualTo(5);
    assertThat(u.get(2).getWeightVersion()).isEqualTo(5);
    assertThat(policy.loaded).hasSize(1);
    assertThat(new String(policy.loaded.get(0))).isEqualTo("w5");
  }

  @Test
  void anActorRefusesAPolicyWithAnotherActionCount() {
    VectorEnvironment env = new VectorEnvironment(List.of(new CountdownEnv(2)));
    Policy threeActions = new ScriptedPolicy() {
      @Override
      public int numActions() {
        return 3;
      }
    };
    assertThatThrownBy(() -> new Actor(env, threeActions, new MemoryLink(), ActorMetrics.unregistered(), 3, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 actions");
  }

  private static EpisodeStats episode(float ret, int length) {
    return EpisodeStats.newBuilder().setEpisodeReturn(ret).setLength(length).setSuccess(1f).setTruncated(false).build();
  }
}
