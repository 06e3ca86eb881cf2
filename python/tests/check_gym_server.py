"""Checks mnemo_env.gym_server against duck-typed environments (no Gymnasium needed): the mapping of
terminated/truncated, success, seeds, auto-reset, dtype casts and action offsets through the real
client, the protocol errors, and the refusal of spaces the protocol cannot carry. Exits 1 with a
message on the first broken rule, prints OK otherwise (used by the Java tests).

    python3 python/tests/check_gym_server.py
"""
import os
import sys

import grpc
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from mnemo_env import gym_server  # noqa: E402
from mnemo_env.client import FIRST, LAST, MID, EnvClient  # noqa: E402
from mnemo_env.protocol import derive  # noqa: E402
from mnemo_env.server import serve  # noqa: E402


def check(cond, message):
    if not cond:
        print(f"RULE BROKEN: {message}", file=sys.stderr)
        sys.exit(1)


class Box:
    def __init__(self, low, high, shape, dtype):
        self.low, self.high, self.shape, self.dtype = np.full(shape, low), np.full(shape, high), shape, np.dtype(dtype)


class Discrete:
    def __init__(self, n, start=0):
        self.n, self.start = n, start


class Spec:
    max_episode_steps = 4


SEEDS = []  # every seed a Counter was reset with, in order


class Counter:
    """obs = [seed % 1000, t] as float64; action space {10, 11, 12} (start 10). The episode terminates when
    the action is 12 (success 1), or is truncated after 4 steps (success 0); reward = the action - 10."""

    def __init__(self):
        self.observation_space = Box(-1.0, 1e6, (2,), np.float64)
        self.action_space = Discrete(3, start=10)
        self.spec = Spec()
        self.t = 0
        self.seed = None
        self.closed = False

    def reset(self, seed=None):
        SEEDS.append(seed)
        self.seed, self.t = seed, 0
        return np.array([seed % 1000, 0.0]), {}

    def step(self, action):
        check(action in (10, 11, 12), f"the bridge adds action_space.start: got {action}")
        self.t += 1
        terminated = action == 12
        truncated = self.t >= 4 and not terminated
        info = {"success": 1.0} if terminated else ({"success": 0.0} if truncated else {})
        return np.array([self.seed % 1000, float(self.t)]), float(action - 10), terminated, truncated, info


class Image:
    """uint8 [2, 2, 3] observations, never ending."""

    def __init__(self):
        self.observation_space = Box(0, 255, (2, 2, 3), np.uint8)
        self.action_space = Discrete(2)

    def reset(self, seed=None):
        return np.full((2, 2, 3), 200, dtype=np.uint8), {}

    def step(self, action):
        return np.full((2, 2, 3), 7 * action, dtype=np.uint8), 0.0, False, False, {}


class Broken(Image):
    def step(self, action):
        raise RuntimeError("the physics engine exploded")


class Continuous(Image):
    def __init__(self):
        super().__init__()
        self.action_space = Box(-1.0, 1.0, (2,), np.float32)


class DictObs(Image):
    def __init__(self):
        super().__init__()
        self.observation_space = type("Dict", (), {"spaces": {"a": None}, "shape": None})()


def status(client_call):
    try:
        client_call()
    except grpc.RpcError as e:
        return e.code(), e.details()
    return None, None


