"""Answer the grader's calls with forged replies: stale, malformed, nested, huge, not text.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``np`` from the setup
cell): wraps ``jacobian_checks.probe.answer`` so that each call of ``dloss_dyhat`` is
answered with the reply to an earlier call, a bad ``.npy``, 100,000 nested brackets, a shape
of 1000 axes, a reply that "raised" an exception named with HTML, a dict instead of text or
50 MiB of junk; it also prints a line that looks like a reply. ``dloss_dyhat`` itself gives
wrong values. Must earn 1 (its honest ``jacobian_shape``) and 0 for both ``dloss_dyhat``
cells.
"""
# ruff: noqa: F821

import json

import jacobian_checks.probe

_real_answer = jacobian_checks.probe.answer
_replies = []


def _forged(namespace, request):
    real = _real_answer(namespace, request)
    if json.loads(request)["function"] == "jacobian_shape":
        return real
    _replies.append(real)
    forgeries = [
        _replies[0],
        json.dumps({"status": "array", "npy": "not base64!"}),
        "[" * 100_000 + "]" * 100_000,
        json.dumps({"status": "shape", "shape": list(range(1000))}),
        json.dumps({"status": "raised", "ename": "<script>alert('hostile')</script>"}),
        {"status": "array"},
        "x" * (50 << 20),
    ]
    return forgeries[len(_replies) % len(forgeries)]


jacobian_checks.probe.answer = _forged
print('{"status": "array", "npy": "forged"}')


def dloss_dyhat(y, yhat):
    return -2 * np.einsum("i,bj->bij", np.ones(1), y - yhat)  # twice the right values
