"""An environment written in Python, served over Mnemo's environment protocol (mnemo.env.v1).

The task, ``python/cue-recall:length=L,bits=B``, has the rules of Mnemo's ``memory/cue-recall`` (bsuite's
memory-length task): observation ``[1 - t/L, query, bits...]`` (float32, 2 + B values); the context
bits (as +-1) are visible only at t = 0, the query (index of the asked bit) only at t = L. Each of the
first L actions earns 0; the action after the query ends the episode (terminal, discount 0) with +1
and info success=1 if it equals the queried bit, else -1 and success=0.

The session follows env.proto: environment i is seeded from (seed, i) with Mnemo's SplitMix64
derivation, the k-th episode after an automatic reset from (seed_i, k); an environment whose last
step was LAST ignores its action and returns FIRST. Errors end the session with a gRPC status.

    python3 -m mnemo_env.server --port 50052          # then: ./mnemo ... --env-target 127.0.0.1:50052
"""
import argparse
import hmac
import os
import signal
import sys
import threading
from concurrent import futures

import grpc
import numpy as np

from mnemo_env.protocol import derive, pb, pb_grpc, to_tensor

FAMILY = "python/cue-recall"
PARAMS = (("length", "10", "L, steps between the cue and the query"),
          ("bits", "1", "number of context bits shown at t=0"))
MAX_ENVS = 4096


class BadTask(ValueError):
    pass


def parse_task(task_id):
    """(canonical id, length, bits) from 'python/cue-recall:length=L,bits=B'; raises KeyError/BadTask."""
    family, _, rest = task_id.strip().partition(":")
    if family != FAMILY:
        raise KeyError(f"unknown task '{family}'; known: {FAMILY}")
    values = {name: default for name, default, _ in PARAMS}
    for kv in filter(None, rest.split(",")):
        key, eq, value = kv.partition("=")
        if not eq or key.strip() not in values:
            raise BadTask(f"task {FAMILY} has no parameter '{kv}'; it has length, bits")
        values[key.strip()] = value.strip()
    try:
        length, bits = int(values["length"]), int(values["bits"])
    except ValueError:
        raise BadTask(f"{FAMILY}: length and bits must be integers, got {values}") from None
    if not 1 <= length <= 1_000_000 or not 1 <= bits <= 1024:
        raise BadTask(f"{FAMILY}: length must be in [1, 1000000] and bits in [1, 1024], got {length}, {bits}")
    return f"{FAMILY}:bits={bits},length={length}", length, bits


class CueRecallVector:
    """N cue-recall environments stepped together with numpy, with the protocol's seeding and auto-reset."""

    def __init__(self, length, bits, n):
        self.length, self.bits, self.n = length, bits, n
        self.t = np.zeros(n, dtype=np.int64)
        self.context = np.zeros((n, bits), dtype=np.int64)
        self.query = np.zeros(n, dtype=np.int64)
        self.needs_reset = np.zeros(n, dtype=bool)
        self.stream_seeds = [0] * n
        self.episodes = [0] * n

    def _start(self, i, seed):
        rng = np.random.default_rng(seed)
        self.context[i] = rng.integers(0, 2, self.bits)
        self.query[i] = rng.integers(0, self.bits)
        self.t[i] = 0
        self.needs_reset[i] = False

    def _observe(self):
        n, length = self.n, self.length
        obs = np.zeros((n, 2 + self.bits), dtype=np.float32)
        obs[:, 0] = np.float32(1) - np.minimum(self.t, length).astype(np.float32) / np.float32(length)
        at_query = self.t == length
        obs[at_query, 1] = self.query[at_query]
        at_cue = self.t == 0
        obs[at_cue, 2:] = 2 * self.context[at_cue] - 1
        return obs

    def reset(self, seed):
        for i in range(self.n):
            self.stream_seeds[i] = derive(seed, i)
            self.episodes[i] = 0
            self._start(i, self.stream_seeds[i])
        return self._batch(np.full(self.n, pb.FIRST), np.zeros(self.n), np.ones(self.n), None)

    def step(self, actions):
        actions = np.asarray(actions, dtype=np.int64)
        types = np.full(self.n, pb.MID)
        rewards = np.zeros(self.n, dtype=np.float32)
        discounts = np.ones(self.n, dtype=np.float32)
        success = np.full(self.n, np.nan, dtype=np.float32)
        restart = self.needs_reset.copy()
        for i in np.flatnonzero(restart):  # auto-reset: the action is ignored
            self.episodes[i] += 1
            self._start(i, derive(self.stream_seeds[i], self.episodes[i]))
            types[i] = pb.FIRST
        waiting = ~restart & (self.t < self.length)
        self.t[waiting] += 1
        answering = ~restart & ~waiting
        correct = actions == self.context[np.arange(self.n), self.query]
        types[answering] = pb.LAST
        rewards[answering] = np.where(correct[answering], 1.0, -1.0)
        discounts[answering] = 0.0
        success[answering] = correct[answering].astype(np.float32)
        self.needs_reset = answering
        return self._batch(types, rewards, discounts, success)

    def _batch(self, types, rewards, discounts, success):
        b = pb.TimeStepBatch(step_types=[int(x) for x in types], rewards=[float(x) for x in rewards],
                             discounts=[float(x) for x in discounts], observations=[to_tensor(self._observe())])
        if success is not None and not np.all(np.isnan(success)):
            b.info.add(key="success", values=[float(x) for x in success])
        return b


