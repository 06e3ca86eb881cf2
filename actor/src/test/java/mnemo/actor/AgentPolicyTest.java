package mnemo.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import mnemo.agent.AgentInput;
import mnemo.agent.AgentModel;
import mnemo.agent.AgentOutput;
import mnemo.agent.network.AgentNetworks;
import mnemo.envs.Environment;
import mnemo.envs.TimeStep;
import mnemo.envs.tasks.BuiltinTasks;
import mnemo.proto.config.v1.ExperimentConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The actor's step-by-step inference (core state carried on the heap between steps; a fresh sub-manager per
 * step, or the Java step) equals libtorch's multi-step unroll over the same inputs with the same weights
 * (loaded through {@link AgentPolicy#loadWeights}), including an episode start in the middle; and it leaves
 * no arrays behind.
 */
class AgentPolicyTest {
  private static ExperimentConfig config(String core) {
    return ExperimentConfig.newBuilder()
        .setTaskId("memory/cue-recall:length=2").setCoreSpec(core).setTorsoHidden(16).setSeed(3).build();
  }

  /**
   * The reference is a model with {@code impl=torch} and the policy's weights (libtorch's unroll over all steps);
   * the policy runs {@code impl=torch} (libtorch, one step at a time) or {@code impl=java} (the Java step).
   */
  @ParameterizedTest
  @ValueSource(strings = {"ur-lstm:hidden=8,impl=torch", "ur-lstm:hidden=8,impl=java", "gru:hidden=8,impl=java"})
  void stepwiseInferenceMatchesTheFullUnrollAndLeavesNoArrays(String core) {
    ExperimentConfig config = config(core);
    Environment e0 = BuiltinTasks.registry().make(config.getTaskId());
    Environment e1 = BuiltinTasks.registry().make("memory/cue-recall:length=5");
    int d = e0.spec().observation().size();
    AgentModel model = AgentNetworks.create(AgentPolicy.specFor(e0.spec(), config), Device.cpu());
    String torchCore = core.replace("impl=java", "impl=torch");
    try (AgentPolicy policy = new AgentPolicy(model);
        AgentModel reference = AgentNetworks.create(AgentPolicy.specFor(e0.spec(), config(torchCore)), Device.cpu())) {
      // fresh weights through loadWeights, as an actor's refresh brings them
      try (AgentModel other = AgentNetworks.create(AgentPolicy.specFor(e0.spec(), config(torchCore).toBuilder().setSeed(9)
          .build()), Device.cpu())) {
        policy.loadWeights(other.weightsToNpz());
        reference.loadWeightsFromNpz(other.weightsToNpz());
      }
      // Two environments, 5 steps; env 0's episode (3 actions) ends at t=3 and a new one starts at t=4.
      TimeStep[][] steps = new TimeStep[5][2];
      int[][] prev = new int[5][2];
      int[] actions = {1, 0, 1, 1, 0};
      steps[0][0] = e0.reset(11);
      steps[0][1] = e1.reset(12);
      prev[0] = new int[] {-1, -1};
      for (int t = 1; t < 5; t++) {
        steps[t][0] = steps[t - 1][0].isLast() ? e0.reset(13) : e0.step(actions[t - 1]);
        steps[t][1] = e1.step(actions[t - 1]);
        prev[t] = new int[] {steps[t][0].isFirst() ? -1 : actions[t - 1], actions[t - 1]};
      }
      assertThat(steps[3][0].isLast()).isTrue();
      assertThat(steps[4][0].isFirst()).isTrue();

      CoreState state = policy.initialState(2);
      int arraysBefore = ((BaseNDManager) model.manager()).getManagedArrays().size();
      float[][] stepLogits = new float[5][];
      for (int t = 0; t < 5; t++) {
        PolicyStep out = policy.step(steps[t], prev[t], state);
        stepLogits[t] = out.logits();
        state = out.next();
      }
      // per-step sub-managers leave nothing in the model's manager (native memory stays flat)
      assertThat(((BaseNDManager) model.manager()).getManagedArrays()).hasSize(arraysBefore);

      // The reference: one call over all 5 steps.
      try (NDManager m = reference.manager().newSubManager()) {
        float[] obs = new float[5 * 2 * d];
        long[] pa = new long[10];
        float[] rew = new float[10];
        float[] res = new float[10];
        for (int t = 0; t < 5; t++) {
          for (int i = 0; i < 2; i++) {
            steps[t][i].observation().copyTo(obs, (t * 2 + i) * d);
            pa[t * 2 + i] = prev[t][i];
            rew[t * 2 + i] = steps[t][i].reward();
            res[t * 2 + i] = steps[t][i].isFirst() ? 1 : 0;
          }
        }
        AgentInput in = new AgentInput(m.create(obs, new Shape(5, 2, d)), m.create(pa, new Shape(5, 2)),
            m.create(rew, new Shape(5, 2)), m.create(res, new Shape(5, 2)));
        NDList s0 = reference.initialState(m, 2);
        AgentOutput ref = reference.unroll(in, s0, false);
        float[] all = ref.policyLogits().toFloatArray();
        for (int t = 0; t < 5; t++) {
          for (int k = 0; k < 4; k++) {
            assertThat(stepLogits[t][k]).as("t=%d k=%d", t, k).isCloseTo(all[t * 4 + k], within(1e-5f));
          }
        }
        float[] fin = ref.finalState().get(0).toFloatArray();
        assertThat(state.arrays().get(0)).hasSize(fin.length);
        for (int k = 0; k < fin.length; k++) {
          assertThat(state.arrays().get(0)[k]).isCloseTo(fin[k], within(1e-5f));
        }
      }
    }
  }
}
