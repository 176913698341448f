"""ReadyOnIdleKernelClient: ready as soon as the kernel answers, on a real kernel."""

import asyncio

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
