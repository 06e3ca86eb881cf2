"""The generated stubs of mnemo.env.v1 and the tensor codec shared by the client and the server.

Stubs come from ``python/generate.sh`` (into ``python/mnemo_proto``, or the folder named by the
environment variable MNEMO_PROTO_PY). Tensors travel packed, little-endian, row-major.
"""
import os
import sys

import numpy as np

_HERE = os.path.dirname(os.path.abspath(__file__))
_STUBS = os.environ.get("MNEMO_PROTO_PY", os.path.join(_HERE, "..", "mnemo_proto"))
if not os.path.isfile(os.path.join(_STUBS, "mnemo", "env", "v1", "env_pb2.py")):
    raise ImportError(f"no generated stubs in {os.path.abspath(_STUBS)}: run python/generate.sh first")
if _STUBS not in sys.path:
    sys.path.insert(0, _STUBS)

from mnemo.env.v1 import env_pb2 as pb  # noqa: E402
from mnemo.env.v1 import env_pb2_grpc as pb_grpc  # noqa: E402

_NUMPY = {pb.FLOAT32: np.dtype("<f4"), pb.UINT8: np.dtype("u1"), pb.INT32: np.dtype("<i4")}
_PROTO = {np.dtype("float32"): pb.FLOAT32, np.dtype("uint8"): pb.UINT8, np.dtype("int32"): pb.INT32}


def to_tensor(array):
    """A numpy array as a mnemo.env.v1.Tensor (float32, uint8 or int32; packed little-endian)."""
    a = np.asarray(array)
    dtype = _PROTO.get(a.dtype)
    if dtype is None:
        raise ValueError(f"dtype {a.dtype} has no protocol type (float32, uint8, int32)")
    return pb.Tensor(dtype=dtype, shape=list(a.shape), data=np.ascontiguousarray(a, dtype=_NUMPY[dtype]).tobytes())


def from_tensor(t):
    """A mnemo.env.v1.Tensor as a read-only numpy array of its shape."""
    if t.dtype not in _NUMPY:
        raise ValueError(f"tensor dtype {t.dtype} is unspecified")
    dtype = _NUMPY[t.dtype]
    count = int(np.prod(t.shape)) if len(t.shape) else 1
    if len(t.data) != count * dtype.itemsize:
        raise ValueError(f"tensor of shape {list(t.shape)} needs {count * dtype.itemsize} bytes, got {len(t.data)}")
    return np.frombuffer(t.data, dtype=dtype).reshape(tuple(t.shape))


M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix(z):
    """SplitMix64's finalizer (Mnemo's mnemo.envs.Seeds.mix)."""
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def derive(seed, index):
    """The seed of stream ``index`` under ``seed`` (Mnemo's mnemo.envs.Seeds.derive), as an unsigned 64-bit int."""
    return mix((seed + GOLDEN * (index + 1)) & M64)
