"""Serves any environment written against Gymnasium's API over Mnemo's environment protocol (mnemo.env.v1).

    python3 -m mnemo_env.gym_server --make MODULE:FACTORY [--task-id ID] [--port P] [--token T]
    python3 -m mnemo_env.gym_server --make gym:CartPole-v1        # gymnasium.make(NAME), if installed

``FACTORY()`` (any callable of MODULE; the current folder is importable) returns one environment; every
session makes N of them. Only Gymnasium's API is used, duck-typed, so Gymnasium itself is not needed:

    reset(seed=...) -> (obs, info)
    step(action) -> (obs, reward, terminated, truncated, info)
    action_space.n                                   (discrete; .start, if present, is added to the action)
    observation_space.shape, .dtype, .low, .high     (a box of floats, or uint8 images [H, W, C])

What maps to what: the environment is served under ``--task-id`` (default ``gym/<FACTORY or NAME>``);
observations travel as FLOAT32 (floats and integers are cast) or UINT8, with the box's smallest ``low``
and largest ``high`` as bounds; ``terminated`` is a LAST step with discount 0, ``truncated`` (and not
terminated) a LAST step with discount 1; ``info["success"]``, when present, is the ``success`` statistic.
Seeds follow the protocol: environment i of a session resets with ``derive(seed, i)``, its k-th automatic
reset with ``derive(seed_i, k)``; a step after LAST ignores its action and returns FIRST. A space that
cannot be served (continuous actions, dict or tuple observations) is refused at start with a message.
"""
import argparse
import importlib
import math
import os
import sys
import threading
from dataclasses import dataclass

import grpc
import numpy as np

from mnemo_env.protocol import derive, pb, pb_grpc, to_tensor
from mnemo_env.server import host_port, run_until_signal, serve

MAX_ENVS = 4096


class Unservable(ValueError):
    """The environment's spaces cannot be expressed in mnemo.env.v1."""


class EnvironmentFailed(RuntimeError):
    """The served environment raised, or broke its own space."""


def load_factory(make):
    """(callable returning one environment, its name) for 'MODULE:FACTORY' or 'gym:NAME'."""
    module_name, colon, attr = make.partition(":")
    if not colon or not module_name or not attr:
        raise SystemExit(f"--make takes MODULE:FACTORY or gym:NAME, got '{make}'")
    if module_name == "gym":
        try:
            gymnasium = importlib.import_module("gymnasium")
        except ImportError:
            raise SystemExit(f"--make {make} needs Gymnasium, which is not importable here; give MODULE:FACTORY "
                             "(a function returning the environment) instead") from None
        return (lambda: gymnasium.make(attr)), attr
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        target = importlib.import_module(module_name)
    except ImportError as e:
        raise SystemExit(f"--make {make}: cannot import {module_name}: {e}") from None
    for part in attr.split("."):
        if not hasattr(target, part):
            raise SystemExit(f"--make {make}: {module_name} has no attribute '{attr}'")
        target = getattr(target, part)
    if not callable(target):
        raise SystemExit(f"--make {make}: {attr} is not callable")
    return target, attr


@dataclass(frozen=True)
class Served:
    """How one environment's spaces travel: observation shape, numpy and protocol dtypes, bounds; actions."""
    shape: tuple
    dtype: np.dtype
    proto_dtype: int
    low: float
    high: float
    num_actions: int
    action_start: int
    max_episode_steps: int


def describe(env):
    """The protocol's view of env's spaces; raises Unservable for spaces the protocol cannot carry."""
    action_space = getattr(env, "action_space", None)
    n = getattr(action_space, "n", None)
    if n is None or isinstance(n, bool) or not float(n).is_integer() or int(n) < 1:
        raise Unservable(f"the action space {action_space!r} is not discrete: the protocol's actions are the integers "
                         "0..n-1 (action_space needs .n); continuous actions are not served")
    space = getattr(env, "observation_space", None)
    shape = getattr(space, "shape", None)
    if space is None or shape is None or hasattr(space, "spaces"):
        raise Unservable(f"the observation space {space!r} is not a box (dict and tuple observations are not served): "
                         "return one array, e.g. with gymnasium.wrappers.FlattenObservation")
    shape = tuple(int(d) for d in shape) or (1,)
    if any(d < 1 for d in shape):
        raise Unservable(f"the observation shape {shape} has an empty dimension")
    dtype = np.dtype(np.float32) if getattr(space, "dtype", None) is None else np.dtype(space.dtype)
    if dtype == np.uint8:
        served, proto = np.dtype(np.uint8), pb.UINT8
    elif dtype.kind in "fiub":
        served, proto = np.dtype(np.float32), pb.FLOAT32
    else:
        raise Unservable(f"observations of dtype {dtype} are not served (floats, integers or uint8 images)")
    low = float(np.min(space.low)) if getattr(space, "low", None) is not None else -math.inf
    high = float(np.max(space.high)) if getattr(space, "high", None) is not None else math.inf
    if proto == pb.UINT8:
        low, high = max(low, 0.0), min(high, 255.0)
    if not low <= high:
        raise Unservable(f"the observation bounds [{low}, {high}] are empty")
    spec = getattr(env, "spec", None)
    max_steps = getattr(spec, "max_episode_steps", None) or 0
    return Served(shape, served, proto, low, high, int(n), int(getattr(action_space, "start", 0) or 0), int(max_steps))


