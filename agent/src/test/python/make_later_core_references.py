#!/usr/bin/env python3
"""Writes the reference unrolls of the later cores (min-gru, min-lstm, slstm) for CoreReferenceTest.

Run once with any Python 3 that has numpy (no torch needed):
    python3 agent/src/test/python/make_later_core_references.py
It writes agent/src/test/resources/mnemo/agent/core/reference/<name>.npz and later-index.txt
(make_core_references.py owns index.txt and the paper's cores).

Independent of the Java code: a plain numpy float64 loop, one step at a time, written from the
equations of issue 13 / docs/cores.md in their textbook form (f' = f / (f + i), 1 - z, exp of the
stabilised gates): no log-space, no scan, no chunks. Weights are large (saturating gates), the
initial state is non-zero, and resets fall inside the sequence, at chunk borders and inside chunks
(the state is zeroed before a step whose reset flag is 1). The "-extreme" archives scale the weights
further (pre-activations of tens), where 1 - sigmoid(k) is 0 in float32.

Each archive holds the core's weights (weight_ih [G*H, I], bias_ih [G*H], and for slstm weight_hh
[G*H, H], bias_hh), inputs [T, B, I], resets [T, B], the initial state (h0; for slstm also c0, n0,
m0), outputs [T, B, H] and the final state (h_final; c_final, n_final, m_final).
"""
import os
import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "mnemo", "agent", "core", "reference")
T, B, I, H = 20, 3, 5, 4


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def min_gru(w, x, resets, state):
    wih, bih = w["weight_ih"], w["bias_ih"]
    (h,) = state
    outs = []
    for t in range(x.shape[0]):
        h = h * (1.0 - resets[t])[:, None]
        p = x[t] @ wih.T + bih
        z = sig(p[:, :H])
        h_tilde = p[:, H:]
        h = (1.0 - z) * h + z * h_tilde
        outs.append(h.copy())
    return np.stack(outs), (h,)


def min_lstm(w, x, resets, state):
    wih, bih = w["weight_ih"], w["bias_ih"]
    (h,) = state
    outs = []
    for t in range(x.shape[0]):
        h = h * (1.0 - resets[t])[:, None]
        p = x[t] @ wih.T + bih
        f = sig(p[:, :H])
        i = sig(p[:, H:2 * H])
        h_tilde = p[:, 2 * H:]
        f_n = f / (f + i)
        i_n = i / (f + i)
        h = f_n * h + i_n * h_tilde
        outs.append(h.copy())
    return np.stack(outs), (h,)


def slstm(w, x, resets, state):
    wih, whh, bih, bhh = w["weight_ih"], w["weight_hh"], w["bias_ih"], w["bias_hh"]
    h, c, n, m = state
    outs = []
    for t in range(x.shape[0]):
        keep = (1.0 - resets[t])[:, None]
        h, c, n, m = h * keep, c * keep, n * keep, m * keep
        p = x[t] @ wih.T + bih + h @ whh.T + bhh
        i_t, f_t, z_t, o_t = (p[:, k * H:(k + 1) * H] for k in range(4))
        log_f = np.log(sig(f_t))
        m_new = np.maximum(log_f + m, i_t)
        i_g = np.exp(i_t - m_new)
        f_g = np.exp(log_f + m - m_new)
        c = f_g * c + i_g * np.tanh(z_t)
        n = f_g * n + i_g
        h = sig(o_t) * c / n
        m = m_new
        outs.append(h.copy())
    return np.stack(outs), (h, c, n, m)


CORES = {
    "min-gru": (min_gru, 2, False, ["h"]),
    "min-lstm": (min_lstm, 3, False, ["h"]),
    "slstm": (slstm, 4, True, ["h", "c", "n", "m"]),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    index = []
    cases = [("min-gru", 2.5), ("min-lstm", 2.5), ("slstm", 2.5), ("min-gru", 12.0), ("min-lstm", 12.0),
             ("slstm", 6.0)]
    for k, (name, scale) in enumerate(cases):
        fn, g, recurrent, states = CORES[name]
        rng = np.random.default_rng(2000 + k)
        w = {"weight_ih": rng.uniform(-scale, scale, (g * H, I)), "bias_ih": rng.uniform(-scale, scale, g * H)}
        if recurrent:
            w["weight_hh"] = rng.uniform(-scale, scale, (g * H, H)) / scale  # a contracting recurrence
            w["bias_hh"] = rng.uniform(-scale, scale, g * H)
        x = rng.normal(0, 1, (T, B, I))
        resets = np.zeros((T, B))
        resets[0, 2] = 1   # the first step
        resets[3, 0] = 1   # inside a chunk of 8
        resets[8, 1] = 1   # at a chunk border (L = 8, 4, 2)
        resets[9, 1] = 1   # twice in a row
        resets[13, 0] = 1
        resets[16, 2] = 1
        resets[19, 0] = 1  # the last step
        s0 = [rng.normal(0, 1, (B, H))]
        if recurrent:
            s0 += [rng.normal(0, 1, (B, H)), rng.uniform(0.5, 2.0, (B, H)), rng.normal(0, 1, (B, H))]
        outs, fin = fn(w, x, resets, tuple(a.copy() for a in s0))
        assert np.all(np.isfinite(outs)), name
        arrays = dict(w, inputs=x, resets=resets, outputs=outs)
        for s, a0, a1 in zip(states, s0, fin):
            arrays[s + "0"] = a0
            arrays[s + "_final"] = a1
        file = name + ("-extreme" if scale > 2.5 else "") + ".npz"
        np.savez(os.path.join(OUT, file), **arrays)
        chunks = [""] if recurrent else ["", ",chunk=1", ",chunk=3", ",chunk=20", ",chunk=64"]
        for ch in chunks:
            index.append("%s %s:hidden=%d%s" % (file, name, H, ch))
    with open(os.path.join(OUT, "later-index.txt"), "w") as f:
        f.write("\n".join(index) + "\n")
    print("wrote", len(cases), "references,", len(index), "index lines, to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
