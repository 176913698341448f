"""Kernel start + small cell + shutdown: fresh or forked kernels, with and without the sandbox.

    .venv/bin/python benchmarks/bench_kernel_start.py [-n 20] [--parallel 4]

Four ways to start a kernel, by :class:`autograder.kernels.manager.SandboxKernelManager`:
``local`` (jupyter_client's LocalProvisioner, as nbgrader starts kernels), ``jail`` (a fresh
kernel in a jail, as ``nbgrader autograde`` does with the course's config), ``fork`` (forked
from a warm zygote) and ``fork+jail`` (forked into a jail, as ``python -m autograder grade``
does). For each, one warm-up kernel (for the forks it also starts the zygote), then ``n``
kernels one after the other, each: start the kernel and wait until it is ready
(``wait_for_ready``, as nbclient does), execute ``import numpy as np; np.ones(3).sum()``, shut
it down.  Then ``n`` kernels again, with ``--parallel`` of them at a time in one event loop,
for throughput. The last columns give the sandbox's cost: jail over local, fork+jail over fork.

Kernel CPU is the children's rusage: forked kernels are the zygote's children, so theirs
is counted once the zygote is reaped, zygote start-up included (amortized over all kernels).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time

from autograder.forkkernel import client as zygotes
from autograder.kernels.manager import SandboxKernelManager

CELL = "import numpy as np; np.ones(3).sum()"
MODES = {"local": (False, False), "jail": (True, False), "fork": (False, True),
         "fork+jail": (True, True)}
"""name: (sandbox, fork)."""


async def one_kernel(sandbox: bool, fork: bool) -> tuple[float, float, float]:
    """(start+ready, execute, shutdown) wall times of one kernel, in seconds."""
    with tempfile.TemporaryDirectory() as notebook_dir:  # small: a jail copies its files
        t0 = time.perf_counter()
        km = SandboxKernelManager(kernel_name="python3", sandbox=sandbox, fork=fork)
        await km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"],
                              cwd=notebook_dir)
        kc = km.client()
        kc.start_channels()
        await kc.wait_for_ready(timeout=60)
        t1 = time.perf_counter()
        reply = await kc.execute_interactive(CELL, timeout=60, output_hook=lambda msg: None)
        assert reply["content"]["status"] == "ok", reply["content"]
        t2 = time.perf_counter()
        kc.stop_channels()
        await km.shutdown_kernel()
        return t1 - t0, t2 - t1, time.perf_counter() - t2


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


async def bench(sandbox: bool, fork: bool, n: int, parallel: int) -> dict[str, float]:
    cpu0, own0 = children_cpu(), time.process_time()
    warmup = sum(await one_kernel(sandbox, fork))
    samples = [await one_kernel(sandbox, fork) for _ in range(n)]
    limit = asyncio.Semaphore(parallel)

    async def limited() -> None:
        async with limit:
            await one_kernel(sandbox, fork)

    t0 = time.perf_counter()
    await asyncio.gather(*(limited() for _ in range(n)))
    throughput = n / (time.perf_counter() - t0)
    zygotes.shutdown_zygotes()  # reaps the zygote, which has reaped the forked kernels
    kernels = 2 * n + 1
    totals = [sum(s) for s in samples]
    return {
        "start+ready": statistics.mean(s[0] for s in samples),
        "execute": statistics.mean(s[1] for s in samples),
        "shutdown": statistics.mean(s[2] for s in samples),
        "total (mean)": statistics.mean(totals),
        "total (median)": statistics.median(totals),
        "total (stdev)": statistics.stdev(totals) if n > 1 else 0.0,
        "total (max)": max(totals),
        "first kernel": warmup,
        "kernel CPU/kernel": (children_cpu() - cpu0) / kernels,
        "grader CPU/kernel": (time.process_time() - own0) / kernels,
        f"kernels/s, {parallel} at a time": throughput,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="kernels per provisioner (default 20)")
    parser.add_argument("--parallel", type=int, default=4, help="concurrency of the last phase")
    args = parser.parse_args()
    results = {name: asyncio.run(bench(sandbox, fork, args.n, args.parallel))
               for name, (sandbox, fork) in MODES.items()}
    print(f"{args.n} kernels each, Python {sys.version.split()[0]}; cell: {CELL}")
    print(f"{'seconds per kernel':<26}" + "".join(f"{name:>11}" for name in MODES)
          + f"{'jail/local':>12}{'f+j/fork':>10}")
    for key in results["local"]:
        row = [results[name][key] for name in MODES]
        ratios = (row[1] / row[0], row[3] / row[2])
        print(f"{key:<26}" + "".join(f"{value:11.3f}" for value in row)
              + f"{ratios[0]:11.2f}x{ratios[1]:9.2f}x")
    print("(start+ready includes wait_for_ready's fixed 0.2 s IOPub flush; a fork's first "
          "kernel includes starting the zygote; ratios above 1 are the sandbox's cost, "
          "except for kernels/s)")


if __name__ == "__main__":
    main()
