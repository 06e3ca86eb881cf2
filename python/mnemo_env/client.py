"""A small client of the Mnemo environment protocol: create N environments, reset, step a batch.

    from mnemo_env.client import EnvClient
    with EnvClient("127.0.0.1:50051") as client:
        spec = client.create("memory/cue-recall:length=5", num_envs=4)
        ts = client.reset(seed=1)                 # ts.obs: [4, *shape]
        ts = client.step([0, 1, 0, 1])            # one round trip for the whole batch

Command line: python3 -m mnemo_env.client --target 127.0.0.1:50051 --task memory/cue-recall --steps 100
"""
import argparse
import queue
import random
import sys
from dataclasses import dataclass, field

import grpc
import numpy as np

from mnemo_env.protocol import from_tensor, pb, pb_grpc

FIRST, MID, LAST = pb.FIRST, pb.MID, pb.LAST


@dataclass
class Batch:
    """N time steps stacked: step_types, rewards, discounts [N]; obs [N, *shape]; info {key: [N]} (NaN = absent)."""
    step_types: np.ndarray
    rewards: np.ndarray
    discounts: np.ndarray
    obs: np.ndarray
    info: dict = field(default_factory=dict)


def decode(batch, num_envs):
    """A TimeStepBatch as a Batch, checked for N entries everywhere."""
    if not (len(batch.step_types) == len(batch.rewards) == len(batch.discounts) == num_envs):
        raise ValueError(f"batch does not hold {num_envs} steps")
    if len(batch.observations) != 1:
        raise ValueError(f"expected 1 observation tensor, got {len(batch.observations)}")
    obs = from_tensor(batch.observations[0])
    if obs.shape[0] != num_envs:
        raise ValueError(f"observations have leading size {obs.shape[0]}, expected {num_envs}")
    return Batch(np.array(batch.step_types, dtype=np.int32), np.array(batch.rewards, dtype=np.float32),
                 np.array(batch.discounts, dtype=np.float32), obs,
                 {c.key: np.array(c.values, dtype=np.float32) for c in batch.info})


class EnvClient:
    """One Session stream to an environment server; not thread-safe."""

    def __init__(self, target, token=None, tls_trust=None, timeout=30.0):
        options = [("grpc.max_receive_message_length", -1)]  # batches of images are large; the server is trusted
        if tls_trust is not None:
            with open(tls_trust, "rb") as f:
                creds = grpc.ssl_channel_credentials(root_certificates=f.read())
            self._channel = grpc.secure_channel(target, creds, options=options)
        else:
            self._channel = grpc.insecure_channel(target, options=options)
        self._metadata = (("authorization", f"Bearer {token}"),) if token else ()
        self._stub = pb_grpc.EnvironmentStub(self._channel)
        self._timeout = timeout
        self._requests = None
        self._responses = None
        self.spec = None
        self.num_envs = 0

    def list_tasks(self):
        return list(self._stub.ListTasks(pb.ListTasksRequest(), metadata=self._metadata, timeout=self._timeout).tasks)

    def create(self, task_id, num_envs=1):
        """Opens the session with N instances of task_id; returns the EnvSpec message."""
        if self._requests is not None:
            raise RuntimeError("this client already created its environments")
        self._requests = queue.Queue()
        self._responses = self._stub.Session(iter(self._requests.get, None), metadata=self._metadata)
        r = self._exchange(pb.SessionRequest(create=pb.CreateRequest(task_id=task_id, num_envs=num_envs)))
        self.spec, self.num_envs = r.created.spec, r.created.num_envs
        return self.spec

    def reset(self, seed):
        return decode(self._exchange(pb.SessionRequest(reset=pb.ResetRequest(seed=seed & ((1 << 64) - 1)))).steps,
                      self.num_envs)

    def step(self, actions):
        actions = [int(a) for a in actions]
        return decode(self._exchange(pb.SessionRequest(step=pb.StepRequest(actions=actions))).steps, self.num_envs)

    def _exchange(self, request):
        if self._requests is None:
            raise RuntimeError("create the environments first")
        self._requests.put(request)
        return next(self._responses)  # raises grpc.RpcError with the server's status

    def close(self):
        if self._requests is not None:
            self._requests.put(None)  # half-close: the server frees the environments
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv=None):
    p = argparse.ArgumentParser(description="Step environments served over mnemo.env.v1 with random actions.")
    p.add_argument("--target", default="127.0.0.1:50051", help="host:port of the environment server")
    p.add_argument("--task", default="memory/cue-recall", help="task id with parameters")
    p.add_argument("--num-envs", type=int, default=4)
    p.add_argument("--steps", type=int, default=100, help="vector steps to take")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--token", default=None, help="shared token (or env MNEMO_TOKEN)")
    p.add_argument("--tls-trust", default=None, help="PEM certificate to trust (enables TLS)")
    p.add_argument("--list", action="store_true", help="list the server's tasks and exit")
    args = p.parse_args(argv)
    import os
    token = args.token or os.environ.get("MNEMO_TOKEN") or None
    with EnvClient(args.target, token=token, tls_trust=args.tls_trust) as client:
        if args.list:
            for t in client.list_tasks():
                params = ", ".join(f"{q.name}={q.default_value}" for q in t.params)
                print(f"{t.family}  ({params})  {t.description}")
            return 0
        spec = client.create(args.task, args.num_envs)
        print(f"created {client.num_envs} x {spec.task_id}: obs {list(spec.observations[0].shape)}, "
              f"{spec.action.num_actions} actions")
        rng = random.Random(args.seed)
        ts = client.reset(args.seed)
        returns = np.zeros(client.num_envs)
        episodes = []
        for _ in range(args.steps):
            ts = client.step([rng.randrange(spec.action.num_actions) for _ in range(client.num_envs)])
            returns += ts.rewards
            for i in np.flatnonzero(ts.step_types == LAST):
                episodes.append(returns[i])
                returns[i] = 0
        mean = f"{np.mean(episodes):.3f}" if episodes else "n/a"
        print(f"{args.steps} steps, {len(episodes)} episodes, mean return {mean}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except grpc.RpcError as e:
        print(f"client: {e.code().name}: {e.details()}", file=sys.stderr)
        sys.exit(1)
