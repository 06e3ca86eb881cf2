"""The peer for `./mnemo bench cores --part unroll`: PyTorch's fused nn.LSTM and the UR-LSTM written as an eager
cell (what a PyTorch user would write), forward + backward of one unroll at Mnemo's shapes.

T = 100 steps, B = 32, I = 64, H = 64 and 256; the loss is the sum of all outputs; median ms of --iters runs,
the two models interleaved run by run, --threads intra-op threads (2, as the machine has). The eager cell is
Mnemo's `ur-lstm` (docs/cores.md): blocks (f, r, u, o), the input projection of all steps in one matmul,
then per step P = xp_t + h W_hhᵀ, f = σ(P_f), r = σ(P_r), u = tanh(P_u), o = σ(P_o),
g = f + (2r − 1) f (1 − f), c' = g c + (1 − g) u, h' = o tanh(c').

Setup (offline, the CPU wheel the machine image carries for CPython 3.11; Debian's python3-torch 1.13 also works):

    apt-get install python3-venv python3-sympy python3-filelock python3-networkx python3-jinja2 python3-fsspec
    /usr/bin/python3 -m venv --system-site-packages /tmp/torchvenv
    /tmp/torchvenv/bin/pip install --no-index --find-links "$PIP_FIND_LINKS" --no-deps torch
    # torch 2.13 needs a newer typing_extensions than Debian's: copy src/typing_extensions.py of
    # github.com/python/typing_extensions into the venv's site-packages (not into this repository)

Run it next to the Java side (one after the other, same load), e.g.

    /tmp/torchvenv/bin/python agent/src/test/python/cores_torch.py --iters 15
    java -Dai.djl.offline=true -cp "cli/target/mnemo-cli.jar:cli/target/lib/*" mnemo.agent.core.CoreBenchmark ur-lstm,lstm 256,64 15

Prints one Markdown row per model and H.
"""
import argparse
import statistics
import time

import torch


class UrLstm(torch.nn.Module):
    """The paper's UR-LSTM as an eager cell over time, initialised as Mnemo's (W ~ U(±1/√H), uniform gate init)."""

    def __init__(self, i, h):
        super().__init__()
        k = 1 / h ** 0.5
        self.h = h
        self.w_ih = torch.nn.Parameter(torch.empty(4 * h, i).uniform_(-k, k))
        self.w_hh = torch.nn.Parameter(torch.empty(4 * h, h).uniform_(-k, k))
        b = torch.zeros(4 * h)
        s = torch.empty(h).uniform_(1 / h, 1 - 1 / h)
        b[:h] = torch.log(s / (1 - s))
        self.bias = torch.nn.Parameter(b)

    def forward(self, x):
        t, b, _ = x.shape
        xp = torch.nn.functional.linear(x, self.w_ih, self.bias).unbind(0)
        h = x.new_zeros(b, self.h)
        c = x.new_zeros(b, self.h)
        out = []
        for step in range(t):
            p = torch.addmm(xp[step], h, self.w_hh.t())
            pf, pr, pu, po = p.chunk(4, 1)
            f, r, o = torch.sigmoid(pf), torch.sigmoid(pr), torch.sigmoid(po)
            g = f + (2 * r - 1) * f * (1 - f)
            c = g * c + (1 - g) * torch.tanh(pu)
            h = o * torch.tanh(c)
            out.append(h)
        return torch.stack(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--iters", type=int, default=15)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--hidden", default="256,64")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    t, b, i = 100, 32, 64
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, T={t} B={b} I={i}, median of {a.iters}")
    print("| model | H | ms | eager / fused |")
    print("| --- | --- | --- | --- |")
    for h in (int(v) for v in a.hidden.split(",")):
        models = {"nn.LSTM (fused)": torch.nn.LSTM(i, h), "UR-LSTM eager cell": UrLstm(i, h)}
        times = {name: [] for name in models}
        for k in range(a.warmup + a.iters):
            for name, model in models.items():
                x = torch.randn(t, b, i)
                start = time.perf_counter()
                out = model(x)
                out = out[0] if isinstance(out, tuple) else out
                out.sum().backward()
                elapsed = (time.perf_counter() - start) * 1e3
                model.zero_grad(set_to_none=True)
                if k >= a.warmup:
                    times[name].append(elapsed)
        fused = statistics.median(times["nn.LSTM (fused)"])
        for name in models:
            ms = statistics.median(times[name])
            print(f"| {name} | {h} | {ms:.1f} | {ms / fused:.2f}x |", flush=True)


if __name__ == "__main__":
    main()
