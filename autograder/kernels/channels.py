"""Every socket the grader opens to a student's kernel holds a bounded amount of what it sends.

A kernel runs the student's code, which can send anything on any of its channels, as fast as
zero-copy sends go, whether the grader reads it or not: ZeroMQ's defaults would queue up to a
thousand messages of any size per socket, in the grading process. Each socket a kernel client
or manager of the grader opens (:class:`BoundedChannels`) refuses a message part larger than
its channel's bound (``ZMQ_MAXMSGSIZE``: the kernel's connection is dropped, and made again)
and queues at most a few messages (``ZMQ_RCVHWM``: beyond, the kernel's side holds or drops
them). Shell carries the grader's calls, whose replies may hold an array; IOPub the notebook's
outputs, which are cut at a MiB per cell anyway; the other channels only small messages.
:mod:`autograder.verify.kernel_calls` also reads IOPub while it calls a function, within a
budget of bytes per call and per notebook.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import zmq
from jupyter_client.asynchronous import AsyncKernelClient

MiB = 1 << 20

MAX_REPLY_CHARS = 128 * MiB
"""The longest reply text to a grader's call the shell channel carries, and that
:mod:`autograder.verify.replies` parses: its largest array, uncompressed, in base64."""


@dataclass(frozen=True)
class ChannelBound:
    """The largest message part a socket accepts, and how many messages it queues."""

    part_bytes: int
    queued: int


CHANNEL_BOUNDS = {
    "shell": ChannelBound(MAX_REPLY_CHARS + MiB, 2),
    "iopub": ChannelBound(32 * MiB, 4),
}
"""Bounds of the channels that carry large messages; every other socket has :data:`SMALL`."""

SMALL = ChannelBound(MiB, 8)
"""Bound of the control, stdin and heartbeat sockets (and of any socket not listed)."""


RECONNECT_MS = (5, 100)
"""A socket that connects before the kernel listens tries again after 5 ms, then after twice
as long each time, up to 100 ms (ZeroMQ's default: every 100 ms). A forked kernel listens
within tens of milliseconds of its launch, so the default cost up to 100 ms per channel per
notebook, the welcome on IOPub included."""


def bound_new_sockets(context: zmq.Context, bound: ChannelBound) -> None:
    """Make ``bound`` the options of every socket ``context`` creates from now on."""
    context.setsockopt(zmq.MAXMSGSIZE, bound.part_bytes)
    context.setsockopt(zmq.RCVHWM, bound.queued)


class BoundedChannels:
    """Mixin for a jupyter_client kernel client or manager: every socket it connects to the
    kernel is bounded as its channel's :data:`CHANNEL_BOUNDS` say, and every other socket of
    its ZeroMQ context (the heartbeat's, made in its own thread) as :data:`SMALL` says."""

    context: Any

    def _create_connected_socket(self, channel: str, identity: bytes | None = None) -> Any:
        self.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS[0])
        self.context.setsockopt(zmq.RECONNECT_IVL_MAX, RECONNECT_MS[1])
        bound_new_sockets(self.context, CHANNEL_BOUNDS.get(channel, SMALL))
        try:
            return super()._create_connected_socket(channel, identity)  # type: ignore[misc]
        finally:
            bound_new_sockets(self.context, SMALL)


class BoundedKernelClient(BoundedChannels, AsyncKernelClient):
    """The kernel client of every notebook the grader runs."""