class GymVector:
    """N environments of one factory stepped in turn, with the protocol's seeding and auto-reset."""

    def __init__(self, factory, served, n):
        self.served, self.n = served, n
        self.envs = []
        try:
            for _ in range(n):
                self.envs.append(factory())
        except Exception as e:
            self.close()
            raise EnvironmentFailed(f"the factory raised {type(e).__name__}: {e}") from e
        for env in self.envs:
            if describe(env) != served:
                self.close()
                raise EnvironmentFailed("the factory made an environment with other spaces than the first one")
        self.obs = np.zeros((n,) + served.shape, dtype=served.dtype)
        self.needs_reset = np.zeros(n, dtype=bool)
        self.stream_seeds = [0] * n
        self.episodes = [0] * n

    def _observe(self, i, obs):
        a = np.asarray(obs)
        if a.size != self.obs[i].size:
            raise EnvironmentFailed(f"environment {i} returned an observation of shape {a.shape}; its space says "
                                    f"{self.served.shape}")
        self.obs[i] = a.reshape(self.served.shape).astype(self.served.dtype, copy=False)

    def _reset_one(self, i, seed):
        try:
            result = self.envs[i].reset(seed=seed)
        except Exception as e:
            raise EnvironmentFailed(f"reset of environment {i} raised {type(e).__name__}: {e}") from e
        if not (isinstance(result, tuple) and len(result) == 2):
            raise EnvironmentFailed(f"reset must return (obs, info), environment {i} returned {type(result).__name__}")
        self._observe(i, result[0])
        self.needs_reset[i] = False

    def reset(self, seed):
        for i in range(self.n):
            self.stream_seeds[i] = derive(seed, i)
            self.episodes[i] = 0
            self._reset_one(i, self.stream_seeds[i])
        return self._batch(np.full(self.n, pb.FIRST), np.zeros(self.n), np.ones(self.n), None)

    def step(self, actions):
        types = np.full(self.n, pb.MID)
        rewards = np.zeros(self.n, dtype=np.float32)
        discounts = np.ones(self.n, dtype=np.float32)
        success = np.full(self.n, np.nan, dtype=np.float32)
        for i, action in enumerate(actions):
            if self.needs_reset[i]:  # auto-reset: the action is ignored
                self.episodes[i] += 1
                self._reset_one(i, derive(self.stream_seeds[i], self.episodes[i]))
                types[i] = pb.FIRST
                continue
            try:
                result = self.envs[i].step(int(action) + self.served.action_start)
            except Exception as e:
                raise EnvironmentFailed(f"step of environment {i} raised {type(e).__name__}: {e}") from e
            if not (isinstance(result, tuple) and len(result) == 5):
                raise EnvironmentFailed(f"step must return (obs, reward, terminated, truncated, info), environment {i} "
                                        f"returned {type(result).__name__}")
            obs, reward, terminated, truncated, info = result
            self._observe(i, obs)
            rewards[i] = float(reward)
            if terminated or truncated:
                types[i] = pb.LAST
                discounts[i] = 0.0 if terminated else 1.0
                self.needs_reset[i] = True
            if isinstance(info, dict) and info.get("success") is not None:
                success[i] = float(info["success"])
        return self._batch(types, rewards, discounts, success)

    def _batch(self, types, rewards, discounts, success):
        b = pb.TimeStepBatch(step_types=[int(x) for x in types], rewards=[float(x) for x in rewards],
                             discounts=[float(x) for x in discounts], observations=[to_tensor(self.obs)])
        if success is not None and not np.all(np.isnan(success)):
            b.info.add(key="success", values=[float(x) for x in success])
        return b

    def close(self):
        for env in self.envs:
            close = getattr(env, "close", None)
            if callable(close):
                try:
                    close()
                except Exception:  # closing is best effort
                    pass


