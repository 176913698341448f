"""The kernel's side of grading: call a student's function for the grader, report plain data.

When grading, the grader does not believe what a notebook's test cells print. It evaluates
``answer(globals(), request)`` in the kernel that ran the student's notebook, for inputs it
chose, and receives a JSON text holding only numbers: the returned array as ``.npy`` bytes
(never a pickle), the ints of a predicted shape, or the *kind* of problem (the function is
missing, raised, returned something that is not an array). The grader checks everything it
receives and words every message itself; nothing in this module can change a verdict, only
what the student's function returns.

Request (JSON): ``{"function": name, "expect": "array" | "shape", "arguments": [arg, ...]}``
with each ``arg`` either ``{"int": n}`` or ``{"npy": base64 of .npy bytes}``.

Reply (JSON), by ``status``: ``missing``; ``not_callable``; ``raised`` with ``ename``;
``shape`` with ``shape`` (list of int); ``not_a_shape`` with ``kind``; ``array`` with ``npy``
(base64 of zlib-compressed ``.npy`` bytes); ``not_an_array`` with ``kind``.
"""

from __future__ import annotations

import base64
import io
import json
import zlib
from typing import Any

import numpy as np

from .coerce import NotAnArray, as_array, shape_kind


def answer(namespace: dict[str, Any], request: str) -> str:
    """Call ``namespace[request.function]`` on the request's arguments; the reply as JSON.

    Examples
    --------
    >>> def twice(x):
    ...     return 2 * x
    >>> request = json.dumps({"function": "twice", "expect": "array",
    ...                       "arguments": [encode_argument(np.ones(3))]})
    >>> json.loads(answer({"twice": twice}, request))["status"]
    'array'
    >>> answer({}, request)
    '{"status": "missing"}'
    >>> answer({"twice": lambda x: 1 / 0}, request)
    '{"status": "raised", "ename": "ZeroDivisionError"}'
    """
    call = json.loads(request)
    function = namespace.get(call["function"])
    if function is None:
        return json.dumps({"status": "missing"})
    if not callable(function):
        return json.dumps({"status": "not_callable"})
    arguments = [decode_argument(argument) for argument in call["arguments"]]
    try:
        returned = function(*arguments)
    except BaseException as exc:  # noqa: B036 -- SystemExit or an interrupt is an answer too
        return json.dumps({"status": "raised", "ename": type(exc).__name__})
    if call["expect"] == "shape":
        shape, kind = shape_kind(returned)
        if shape is None:
            return json.dumps({"status": "not_a_shape", "kind": kind})
        return json.dumps({"status": "shape", "shape": list(shape)})
    try:
        array = as_array(returned)
    except NotAnArray as exc:
        return json.dumps({"status": "not_an_array", "kind": exc.kind})
    buffer = io.BytesIO()
    np.save(buffer, np.array(array, order="C"), allow_pickle=False)
    packed = base64.b64encode(zlib.compress(buffer.getvalue(), 1)).decode("ascii")
    return json.dumps({"status": "array", "npy": packed})


def encode_argument(value: int | np.ndarray) -> dict[str, Any]:
    """An argument of a request: an int, or an array as base64 ``.npy`` bytes."""
    if isinstance(value, int):
        return {"int": value}
    buffer = io.BytesIO()
    np.save(buffer, np.array(value, order="C"), allow_pickle=False)
    return {"npy": base64.b64encode(buffer.getvalue()).decode("ascii")}


def decode_argument(argument: dict[str, Any]) -> int | np.ndarray:
    """The inverse of :func:`encode_argument`; arrays come back as new, writable arrays."""
    if "int" in argument:
        return int(argument["int"])
    return np.load(io.BytesIO(base64.b64decode(argument["npy"])), allow_pickle=False)
