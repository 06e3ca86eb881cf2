#!/usr/bin/python3
"""Writes the reference unrolls the Java core tests compare against.

Run once with Debian's interpreter (numpy, torch 1.13):
    /usr/bin/python3 agent/src/test/python/make_core_references.py
It writes agent/src/test/resources/mnemo/agent/core/reference/<spec>.npz and index.txt.

Independent of the Java code: `lstm` and `gru` go through torch.nn.LSTMCell / GRUCell (float64);
every paper variant through a plain numpy float64 loop written from the equations in
docs/cores.md. Weights are large (saturating gates), the initial state is non-zero, and resets
fall inside the sequence (the state is zeroed before a step whose reset flag is 1).

Each archive holds: weight_ih [G*H, I], weight_hh [G*H, H], bias_ih, bias_hh [G*H],
inputs [T, B, I], resets [T, B], h0 [B, H] (and c0 for LSTMs), outputs [T, B, H],
h_final [B, H] (and c_final).
"""
import os
import numpy as np
import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "mnemo", "agent", "core", "reference")
T, B, I, H = 7, 3, 5, 4
SCALE = 2.5  # weights ~ U(-2.5, 2.5): many gate pre-activations beyond +-4, i.e. saturated


def sig(x):
    return 1.0 / (1.0 + np.exp(-x))


def cumax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return np.cumsum(e / e.sum(axis=-1, keepdims=True), axis=-1)


def blocks_of(name):
    family = name.split("-")[-1]
    code = name[: -len(family) - 1] if "-" in name else ""
    main = code[0] if code and code[0] in "cou" else "-"
    aux = code[-1] if code and code[-1] in "mr" else "-"
    if name == "lstm":
        return "lstm", main, aux, ["i", "f", "g", "o"]
    if name == "gru":
        return "gru", main, aux, ["r", "z", "n"]
    if family == "lstm":
        mid = {"-": [], "r": ["r"], "m": ["F", "I"]}[aux]
        return "tied", main, aux, ["f"] + mid + ["u", "o"]
    mid = {"-": [], "r": ["q"], "m": ["F", "I"]}[aux]
    return "pgru", main, aux, ["r", "z", "n"] + mid


def numpy_unroll(kind, main, aux, names, w, x, resets, h0, c0, refine_offset):
    wih, whh, bih, bhh = w
    G = len(names)
    h, c = h0.copy(), (None if c0 is None else c0.copy())
    outs = []
    for t in range(x.shape[0]):
        keep = (1.0 - resets[t])[:, None]
        h = h * keep
        if c is not None:
            c = c * keep
        xi = x[t] @ wih.T + bih
        hh = h @ whh.T + bhh
        P = {n: xi[:, k * H:(k + 1) * H] + hh[:, k * H:(k + 1) * H] for k, n in enumerate(names)}
        XI = {n: xi[:, k * H:(k + 1) * H] for k, n in enumerate(names)}
        HH = {n: hh[:, k * H:(k + 1) * H] for k, n in enumerate(names)}
        bsum = {n: bih[k * H:(k + 1) * H] + bhh[k * H:(k + 1) * H] for k, n in enumerate(names)}
        if kind == "tied":
            if aux == "m":
                f = sig(P["f"])
                act = cumax if main == "o" else sig
                F = act(P["F"])
                Ig = 1.0 - act(P["I"])
                om = F * Ig
                fh = f * om + (F - om)
                ih = (1.0 - f) * om + (Ig - om)
                u = np.tanh(P["u"])
                c = fh * c + ih * u
            else:
                f = cumax(P["f"]) if main == "o" else sig(P["f"])
                if aux == "r":
                    pr = P["r"] - (bsum["f"] if refine_offset else 0.0)
                    r = sig(pr)
                    g = r * (1 - (1 - f) ** 2) + (1 - r) * f ** 2
                else:
                    g = f
                u = np.tanh(P["u"])
                c = g * c + (1 - g) * u
            h = sig(P["o"]) * np.tanh(c)
        elif kind == "pgru":
            r = sig(P["r"])
            n = np.tanh(XI["n"] + r * HH["n"])
            if aux == "m":
                z = sig(P["z"])
                act = cumax if main == "o" else sig
                F = act(P["F"])
                Ig = 1.0 - act(P["I"])
                om = F * Ig
                zh = z * om + (F - om)
                ih = (1.0 - z) * om + (Ig - om)
                h = zh * h + ih * n
            else:
                z = cumax(P["z"]) if main == "o" else sig(P["z"])
                if aux == "r":
                    pq = P["q"] - (bsum["z"] if refine_offset else 0.0)
                    q = sig(pq)
                    g = q * (1 - (1 - z) ** 2) + (1 - q) * z ** 2
                else:
                    g = z
                h = g * h + (1 - g) * n
        else:
            raise ValueError(kind)
        outs.append(h.copy())
    return np.stack(outs), h, c