def spec_of(canonical, length, bits):
    return pb.EnvSpec(
        task_id=canonical,
        observations=[pb.TensorSpec(name="obs", shape=[2 + bits], dtype=pb.FLOAT32, minimum=-1.0,
                                    maximum=float(max(1, bits - 1)))],
        action=pb.ActionSpec(num_actions=2, names=["zero", "one"]),
        max_episode_steps=0, info_keys=["success"])


class EnvironmentServicer(pb_grpc.EnvironmentServicer):
    def __init__(self):
        self.open_sessions = 0
        self._lock = threading.Lock()

    def ListTasks(self, request, context):
        return pb.ListTasksResponse(tasks=[pb.TaskInfo(
            family=FAMILY, description="bsuite memory length, written in Python (rules of memory/cue-recall)",
            params=[pb.TaskParam(name=n, default_value=d, help=h) for n, d, h in PARAMS])])

    def Session(self, request_iterator, context):
        vector, spec, was_reset = None, None, False
        try:
            for request in request_iterator:
                kind = request.WhichOneof("request")
                if kind == "create":
                    if vector is not None:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "this session already created its environments")
                    n = request.create.num_envs
                    if not 1 <= n <= MAX_ENVS:
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"num_envs must be in [1, {MAX_ENVS}], got {n}")
                    try:
                        canonical, length, bits = parse_task(request.create.task_id)
                    except KeyError as e:
                        context.abort(grpc.StatusCode.NOT_FOUND, e.args[0])
                    except BadTask as e:
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
                    vector, spec = CueRecallVector(length, bits, n), spec_of(canonical, length, bits)
                    with self._lock:
                        self.open_sessions += 1
                    yield pb.SessionResponse(created=pb.CreateResponse(spec=spec, num_envs=n))
                elif kind == "reset":
                    if vector is None:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "reset before create")
                    was_reset = True
                    yield pb.SessionResponse(steps=vector.reset(request.reset.seed))
                elif kind == "step":
                    if vector is None:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "step before create")
                    if not was_reset:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "reset the session before stepping it")
                    actions = request.step.actions
                    if len(actions) != vector.n:
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"expected {vector.n} actions, got {len(actions)}")
                    for i, a in enumerate(actions):
                        if not 0 <= a < 2:
                            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"action {a} of environment {i} outside [0, 2)")
                    yield pb.SessionResponse(steps=vector.step(actions))
                else:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "empty SessionRequest: set one of create, reset, step")
        finally:  # completed, failed, cancelled or vanished: the environments go
            if vector is not None:
                with self._lock:
                    self.open_sessions -= 1


class TokenInterceptor(grpc.ServerInterceptor):
    """Demands 'authorization: Bearer <token>' (constant-time compare) on every call."""

    def __init__(self, token):
        self._expected = f"Bearer {token}".encode()

        def deny(request, context):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "this server needs 'authorization: Bearer <token>'")
        self._deny = grpc.unary_unary_rpc_method_handler(deny)
        self._deny_stream = grpc.stream_stream_rpc_method_handler(deny)

    def intercept_service(self, continuation, details):
        given = dict(details.invocation_metadata).get("authorization", "").encode()
        if hmac.compare_digest(given, self._expected):
            return continuation(details)
        return self._deny_stream if details.method.endswith("/Session") else self._deny


def serve(bind="127.0.0.1", port=0, token=None, max_workers=16, servicer=None):
    """Starts the server (of ``servicer``, by default python/cue-recall's); returns (server, bound port)."""
    loopback = bind in ("127.0.0.1", "localhost", "::1") or bind.startswith("127.")
    if not loopback and not token:
        raise SystemExit(f"refusing to bind {bind} (not loopback) without --token (or env MNEMO_TOKEN)")
    interceptors = [TokenInterceptor(token)] if token else []
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=max_workers), interceptors=interceptors)
    pb_grpc.add_EnvironmentServicer_to_server(servicer or EnvironmentServicer(), server)
    host = f"[{bind}]" if ":" in bind else bind
    bound = server.add_insecure_port(f"{host}:{port}")
    if bound == 0:
        raise SystemExit(f"cannot bind {bind}:{port}")
    server.start()
    return server, bound


def main(argv=None):
    p = argparse.ArgumentParser(description=f"Serve {FAMILY} (a Python environment) over mnemo.env.v1.")
    p.add_argument("--port", type=int, default=50052, help="0 picks a free port")
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--token", default=None, help="shared token (default: env MNEMO_TOKEN)")
    args = p.parse_args(argv)
    server, port = serve(args.bind, args.port, args.token or os.environ.get("MNEMO_TOKEN") or None)
    return run_until_signal(server, f"python env-server: serving {FAMILY} on {host_port(args.bind, port)}")


def host_port(bind, port):
    """bind:port as a client dials it (IPv6 addresses in brackets)."""
    host = f"[{bind}]" if ":" in bind else bind
    return f"{host}:{port}"


def run_until_signal(server, banner):
    """Print the banner, serve until SIGTERM or Ctrl-C, then stop with a 2 s grace; exit status 0."""
    print(banner, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    server.stop(grace=2).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
