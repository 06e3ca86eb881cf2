"""The copy task trained by PyTorch's own nn.LSTM with the setup `mnemo synth copy` uses: an independent
check that the Mnemo trainer is not what makes the task slow to learn.

Same task (10 symbols of 8, N blanks whose last is the recall cue, then 10 recall steps; tokens one-hot over
10), same model (one LSTM layer of H units and a linear readout), same loss (cross-entropy over all T = N + 20
steps), Adam, global-norm clip 1, a fresh batch every update. Prints every 100 updates:
update, loss, loss / memoryless baseline (10 ln 8 / T), recall accuracy of that batch.

    /usr/bin/python3 agent/src/test/python/synth_copy_torch.py --length 10 --hidden 64 --lr 3e-3 --steps 3000
"""
import argparse
import math

import torch


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--length", type=int, default=10, help="N, the blanks between the symbols and the cue")
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    n, t, b = a.length, a.length + 20, a.batch
    lstm, readout = torch.nn.LSTM(10, a.hidden), torch.nn.Linear(a.hidden, 10)
    params = list(lstm.parameters()) + list(readout.parameters())
    opt = torch.optim.Adam(params, lr=a.lr)
    baseline = 10 * math.log(8) / t
    for step in range(1, a.steps + 1):
        symbols = torch.randint(1, 9, (10, b))
        x = torch.zeros(t, b, dtype=torch.long)
        y = torch.zeros(t, b, dtype=torch.long)
        x[:10] = symbols
        x[n + 9] = 9  # the recall cue replaces the last blank
        y[n + 10:] = symbols
        out, _ = lstm(torch.nn.functional.one_hot(x, 10).float())
        logits = readout(out)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, 10), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        if step % 100 == 0:
            acc = (logits[n + 10:].argmax(-1) == y[n + 10:]).float().mean().item()
            print(f"{step} {loss.item():.4f} {loss.item() / baseline:.3f} {acc:.3f}", flush=True)


if __name__ == "__main__":
    main()