def torch_unroll(kind, w, x, resets, h0, c0):
    wih, whh, bih, bhh = (torch.tensor(a) for a in w)
    if kind == "lstm":
        cell = torch.nn.LSTMCell(I, H).double()
    else:
        cell = torch.nn.GRUCell(I, H).double()
    with torch.no_grad():
        cell.weight_ih.copy_(wih)
        cell.weight_hh.copy_(whh)
        cell.bias_ih.copy_(bih)
        cell.bias_hh.copy_(bhh)
        h = torch.tensor(h0)
        c = None if c0 is None else torch.tensor(c0)
        outs = []
        for t in range(x.shape[0]):
            keep = torch.tensor(1.0 - resets[t])[:, None]
            h = h * keep
            if kind == "lstm":
                c = c * keep
                h, c = cell(torch.tensor(x[t]), (h, c))
            else:
                h = cell(torch.tensor(x[t]), h)
            outs.append(h.numpy().copy())
    return np.stack(outs), h.numpy(), (None if c is None else c.numpy())


def all_names():
    names = ["lstm", "gru", "tied-lstm"]
    for fam in ["lstm", "gru"]:
        for m in ["", "c", "o", "u"]:
            for a in ["", "m", "r"]:
                if m + a:
                    names.append(m + a + "-" + fam)
    return names


def main():
    os.makedirs(OUT, exist_ok=True)
    specs = [(n, False) for n in all_names()] + [("ur-lstm", True), ("ur-gru", True)]
    index = []
    for k, (name, offset) in enumerate(specs):
        rng = np.random.default_rng(1000 + k)
        kind, mg, ag, names = blocks_of(name)
        G = len(names)
        w = (rng.uniform(-SCALE, SCALE, (G * H, I)), rng.uniform(-SCALE, SCALE, (G * H, H)),
             rng.uniform(-SCALE, SCALE, G * H), rng.uniform(-SCALE, SCALE, G * H))
        x = rng.normal(0, 1, (T, B, I))
        resets = np.zeros((T, B))
        resets[2, 0] = 1
        resets[4, 1] = 1
        resets[4, 2] = 1
        resets[5, 0] = 1
        lstm_like = kind in ("lstm", "tied")
        h0 = rng.normal(0, 1, (B, H))
        c0 = rng.normal(0, 1, (B, H)) if lstm_like else None
        if kind in ("lstm", "gru"):
            outs, hf, cf = torch_unroll(kind, w, x, resets, h0, c0)
        else:
            outs, hf, cf = numpy_unroll(kind, mg, ag, names, w, x, resets, h0, c0, offset)
        spec = name + (":hidden=%d,refine_offset=true" % H if offset else ":hidden=%d" % H)
        file = name + ("-offset" if offset else "") + ".npz"
        arrays = dict(weight_ih=w[0], weight_hh=w[1], bias_ih=w[2], bias_hh=w[3], inputs=x, resets=resets,
                      h0=h0, outputs=outs, h_final=hf)
        if lstm_like:
            arrays.update(c0=c0, c_final=cf)
        np.savez(os.path.join(OUT, file), **arrays)
        index.append(file + " " + spec)
    with open(os.path.join(OUT, "index.txt"), "w") as f:
        f.write("\n".join(index) + "\n")
    print("wrote", len(index), "references to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
