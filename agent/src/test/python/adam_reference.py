"""Reference values for AdamTest: torch.optim.Adam on a fixed weight and gradient sequence.

Run with Debian's python (torch 1.13): /usr/bin/python3 agent/src/test/python/adam_reference.py
The printed weights are pasted into learner/src/test/java/mnemo/learner/optim/OptimizersTest.java.
"""
import torch

w = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64, requires_grad=True)
grads = [[0.1, -0.2, 0.3], [1.0, 0.5, -2.0], [-0.3, 0.0, 0.7]]
opt = torch.optim.Adam([w], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
for g in grads:
    opt.zero_grad()
    w.grad = torch.tensor(g, dtype=torch.float64)
    opt.step()
    print([round(x, 9) for x in w.detach().tolist()])
