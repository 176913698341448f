"""Calling a student's functions in the kernel that ran their notebook, as plain data.

Each call is one ``execute_request`` with empty code and one user expression, which asks
:func:`jacobian_checks.probe.answer` to call the function by name on the arguments we send
(ints and ``.npy`` arrays); the answer comes back in the execute reply and is parsed by
:mod:`.replies`. What the student's code publishes meanwhile (prints, displays) is read from
IOPub and dropped unparsed, so that it cannot pile up in the grading process; past
:data:`MAX_CALL_OUTPUT` bytes in one call or :data:`MAX_NOTEBOOK_OUTPUT` in the calls of one
notebook, the kernel is shut down and the calls give :class:`~.replies.NoReply` (the sockets'
own bounds are :mod:`autograder.kernels.channels`').

A call that does not return within ``timeout`` seconds is interrupted; if the kernel has not
answered ``grace`` seconds later (it ignores interrupts, or is stuck in C code), it is shut
down, and this call and every later one give :class:`~.replies.NoReply`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Sequence
from queue import Empty
from typing import Any

import numpy as np

from jacobian_checks.probe import encode_argument

from .replies import NoReply, Returned, builtin_exception, parse_reply, parse_user_expression

ALIVE_POLL = 0.5
"""Seconds between checks that the kernel is still alive while waiting for a reply."""

MiB = 1 << 20
MAX_CALL_OUTPUT = 8 * MiB
"""Bytes a function may publish on IOPub during one call (a few lines printed take far less)."""
MAX_NOTEBOOK_OUTPUT = 32 * MiB
"""Bytes the functions of one notebook may publish on IOPub during all the grader's calls."""


class KernelCalls:
    """Calls into one running kernel. ``kc``/``km``: its async client and manager."""

    def __init__(self, kc: Any, km: Any, *, timeout: float, grace: float) -> None:
        self.kc, self.km = kc, km
        self.timeout, self.grace = timeout, grace
        self.stopped: str | None = None  # why no more calls can be made, once that is so
        self.timed_out = False  # whether that is because something ran past the time limit
        self.published = 0  # bytes read from IOPub during the calls so far

    async def call(self, function: str, expect: str, arguments: Sequence[int | np.ndarray],
                   shape: tuple[int, ...] | None = None) -> Returned:
        """Call ``function(*arguments)``; ``expect`` is ``"array"`` or ``"shape"``, ``shape``
        the shape expected of an array (see :func:`~.replies.parse_reply`)."""
        if self.stopped is not None:
            return NoReply(self.stopped, self.timed_out)
        request = json.dumps({"function": function, "expect": expect,
                              "arguments": [encode_argument(a) for a in arguments]})
        expression = ("__import__('jacobian_checks.probe', fromlist=['answer'])"
                      f".answer(globals(), {request!r})")
        msg_id = self.kc.execute("", silent=True, store_history=False, allow_stdin=False,
                                 user_expressions={"answer": expression})
        draining = asyncio.ensure_future(self._drain_iopub(function))
        try:
            reply = await self._reply(msg_id, self.timeout, draining)
            if reply is None and self.stopped is None:
                await self.km.interrupt_kernel()
                reply = await self._reply(msg_id, self.grace, draining)
                if reply is None and self.stopped is None:
                    await self.stop(f"it ran past {self.timeout:g} s and did not stop when "
                                    "interrupted, so the kernel was shut down", timed_out=True)
                elif reply is not None:
                    return NoReply(f"it did not return within {self.timeout:g} s",
                                   timed_out=True)
        finally:
            draining.cancel()
        if reply is None:
            return NoReply(self.stopped or "no reply", self.timed_out)
        value = _answer(reply)
        if isinstance(value, dict) and value.get("status") == "error":
            ename = builtin_exception(value.get("ename")) or "an error"
            return NoReply(f"the grader's call failed inside your kernel ({ename}); did the "
                           "notebook replace or break jacobian_checks, numpy or globals()?")
        return parse_reply(parse_user_expression(value), expect, shape)

    async def stop(self, reason: str, *, timed_out: bool = False) -> None:
        """Shut the kernel down; every later call answers ``NoReply(reason)``."""
        self.stopped, self.timed_out = reason, timed_out
        if await self.km.is_alive():
            await self.km.shutdown_kernel(now=True)

    async def _drain_iopub(self, function: str) -> str:
        """Read and drop what the kernel publishes while ``function`` is called, until it is
        more than a call or the notebook may publish; then say so."""
        socket = self.kc.iopub_channel.socket
        call = 0
        while call <= MAX_CALL_OUTPUT and self.published <= MAX_NOTEBOOK_OUTPUT:
            size = sum(len(frame) for frame in await socket.recv_multipart(copy=False))
            call += size
            self.published += size
        limit = (f"{MAX_CALL_OUTPUT // MiB} MiB in one call" if call > MAX_CALL_OUTPUT
                 else f"{MAX_NOTEBOOK_OUTPUT // MiB} MiB in the grader's calls of the notebook")
        return (f"{function} printed or displayed more than {limit}, so the kernel was shut "
                "down")

    async def _reply(self, msg_id: str, timeout: float,
                     draining: asyncio.Future[str]) -> dict[str, Any] | None:
        """The shell reply to ``msg_id``, or ``None`` after ``timeout`` seconds or once the
        kernel publishes more than it may (``draining`` is done)."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            if draining.done() and draining.exception() is None:
                await self.stop(draining.result())
                return None
            try:
                message = await self.kc.shell_channel.get_msg(timeout=min(left, ALIVE_POLL))
            except (RecursionError, ValueError):  # forged (a bad signature), or too deep
                await self.stop("your kernel sent the grader a message it could not read, so "
                                "the kernel was shut down")
                return None
            except (TimeoutError, Empty):
                if not await self.kc.is_alive():
                    await self.stop("the kernel died while running your function (your code "
                                    "crashed or exited the process)")
                    return None
                continue
            parent = message.get("parent_header") if isinstance(message, dict) else None
            if isinstance(parent, dict) and parent.get("msg_id") == msg_id:
                return message
        return None


def _answer(reply: Any) -> Any:
    """The ``answer`` user expression of an execute reply, ``None`` if it has none.

    Every level is checked: a student's code can send a reply of any JSON shape.
    """
    content = reply.get("content") if isinstance(reply, dict) else None
    expressions = content.get("user_expressions") if isinstance(content, dict) else None
    return expressions.get("answer") if isinstance(expressions, dict) else None
