"""A kernel client that knows the kernel is ready as soon as it is, not 0.2 s later.

jupyter_client's ``wait_for_ready`` sends ``kernel_info``, takes the reply, then drains IOPub
until it has been silent for 0.2 s: a fixed wait per notebook, a fifth of the time a forked
kernel needs to start. The kernel is ready once it answers on shell and our IOPub
subscription has reached it, which IOPub shows by the kernel's ``iopub_welcome`` message
(ipykernel 7 sends one for each new subscription) or by the ``idle`` status that ends one of
our ``kernel_info`` requests (any kernel); :class:`ReadyOnIdleKernelClient` waits for exactly
that. Messages left on IOPub do no harm: nbclient reads only the messages whose parent is
the cell it is executing.
"""

from __future__ import annotations

import time
from queue import Empty

from .channels import BoundedKernelClient

REPLY_SECONDS = 1.0
"""How long one ``kernel_info`` attempt waits for the reply on shell."""

IDLE_SECONDS = 0.05
"""How long it then waits for IOPub to show the subscription live, which follows the reply
within a few milliseconds. Messages the kernel sent before the subscription reached it are
lost; the welcome, or the next attempt's idle status, arrive."""


class ReadyOnIdleKernelClient(BoundedKernelClient):
    """``AsyncKernelClient`` with bounded sockets (:mod:`autograder.kernels.channels`) whose
    ``wait_for_ready`` ends on the ``kernel_info`` idle status."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Return when the kernel answers ``kernel_info`` on shell, and IOPub shows our
        subscription live.

        Raises ``RuntimeError`` with jupyter_client's messages if the kernel dies or does not
        answer within ``timeout`` seconds.
        """
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        requests: set[str] = set()
        while True:
            request = self.kernel_info()
            requests.add(request)
            try:
                reply = await self._async_recv_reply(request, timeout=REPLY_SECONDS)
                if await self._iopub_live(requests, time.monotonic() + IDLE_SECONDS):
                    self._handle_kernel_info_reply(reply)
                    return
            except TimeoutError:
                pass
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")

    async def _iopub_live(self, requests: set[str], until: float) -> bool:
        """Whether IOPub shows, before ``until``, that our subscription reached the kernel:
        its welcome, or the idle status that ends one of ``requests``."""
        while (left := until - time.monotonic()) > 0:
            try:
                message = await self.iopub_channel.get_msg(timeout=left)
            except Empty:
                return False
            if message["msg_type"] == "iopub_welcome" or (
                    message["msg_type"] == "status"
                    and message["parent_header"].get("msg_id") in requests
                    and message["content"].get("execution_state") == "idle"):
                return True
        return False
