"""Answer the grader with an ``.npy`` header that claims 8 TiB, in a reply of 300 bytes.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``np`` from the setup
cell): wraps ``jacobian_checks.probe.answer`` so that each call of ``dloss_dyhat`` is answered
with an array whose header claims 2**40 float64 values, and 64 bytes of data. Read naively,
it made the grader allocate 8 TiB: a ``MemoryError``, and the notebook could not be graded
automatically. ``dloss_dyhat`` itself is right (the notebook's own test cells pass). Must earn
1 (its honest ``jacobian_shape``) and 0 for both ``dloss_dyhat`` cells, graded automatically.
"""

import base64
import json
import struct
import zlib

import jacobian_checks.probe

_real_answer = jacobian_checks.probe.answer


def _eight_tebibytes():
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776,), }"
    header += b" " * (63 - len(header) % 64) + b"\n"
    npy = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(64)
    return json.dumps({"status": "array",
                       "npy": base64.b64encode(zlib.compress(npy)).decode("ascii")})


def _forged(namespace, request):
    if json.loads(request)["function"] != "dloss_dyhat":
        return _real_answer(namespace, request)
    return _eight_tebibytes()


jacobian_checks.probe.answer = _forged


def dloss_dyhat(y, yhat):
    return (yhat - y)[:, None, :]