class GymServicer(pb_grpc.EnvironmentServicer):
    """mnemo.env.v1.Environment for one environment factory served under one task id."""

    def __init__(self, factory, task_id, served, description):
        self.factory, self.task_id, self.served, self.description = factory, task_id, served, description
        self.open_sessions = 0
        self._lock = threading.Lock()

    def spec(self):
        s = self.served
        return pb.EnvSpec(
            task_id=self.task_id,
            observations=[pb.TensorSpec(name="obs", shape=list(s.shape), dtype=s.proto_dtype, minimum=s.low,
                                        maximum=s.high)],
            action=pb.ActionSpec(num_actions=s.num_actions), max_episode_steps=s.max_episode_steps,
            info_keys=["success"])

    def ListTasks(self, request, context):
        return pb.ListTasksResponse(tasks=[pb.TaskInfo(family=self.task_id, description=self.description)])

    def _create(self, request, context):
        family, _, params = request.task_id.strip().partition(":")
        if family != self.task_id:
            context.abort(grpc.StatusCode.NOT_FOUND, f"unknown task '{family}'; known: {self.task_id}")
        if params.strip():
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"task {self.task_id} takes no parameters, got '{params}'")
        if not 1 <= request.num_envs <= MAX_ENVS:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"num_envs must be in [1, {MAX_ENVS}], got {request.num_envs}")
        try:
            return GymVector(self.factory, self.served, request.num_envs), None
        except EnvironmentFailed as e:
            return None, str(e)

    def Session(self, request_iterator, context):
        vector, was_reset = None, False
        try:
            for request in request_iterator:
                kind = request.WhichOneof("request")
                failure = None
                if kind == "create":
                    if vector is not None:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "this session already created its environments")
                    vector, failure = self._create(request.create, context)
                    if vector is not None:
                        with self._lock:
                            self.open_sessions += 1
                        response = pb.SessionResponse(created=pb.CreateResponse(spec=self.spec(), num_envs=vector.n))
                elif kind == "reset":
                    if vector is None:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "reset before create")
                    was_reset = True
                    try:
                        response = pb.SessionResponse(steps=vector.reset(request.reset.seed))
                    except EnvironmentFailed as e:
                        failure = str(e)
                elif kind == "step":
                    if vector is None:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "step before create")
                    if not was_reset:
                        context.abort(grpc.StatusCode.FAILED_PRECONDITION, "reset the session before stepping it")
                    actions = request.step.actions
                    if len(actions) != vector.n:
                        context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"expected {vector.n} actions, got {len(actions)}")
                    n = self.served.num_actions
                    for i, a in enumerate(actions):
                        if not 0 <= a < n:
                            context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"action {a} of environment {i} outside [0, {n})")
                    try:
                        response = pb.SessionResponse(steps=vector.step(actions))
                    except EnvironmentFailed as e:
                        failure = str(e)
                else:
                    context.abort(grpc.StatusCode.INVALID_ARGUMENT, "empty SessionRequest: set one of create, reset, step")
                if failure is not None:
                    context.abort(grpc.StatusCode.INTERNAL, failure)
                yield response
        finally:  # completed, failed, cancelled or vanished: the environments go
            if vector is not None:
                vector.close()
                with self._lock:
                    self.open_sessions -= 1


def servicer_for(make, task_id=None):
    """The servicer of 'MODULE:FACTORY' or 'gym:NAME', its spaces checked on one probe environment."""
    factory, name = load_factory(make)
    probe = factory()
    try:
        served = describe(probe)
    finally:
        close = getattr(probe, "close", None)
        if callable(close):
            close()
    doc = (getattr(factory, "__doc__", None) or "").strip().splitlines()
    description = doc[0] if doc else f"{make}, served by mnemo_env.gym_server"
    return GymServicer(factory, task_id or f"gym/{name}", served, description)


def main(argv=None):
    p = argparse.ArgumentParser(description="Serve a Gymnasium-API environment over mnemo.env.v1.")
    p.add_argument("--make", required=True, metavar="MODULE:FACTORY",
                   help="a callable returning one environment, or gym:NAME for gymnasium.make(NAME)")
    p.add_argument("--task-id", default=None, help="the task id clients ask for (default: gym/<FACTORY or NAME>)")
    p.add_argument("--port", type=int, default=50053, help="0 picks a free port")
    p.add_argument("--bind", default="127.0.0.1")
    p.add_argument("--token", default=None, help="shared token (default: env MNEMO_TOKEN)")
    args = p.parse_args(argv)
    if args.task_id is not None and (":" in args.task_id or not args.task_id.strip()):
        raise SystemExit(f"--task-id must be a non-empty id without ':' (parameters are not served), got '{args.task_id}'")
    try:
        servicer = servicer_for(args.make, args.task_id)
    except Unservable as e:
        raise SystemExit(f"gym-server: cannot serve {args.make}: {e}") from None
    server, port = serve(args.bind, args.port, args.token or os.environ.get("MNEMO_TOKEN") or None, servicer=servicer)
    s = servicer.served
    return run_until_signal(server, f"python gym-server: serving {servicer.task_id} (obs {list(s.shape)} "
                            f"{'uint8' if s.proto_dtype == pb.UINT8 else 'float32'}, {s.num_actions} actions) "
                            f"on {host_port(args.bind, port)}")


if __name__ == "__main__":
    sys.exit(main())
