"""ReadyOnIdleKernelClient: ready as soon as the kernel answers, on a real kernel."""

import asyncio
import time
from queue import Empty

import pytest
from jupyter_client.manager import AsyncKernelManager

from autograder.kernels.ready_client import ReadyOnIdleKernelClient


async def started_kernel():
    manager = AsyncKernelManager(
        client_class="autograder.kernels.ready_client.ReadyOnIdleKernelClient")
    await manager.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
    client = manager.client()
    client.start_channels()
    return manager, client


def test_the_kernel_is_ready_and_runs_code():
    async def scenario():
        manager, client = await started_kernel()
        try:
            assert isinstance(client, ReadyOnIdleKernelClient)
            await client.wait_for_ready(timeout=60)
            outputs = []
            reply = await client.execute_interactive(
                "print(6 * 7)", timeout=30, output_hook=outputs.append)
            assert reply["content"]["status"] == "ok"
            return [m["content"]["text"] for m in outputs if m["msg_type"] == "stream"]
        finally:
            client.stop_channels()
            await manager.shutdown_kernel(now=True)

    assert asyncio.run(scenario()) == ["42\n"]


def test_a_dead_kernel_is_reported_like_jupyter_client_does():
    async def scenario():
        manager, client = await started_kernel()
        try:
            await client.wait_for_ready(timeout=60)
            await manager.shutdown_kernel(now=True)
            with pytest.raises(RuntimeError, match="Kernel died before replying to kernel_info"):
                await client.wait_for_ready(timeout=10)
        finally:
            client.stop_channels()

    asyncio.run(scenario())


class Messages:
    """An IOPub channel holding given messages (the client's logic alone)."""

    def __init__(self, messages):
        self.messages = list(messages)

    async def get_msg(self, timeout=None):
        if not self.messages:
            raise Empty
        return self.messages.pop(0)


def status(state, parent):
    return {"msg_type": "status", "parent_header": {"msg_id": parent},
            "content": {"execution_state": state}}


WELCOME = {"msg_type": "iopub_welcome", "parent_header": {}, "content": {"subscription": ""}}


@pytest.mark.parametrize("messages, live", [
    ([WELCOME], True),  # ipykernel 7: the subscription reached the kernel
    ([status("busy", "old"), status("idle", "old")], True),  # an earlier attempt's idle
    ([status("busy", "new"), status("idle", "new")], True),  # any kernel: this attempt's
    ([status("idle", "someone else's")], False),
    ([status("busy", "new")], False),
    ([], False),
])
def test_iopub_is_live_on_the_welcome_or_the_idle_of_one_of_our_requests(messages, live):
    client = ReadyOnIdleKernelClient()
    client._iopub_channel = Messages(messages)
    until = time.monotonic() + 5
    assert asyncio.run(client._iopub_live({"old", "new"}, until)) is live
