package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * A recurrent core: a gated cell applied over time with per-step resets.
 *
 * <p>Notation: T time steps, B batch entries, I input size, H hidden size. The state is an
 * {@link NDList} of {@code [B, H]} arrays named by {@link CoreSpec#stateNames()}: (h, c) for LSTM
 * cells, (h) for GRU and min cells, (h, c, n, m) for sLSTM; its first array is always the output h.
 *
 * <pre>{@code
 * NDList state = core.initialState(manager, B);
 * CoreOutput out = core.unroll(inputs, resets, state);   // inside a GradientCollector to train
 * out.outputs();      // [T, B, H]
 * out.finalState();   // the state after step T-1
 * }</pre>
 *
 * Results belong to the manager of {@code inputs}; intermediates are closed before returning (the
 * autograd graph keeps what backward needs). Whether a graph is recorded follows the calling
 * thread's grad mode.
 */
public interface RecurrentCore {

  CoreSpec spec();

  /** I, the input size. */
  int inputSize();

  /** H, the state size. */
  default int hiddenSize() {
    return spec().hidden();
  }

  /** The initial (all zero) state for {@code batchSize} entries, created in {@code manager}. */
  NDList initialState(NDManager manager, int batchSize);

  /**
   * One step: {@code input [B, I]} and a state give the next state, whose first array is the output
   * h {@code [B, H]}.
   */
  NDList step(NDArray input, NDList state);

  /**
   * Runs T steps.
   *
   * @param inputs {@code [T, B, I]}
   * @param resets {@code [T, B]}, 1 where the state is reset to the initial state before step t,
   *     else 0; or null for no resets
   * @param state the state before step 0
   * @return outputs {@code [T, B, H]} and the state after the last step
   */
  CoreOutput unroll(NDArray inputs, NDArray resets, NDList state);

  /**
   * The trainable arrays: weight_ih {@code [G·H, I]}, weight_hh {@code [G·H, H]}, bias_ih, bias_hh
   * {@code [G·H]}; only weight_ih and bias_ih for the cells without recurrent weights (min-gru, min-lstm).
   */
  List<NDArray> parameters();

  /** The names of {@link #parameters()}, which are also their names in an .npz file. */
  List<String> parameterNames();
}
