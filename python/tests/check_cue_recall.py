"""Plays a cue-recall task (memory/cue-recall served by Java, or python/cue-recall) through the Python
client and checks its rules; exits 1 with a message on the first broken rule, prints OK otherwise.

    python3 python/tests/check_cue_recall.py --target 127.0.0.1:50051 --task memory/cue-recall --length 3

Environments with an even index answer the queried bit, odd ones the other bit, so both rewards occur.
"""
import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mnemo_env.client import FIRST, LAST, MID, EnvClient  # noqa: E402


def check(cond, message):
    if not cond:
        print(f"RULE BROKEN: {message}", file=sys.stderr)
        sys.exit(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True)
    p.add_argument("--task", default="memory/cue-recall")
    p.add_argument("--length", type=int, default=3)
    p.add_argument("--bits", type=int, default=2)
    p.add_argument("--num-envs", type=int, default=6)
    p.add_argument("--episodes", type=int, default=3, help="episodes per environment")
    p.add_argument("--token", default=None)
    args = p.parse_args()
    n, length = args.num_envs, args.length
    with EnvClient(args.target, token=args.token) as client:
        spec = client.create(f"{args.task}:length={length},bits={args.bits}", n)
        check(list(spec.observations[0].shape) == [2 + args.bits], f"observation shape {spec.observations[0].shape}")
        check(spec.action.num_actions == 2, "two actions")
        ts = client.reset(seed=2024)
        again = EnvClient(args.target, token=args.token)
        again.create(f"{args.task}:length={length},bits={args.bits}", n)
        check(np.array_equal(again.reset(seed=2024).obs, ts.obs), "same seed, same first observations")
        again.close()
        right = np.arange(n) % 2 == 0
        rewards_seen = []
        for episode in range(args.episodes):
            check(np.all(ts.step_types == FIRST), f"episode {episode} starts with FIRST")
            check(np.all(ts.rewards == 0) and np.all(ts.discounts == 1), "FIRST has reward 0, discount 1")
            bits = (ts.obs[:, 2:] > 0).astype(int)
            check(np.all(np.abs(ts.obs[:, 2:]) == 1), "context bits are +-1 at t=0")
            for t in range(1, length + 1):
                ts = client.step(np.zeros(n, dtype=int))
                check(np.all(ts.step_types == MID), f"t={t} is MID")
                check(np.all(ts.rewards == 0), "waiting earns 0")
                check(np.all(ts.obs[:, 2:] == 0), "the bits are hidden after t=0")
                check(np.allclose(ts.obs[:, 0], 1 - t / length), "the time feature counts down")
            query = ts.obs[:, 1].astype(int)
            wanted = bits[np.arange(n), query]
            ts = client.step(np.where(right, wanted, 1 - wanted))
            check(np.all(ts.step_types == LAST), "the answer ends the episode")
            check(np.all(ts.discounts == 0), "the end is terminal (discount 0)")
            check(np.array_equal(ts.rewards, np.where(right, 1.0, -1.0)), f"+1 right, -1 wrong: {ts.rewards}")
            check(np.array_equal(ts.info["success"], right.astype(np.float32)), "success info is 1 right, 0 wrong")
            rewards_seen.extend(ts.rewards)
            ts = client.step(np.ones(n, dtype=int))  # auto-reset: the action is ignored
        print(f"OK {args.task}: {args.episodes * n} episodes, mean reward {np.mean(rewards_seen):.2f}")


if __name__ == "__main__":
    main()
