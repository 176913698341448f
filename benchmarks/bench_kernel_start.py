"""Kernel start + small cell + shutdown: LocalProvisioner vs the fork provisioner.

    .venv/bin/python benchmarks/bench_kernel_start.py [-n 20] [--parallel 4]

For each provisioner, one warm-up kernel (for the fork provisioner it also starts the
zygote, timed separately), then ``n`` kernels one after the other, each: start the kernel
and wait until it is ready (``wait_for_ready``, as nbclient does), execute
``import numpy as np; np.ones(3).sum()``, shut it down.  Then ``n`` kernels again, with
``--parallel`` of them at a time in one event loop, for throughput.

Kernel CPU is the children's rusage: forked kernels are the zygote's children, so theirs
is counted once the zygote is reaped, zygote start-up included (amortized over all kernels).
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import time

from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning.factory import KernelProvisionerFactory

from autograder.forkkernel import client as zygotes

CELL = "import numpy as np; np.ones(3).sum()"
PROVISIONERS = {"local": "local-provisioner", "fork": "autograder-fork"}


async def one_kernel() -> tuple[float, float, float]:
    """(start+ready, execute, shutdown) wall times of one kernel, in seconds."""
    t0 = time.perf_counter()
    km = AsyncKernelManager(kernel_name="python3")
    await km.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
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


async def bench(provisioner: str, n: int, parallel: int) -> dict[str, float]:
    KernelProvisionerFactory.instance().default_provisioner_name = provisioner
    cpu0, own0 = children_cpu(), time.process_time()
    warmup = sum(await one_kernel())
    samples = [await one_kernel() for _ in range(n)]
    limit = asyncio.Semaphore(parallel)

    async def limited() -> None:
        async with limit:
            await one_kernel()

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
    results = {name: asyncio.run(bench(p, args.n, args.parallel))
               for name, p in PROVISIONERS.items()}
    local, fork = results["local"], results["fork"]
    print(f"{args.n} kernels each, Python {sys.version.split()[0]}; cell: {CELL}")
    print(f"{'seconds per kernel':<30}{'local':>9}{'fork':>9}{'fork gain':>11}")
    for key in local:
        gain = fork[key] / local[key] if key.startswith("kernels/s") else local[key] / fork[key]
        print(f"{key:<30}{local[key]:9.3f}{fork[key]:9.3f}{gain:10.1f}x")
    print("(start+ready includes wait_for_ready's fixed 0.2 s IOPub flush, for both; "
          "the fork's first kernel includes starting the zygote)")


if __name__ == "__main__":
    main()
