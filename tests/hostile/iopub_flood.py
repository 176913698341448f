"""Flood the grader with output while it calls the function, and never let it run out.

Replaces the ``dloss_dyhat`` cell of ``02_scalar_wrt_vector`` (uses ``np`` from the setup
cell). ``dloss_dyhat`` is right, but when the grader calls it (from
``jacobian_checks.probe.answer``, not from the notebook's own test cells) it first publishes
128 stream messages of 32 MiB each on IOPub, zero-copy: the same buffer every time, so the
kernel stays small while the messages pile up wherever nobody reads them; then it waits 5 s,
within the time a call may take, for them to arrive. The grader reads no IOPub while it calls
a function: unbounded, the grading process held gigabytes. Must earn
1 (its ``jacobian_shape``), and 0 for both ``dloss_dyhat`` cells (the grader stops listening,
and the kernel, past its bound); the grading processes stay small, and the other students are
graded.
"""
# ruff: noqa: F821

import sys
import time

_FLOOD = bytearray(32 << 20)


def _publish_flood(count):
    kernel = get_ipython().kernel
    for _ in range(count):
        kernel.session.send(kernel.iopub_socket, "stream",
                            {"name": "stdout", "text": "hostile-flood\n"},
                            parent=kernel.get_parent(), buffers=[memoryview(_FLOOD)])


def dloss_dyhat(y, yhat):
    if sys._getframe(1).f_code.co_name == "answer":  # called by the grader
        _publish_flood(128)
        time.sleep(5)
    return (yhat - y)[:, None, :]
