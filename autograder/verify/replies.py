"""What a student's kernel may answer to a call, parsed and checked on arrival.

The answer comes from the kernel that ran the student's code, so nothing in it is believed
without a check: it must be JSON of the shape :mod:`jacobian_checks.probe` writes, and every
text field is either one of a few known words or dropped. An array's ``.npy`` header is read
first and checked before anything is allocated for its data: a real dtype (no objects, no
records), at most :data:`MAX_DIMENSIONS` axes and :data:`MAX_ARRAY_BYTES` of data; of an array
whose shape is not the one the check expects, nothing but the header is read (its shape is
all a wrong shape is judged on); the data of one of the right shape must be exactly as long
as the header says. What comes out is one of the plain values of :data:`Returned`.
"""

from __future__ import annotations

import ast
import base64
import binascii
import builtins
import io
import json
import math
import re
import warnings
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.lib import format as npy

from jacobian_checks.coerce import NOT_A_SHAPE, NOT_AN_ARRAY, NotAnArray

from ..kernels.channels import MAX_REPLY_CHARS

MAX_ARRAY_BYTES = MAX_REPLY_CHARS // 2
"""The largest array data read, uncompressed (64 MiB): far above any Jacobian of the course,
and in base64, if it does not compress, within the longest reply the kernel's shell channel
carries (:data:`~autograder.kernels.channels.MAX_REPLY_CHARS`)."""

MAX_HEADER_BYTES = 16 * 2**10
"""The most of an ``.npy`` file read to find its header (NumPy writes fewer than 200 bytes)."""

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
    """``ename`` if it is a string naming one of Python's built-in exceptions, else ``None``.

    Examples
    --------
    >>> builtin_exception("ZeroDivisionError")
    'ZeroDivisionError'
    >>> builtin_exception("MyOwnError") is None, builtin_exception("print") is None
    (True, True)
    """
    found = getattr(builtins, ename, None) if isinstance(ename, str) and ename else None
    return ename if isinstance(found, type) and issubclass(found, BaseException) else None


def parse_user_expression(value: Any) -> str | None:
    """The JSON text of a ``user_expressions`` value from an execute reply, or ``None``.

    Examples
    --------
    The kernel shows the probe's reply, a string, as its ``repr``:

    >>> shown = repr('{"status": 1}')
    >>> parse_user_expression({"status": "ok", "data": {"text/plain": shown}})
    '{"status": 1}'
    >>> parse_user_expression({"status": "ok", "data": {"text/plain": "[1, 2]"}}) is None
    True
    >>> parse_user_expression({"status": "error", "ename": "NameError"}) is None
    True
    """
    if not isinstance(value, dict) or value.get("status") != "ok":
        return None
    text = value.get("data", {}).get("text/plain") if isinstance(value.get("data"), dict) else None
    if not isinstance(text, str) or len(text) > MAX_REPLY_CHARS:
        return None
    try:
        literal = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return literal if isinstance(literal, str) else None


def parse_reply(text: str | None, expect: str, shape: tuple[int, ...] | None = None) -> Returned:
    """The call's result from the probe's JSON reply; ``expect`` is ``"array"`` or ``"shape"``.

    ``shape``: the shape the check expects of an array; an array of any other shape comes back
    as a stand-in of its claimed shape that holds no data (see the module).

    Examples
    --------
    >>> parse_reply('{"status": "raised", "ename": "ValueError"}', "array")
    Raised(ename='ValueError')
    >>> parse_reply('{"status": "raised", "ename": "not a name!"}', "array")
    Raised(ename=None)
    >>> parse_reply('{"status": "shape", "shape": [4, 3]}', "shape")
    Predicted(shape=(4, 3), kind=None)
    >>> parse_reply('{"status": "shape", "shape": [4, true]}', "shape") == UNREADABLE
    True
    >>> parse_reply('{"status": "not_an_array", "kind": "none"}', "array")
    NotAnArray('None. Did you forget the `return` statement?')
    >>> parse_reply("not JSON", "array")
    NoReply(reason='the grader could not read what your kernel answered', timed_out=False)

    An array, as :func:`jacobian_checks.probe.answer` sends it:

    >>> import json
    >>> from jacobian_checks.probe import answer, encode_argument
    >>> request = json.dumps({"function": "f", "expect": "array",
    ...                       "arguments": [encode_argument(np.arange(6.0).reshape(2, 3))]})
    >>> reply = answer({"f": lambda x: x.T}, request)
    >>> parse_reply(reply, "array", shape=(3, 2))
    array([[0., 3.],
           [1., 4.],
           [2., 5.]])
    >>> stand_in = parse_reply(reply, "array", shape=(2, 3))  # another shape: header only
    >>> stand_in.shape, stand_in.strides
    ((3, 2), (0, 0))
    """
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
        return _array(reply["npy"], shape)
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


def _array(packed: str, expected: tuple[int, ...] | None) -> Returned:
    """The array of a reply's ``npy`` field: base64 of zlib-compressed ``.npy`` bytes."""
    try:
        inflater = zlib.decompressobj()
        head = inflater.decompress(base64.b64decode(packed, validate=True), MAX_HEADER_BYTES)
        shape, fortran_order, dtype, offset = _header(head)
    except (binascii.Error, zlib.error, ValueError):
        return UNREADABLE
    kind = _unreal(dtype)
    if kind is not None:
        return kind
    if len(shape) > MAX_DIMENSIONS or not all(type(dim) is int and dim >= 0 for dim in shape):
        return UNREADABLE
    if math.prod(max(dim, 1) for dim in shape) * dtype.itemsize > MAX_ARRAY_BYTES:
        return NotAnArray("too_large")  # an empty array's other axes too: NumPy would refuse
    size = math.prod(shape) * dtype.itemsize
    if expected is not None and shape != expected:
        return np.broadcast_to(np.zeros((), dtype), shape)  # its data is never read
    try:  # one byte more than the header says, to see a reply longer than it says
        data = head[offset:] + inflater.decompress(inflater.unconsumed_tail,
                                                   max(size + 1 - (len(head) - offset), 1))
    except zlib.error:
        return UNREADABLE
    if len(data) != size:
        return UNREADABLE
    array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran_order else "C")
    return array.copy(order="C")


def _header(head: bytes) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """Shape, Fortran order, dtype and length of the ``.npy`` header at the start of ``head``.

    Raises
    ------
    ValueError
        If there is no valid header of version 1 or 2 there.
    """
    stream = io.BytesIO(head)
    try:
        version = npy.read_magic(stream)
        read = {(1, 0): npy.read_array_header_1_0, (2, 0): npy.read_array_header_2_0}.get(version)
        if read is None:
            raise ValueError(f"unknown .npy version {version}")
        with warnings.catch_warnings():  # NumPy warns of headers written by Python 2
            warnings.simplefilter("ignore")
            shape, fortran_order, dtype = read(stream, max_header_size=MAX_HEADER_BYTES)
    except (TypeError, SyntaxError, RecursionError, MemoryError) as exc:
        raise ValueError(f"unreadable .npy header ({type(exc).__name__})") from None
    return shape, fortran_order, dtype, stream.tell()


def _unreal(dtype: np.dtype) -> Returned | None:
    """Why an array of ``dtype`` is not one of real numbers, or ``None`` if it is (as
    :func:`jacobian_checks.coerce.as_array` sees it; objects and records are never sent by the
    probe)."""
    if dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        return UNREADABLE
    if dtype.kind == "c":
        return NotAnArray("complex")
    return None if dtype.kind in "biuf" else NotAnArray("non_numeric")