def main():
    d = gym_server.describe(Counter())
    check(d.shape == (2,) and d.dtype == np.float32 and d.num_actions == 3 and d.action_start == 10, f"{d}")
    check(d.low == -1.0 and d.high == 1e6 and d.max_episode_steps == 4, f"bounds and time limit: {d}")
    img = gym_server.describe(Image())
    check(img.dtype == np.uint8 and img.shape == (2, 2, 3) and (img.low, img.high) == (0, 255), f"{img}")
    for bad, words in ((Continuous(), "continuous actions are not served"), (DictObs(), "dict and tuple")):
        try:
            gym_server.describe(bad)
            check(False, f"{type(bad).__name__} was not refused")
        except gym_server.Unservable as e:
            check(words in str(e), f"refusal message: {e}")

    servers = []
    targets = {}
    for name, factory in (("counter", Counter), ("image", Image), ("broken", Broken)):
        servicer = gym_server.GymServicer(factory, f"gym/{name}", gym_server.describe(factory()), name)
        server, port = serve(port=0, servicer=servicer)
        servers.append(server)
        targets[name] = f"127.0.0.1:{port}"

    n = 3
    with EnvClient(targets["counter"]) as env:
        spec = env.create("gym/counter", n)
        check(spec.task_id == "gym/counter" and spec.action.num_actions == 3, f"spec {spec}")
        check(list(spec.observations[0].shape) == [2] and spec.max_episode_steps == 4, "shape and time limit")
        SEEDS.clear()
        ts = env.reset(seed=99)
        check(SEEDS == [derive(99, i) for i in range(n)], f"environment i resets with derive(seed, i): {SEEDS}")
        check(ts.obs.dtype == np.float32 and np.all(ts.step_types == FIRST), "float64 cast to float32; FIRST")
        check(np.allclose(ts.obs[:, 0], [derive(99, i) % 1000 for i in range(n)]), "the observations of the reset")
        ts = env.step([2, 0, 1])  # env 0 terminates (action 12), the others go on
        check(list(ts.step_types) == [LAST, MID, MID], f"terminated is LAST: {ts.step_types}")
        check(list(ts.discounts) == [0, 1, 1], f"terminated has discount 0: {ts.discounts}")
        check(list(ts.rewards) == [2, 0, 1], f"rewards {ts.rewards}")
        check(ts.info["success"][0] == 1 and np.all(np.isnan(ts.info["success"][1:])), f"success {ts.info}")
        for _ in range(3):
            ts = env.step([0, 0, 0])
        # env 0 auto-reset on the first of these and is at t=2; envs 1 and 2 reached the time limit
        check(list(ts.step_types) == [MID, LAST, LAST], f"truncation is LAST: {ts.step_types}")
        check(list(ts.discounts) == [1, 1, 1], f"truncation keeps discount 1: {ts.discounts}")
        check(list(ts.info["success"][1:]) == [0, 0], f"success 0 on truncation: {ts.info}")
        check(SEEDS[n] == derive(derive(99, 0), 1), "the first automatic reset uses derive(seed_0, 1)")
        ts = env.step([1, 1, 1])
        check(list(ts.step_types) == [MID, FIRST, FIRST], f"a step after LAST returns FIRST: {ts.step_types}")
        check(list(ts.rewards[1:]) == [0, 0], "and ignores its action")

    with EnvClient(targets["image"]) as env:
        env.create("gym/image", 2)
        ts = env.reset(seed=1)
        check(ts.obs.dtype == np.uint8 and ts.obs.shape == (2, 2, 2, 3) and np.all(ts.obs == 200), "uint8 images")
        ts = env.step([1, 0])
        check(np.all(ts.obs[0] == 7) and np.all(ts.obs[1] == 0), "image observations after a step")

    def session(target, task, *steps, reset=True):
        client = EnvClient(target)
        try:
            client.create(task, 2)
            if reset:
                client.reset(seed=1)
            for s in steps:
                client.step(s)
        finally:
            client.close()

    code, details = status(lambda: session(targets["counter"], "gym/counter", [0, 3]))
    check(code == grpc.StatusCode.INVALID_ARGUMENT and "outside [0, 3)" in details, f"bad action: {code} {details}")
    code, details = status(lambda: session(targets["counter"], "gym/counter", [0]))
    check(code == grpc.StatusCode.INVALID_ARGUMENT and "expected 2 actions" in details, f"action count: {code}")
    code, details = status(lambda: session(targets["counter"], "gym/counter", [0, 0], reset=False))
    check(code == grpc.StatusCode.FAILED_PRECONDITION and "reset" in details, f"step before reset: {code} {details}")
    code, details = status(lambda: session(targets["counter"], "gym/other"))
    check(code == grpc.StatusCode.NOT_FOUND and "gym/counter" in details, f"unknown task: {code} {details}")
    code, details = status(lambda: session(targets["counter"], "gym/counter:length=3"))
    check(code == grpc.StatusCode.INVALID_ARGUMENT and "no parameters" in details, f"parameters: {code} {details}")
    code, details = status(lambda: session(targets["broken"], "gym/broken", [0, 0]))
    check(code == grpc.StatusCode.INTERNAL and "exploded" in details, f"an environment that raises: {code} {details}")
    with EnvClient(targets["counter"]) as env:  # still serving after the errors
        env.create("gym/counter", 1)
        check(env.reset(seed=5).step_types[0] == FIRST, "the server survives failed sessions")
    for server in servers:
        server.stop(grace=0)
    print("OK gym_server: spaces, seeds, terminated/truncated, success, auto-reset, errors, refusals")


if __name__ == "__main__":
    main()
