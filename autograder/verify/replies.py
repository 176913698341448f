"""What a student's kernel may answer to a call, parsed and checked on arrival.

The answer comes from the kernel that ran the student's code, so nothing in it is believed
without a check: it must be JSON of the shape :mod:`jacobian_checks.probe` writes, arrays are
read with ``allow_pickle=False`` under size limits, and every text field is either one of a
few known words or dropped. What comes out is one of the plain values of :data:`Returned`.
"""

from __future__ import annotations

import ast
import base64
import binascii
import builtins
import io
import json
import re
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from jacobian_checks.coerce import NOT_A_SHAPE, NOT_AN_ARRAY, NotAnArray, as_array

MAX_ARRAY_BYTES = 64 * 2**20
"""The largest ``.npy`` payload read, uncompressed: far above any Jacobian of the course."""

MAX_DIMENSIONS = 16

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,79}")


@dataclass(frozen=True)
class Unavailable:
    """No function to call: not ``defined`` at all, or defined but not callable."""

    defined: bool


@dataclass(frozen=True)
class Raised:
    """The function raised; ``ename`` is the exception's class name if it is a valid name."""

    ename: str | None


@dataclass(frozen=True)
class NoReply:
    """No usable answer came back; ``reason`` says why, in the grader's words.

    ``timed_out``: the call ran past the time limit (or the notebook did, before it)."""

    reason: str
    timed_out: bool = False


@dataclass(frozen=True)
class Predicted:
    """A predicted shape: ``shape``, or ``None`` and a key of ``NOT_A_SHAPE``."""

    shape: tuple[int, ...] | None
    kind: str | None


Returned = Unavailable | Raised | NoReply | Predicted | np.ndarray | NotAnArray
"""What one call of a student's function gave back."""

UNREADABLE = NoReply("the grader could not read what your kernel answered")


def builtin_exception(ename: Any) -> str | None:
    """``ename`` if it is a string naming one of Python's built-in exceptions, else ``None``."""
    found = getattr(builtins, ename, None) if isinstance(ename, str) and ename else None
    return ename if isinstance(found, type) and issubclass(found, BaseException) else None


def parse_user_expression(value: Any) -> str | None:
    """The JSON text of a ``user_expressions`` value from an execute reply, or ``None``."""
    if not isinstance(value, dict) or value.get("status") != "ok":
        return None
    text = value.get("data", {}).get("text/plain") if isinstance(value.get("data"), dict) else None
    if not isinstance(text, str) or len(text) > 4 * MAX_ARRAY_BYTES:
        return None
    try:
        literal = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return literal if isinstance(literal, str) else None


def parse_reply(text: str | None, expect: str) -> Returned:
    """The call's result from the probe's JSON reply; ``expect`` is ``"array"`` or ``"shape"``."""
    try:
        reply = json.loads(text) if text is not None else None
    except (ValueError, RecursionError):
        return UNREADABLE
    if not isinstance(reply, dict):
        return UNREADABLE
    status = reply.get("status")
    if status in ("missing", "not_callable"):
        return Unavailable(defined=status == "not_callable")
    if status == "raised":
        ename = reply.get("ename")
        return Raised(ename if isinstance(ename, str) and _NAME.fullmatch(ename) else None)
    if expect == "shape":
        return _predicted(reply)
    if status == "not_an_array" and reply.get("kind") in NOT_AN_ARRAY:
        return NotAnArray(reply["kind"])
    if status == "array" and isinstance(reply.get("npy"), str):
        return _array(reply["npy"])
    return UNREADABLE


def _predicted(reply: dict[str, Any]) -> Returned:
    if reply.get("status") == "not_a_shape" and reply.get("kind") in NOT_A_SHAPE:
        return Predicted(None, reply["kind"])
    shape = reply.get("shape")
    if (reply.get("status") == "shape" and isinstance(shape, list)
            and len(shape) <= MAX_DIMENSIONS
            and all(type(dim) is int and 0 <= dim < 2**31 for dim in shape)):
        return Predicted(tuple(shape), None)
    return UNREADABLE


def _array(packed: str) -> Returned:
    try:
        compressed = base64.b64decode(packed, validate=True)
        inflater = zlib.decompressobj()
        data = inflater.decompress(compressed, MAX_ARRAY_BYTES)
        if inflater.unconsumed_tail:
            return NotAnArray("too_large")
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (binascii.Error, zlib.error, ValueError, OSError, EOFError):
        return UNREADABLE
    if not isinstance(array, np.ndarray) or array.ndim > MAX_DIMENSIONS:
        return UNREADABLE
    try:
        return as_array(array)
    except NotAnArray as exc:
        return exc
