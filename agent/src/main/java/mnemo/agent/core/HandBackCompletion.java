package mnemo.agent.core;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import mnemo.agent.Autograd;

/**
 * What a hand-derived backward through time does around its own pass, the same for the libtorch cell's
 * ({@link GatedBackward}) and the Java cell's ({@link JavaUnroll}): run once after the loss's backward (or
 * release everything unrun), compute the pass without autograd, and hand its gradients back to autograd with
 * one backward of Σ W' ⊙ ∂L/∂W' + Σ X ⊙ ∂L/∂X + Σ s₀ ⊙ ∂L/∂s₀ (W' rebuilt under autograd), which reaches the
 * parameters and whatever produced X and s₀. {@code manager} owns what the forward kept for the pass.
 */
abstract class HandBackCompletion implements Autograd.Completion {
  final GatedCore core;
  final NDManager manager;
  final int t;
  /** Views of the inputs [N, I] and initial state arrays [B·H], made with autograd on (carrying their graphs, if any). */
  private final NDArray inputsRef;
  private final NDArray[] stateRefs;
  private boolean done;

  HandBackCompletion(GatedCore core, NDManager manager, int t, NDArray inputsRef, NDArray[] stateRefs) {
    this.core = core;
    this.manager = manager;
    this.t = t;
    this.inputsRef = inputsRef;
    this.stateRefs = stateRefs;
  }

  /**
   * The unroll's outputs made from the leaves the completion will read the gradients of: {@code outputsLeaf}
   * [T·B·H] and {@code finalLeaves} (each [B·H]) are marked as requiring a gradient, viewed as [T, B, H] and
   * [B, H], and the views attached to the caller's manager {@code out}.
   */
  static CoreOutput outputsOf(NDArray outputsLeaf, NDList finalLeaves, int t, long b, long h, NDManager out) {
    outputsLeaf.setRequiresGradient(true);
    NDArray outputs = outputsLeaf.reshape(t, b, h);
    NDList fin = new NDList(finalLeaves.size());
    for (NDArray leaf : finalLeaves) {
      leaf.setRequiresGradient(true);
      fin.add(leaf.reshape(b, h));
    }
    outputs.attach(out);
    fin.attach(out);
    return new CoreOutput(outputs, fin);
  }

  /**
   * The backward pass, run without autograd: ∂L/∂ of the weights as used, the inputs and the initial state;
   * null when no backward reached the unroll's outputs.
   */
  abstract GatedBackward.Gradients pass();

  @Override
  public final void complete() {
    if (done) {
      throw new IllegalStateException("completion ran twice");
    }
    done = true;
    try {
      handBack();
    } finally {
      manager.close();
    }
  }

  @Override
  public final void discard() {
    done = true;
    manager.close();
  }

  /**
   * The pass, then the one backward that hands its gradients on. Every intermediate (some land in the
   * weights' manager, as results of their first operand) dies with a scope.
   */
  private void handBack() {
    try (NDScope scope = new NDScope()) {
      scope.suppressNotUsedWarning();
      NDArray injection = null;
      try (Autograd.Paused noGraph = Autograd.pause()) {
        GatedBackward.Gradients g = pass();
        if (g != null) {
          try (Autograd.Paused graph = Autograd.resume()) {
            injection = g.injection(core, t, inputsRef, stateRefs);
          }
        }
      }
      if (injection != null) {
        Autograd.backwardFrom(injection);
      }
    }
  }
}
