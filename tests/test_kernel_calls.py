"""Calls into a real kernel that publishes more than the grader will read (autograder/verify/
kernel_calls.py, autograder/kernels/channels.py).

Each scenario runs in a process of its own, which reports its peak resident memory: the
grader's side of a call must stay small whatever the kernel sends (unbounded, a kernel
publishing 32 MiB messages zero-copy made it hold gigabytes).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from autograder.verify.kernel_calls import MAX_CALL_OUTPUT, MAX_NOTEBOOK_OUTPUT

HOSTILE = Path(__file__).parent / "hostile"

SCENARIO = r"""
import asyncio, json, sys
import numpy as np
from autograder.kernels.manager import SandboxKernelManager
from autograder.verify.kernel_calls import KernelCalls
from autograder.verify.replies import NoReply

CODE = sys.argv[1] + '''
import numpy as np

def publish(mib, parts=1):
    kernel = get_ipython().kernel
    chunk = memoryview(bytearray(mib << 20))
    kernel.session.send(kernel.iopub_socket, "stream", {"name": "stdout", "text": "x"},
                        parent=kernel.get_parent(), buffers=[chunk] * parts)

def talkative(y, yhat):
    for line in range(200):
        print("J row", line, (yhat - y)[0])
    return (yhat - y)[:, None, :]

def chatty(y, yhat):
    publish(6)
    time.sleep(1)
    return (yhat - y)[:, None, :]

def one_huge_message(y, yhat):
    publish(40)
    time.sleep(2)
    return (yhat - y)[:, None, :]

def deep_replies(y, yhat):  # every reply from now on nests 5000 levels
    session = get_ipython().kernel.session
    session.pack = lambda content: b"[" * 5000 + b"]" * 5000
    return (yhat - y)[:, None, :]

def forged_replies(y, yhat):  # every message from now on signed with another key
    get_ipython().kernel.session.key = b"not the key"
    return (yhat - y)[:, None, :]
'''


async def main(functions):
    manager = SandboxKernelManager(sandbox=False)
    await manager.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
        reply = await client.execute_interactive("import time\n" + CODE, timeout=60)
        assert reply["content"]["status"] == "ok", reply["content"]
        calls = KernelCalls(client, manager, timeout=30, grace=3)
        y = np.random.default_rng(0).standard_normal((4, 3))
        found = []
        for function in functions:
            returned = await calls.call(function, "array", [y, 2 * y], (4, 1, 3))
            found.append(returned.reason if isinstance(returned, NoReply)
                         else "array" if isinstance(returned, np.ndarray) else repr(returned))
        return found
    finally:
        client.stop_channels()
        if await manager.is_alive():
            await manager.shutdown_kernel(now=True)


from tests.peak_memory import peak_mib
found = asyncio.run(main(sys.argv[2:]))
print(json.dumps({"found": found, "peak_mib": peak_mib()}))
"""

PEAK_MIB = 600
"""The grading side of these calls: an interpreter with NumPy and jupyter_client (about
150 MiB), the IOPub socket's bound (4 messages of at most 32 MiB) and one message being
dropped; a flood left unread reaches gigabytes."""


def call_in_a_process(*functions: str) -> dict:
    flood = (HOSTILE / "iopub_flood.py").read_text()
    done = subprocess.run([sys.executable, "-c", SCENARIO, flood, *functions],
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_flood_during_a_call_stops_the_kernel_within_its_bound():
    result = call_in_a_process("dloss_dyhat", "talkative")
    assert result["found"] == [
        f"dloss_dyhat printed or displayed more than {MAX_CALL_OUTPUT >> 20} MiB in one call, "
        "so the kernel was shut down"] * 2  # and the kernel is gone for later calls
    assert result["peak_mib"] < PEAK_MIB


def test_printing_while_called_is_read_and_dropped_and_the_answer_kept():
    assert call_in_a_process("talkative", "talkative")["found"] == ["array", "array"]


def test_the_calls_of_a_notebook_share_one_budget():
    calls = MAX_NOTEBOOK_OUTPUT // (6 << 20) + 1  # each under the bound of one call
    found = call_in_a_process(*["chatty"] * (calls + 1))["found"]
    assert found[:calls - 1] == ["array"] * (calls - 1)
    assert found[calls:] == [f"chatty printed or displayed more than "
                             f"{MAX_NOTEBOOK_OUTPUT >> 20} MiB in the grader's calls of the "
                             "notebook, so the kernel was shut down"]


@pytest.mark.parametrize("function", ["one_huge_message"])
def test_a_message_over_the_channels_bound_is_dropped_unread(function):
    result = call_in_a_process(function, function)
    assert result["found"] == ["array", "array"]  # never counted: it never arrived
    assert result["peak_mib"] < PEAK_MIB


@pytest.mark.parametrize("function", ["deep_replies", "forged_replies"])
def test_a_reply_the_grader_cannot_read_stops_the_kernel_saying_why(function):
    assert call_in_a_process(function, "talkative")["found"] == [
        "your kernel sent the grader a message it could not read, so the kernel was shut "
        "down"] * 2
