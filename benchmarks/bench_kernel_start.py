"""Kernel start + small cell + shutdown: fresh or forked kernels, with and without the sandbox.

    .venv/bin/python benchmarks/bench_kernel_start.py [-n 20] [--parallel 4]
        [--compare TREE [--rounds 4] [--modes MODE ...]]

Four ways to start a kernel, by :class:`autograder.kernels.manager.SandboxKernelManager`:
``local`` (jupyter_client's LocalProvisioner, as nbgrader starts kernels), ``jail`` (a fresh
kernel in a jail, as ``nbgrader autograde`` does with the course's config), ``fork`` (forked
from a warm zygote) and ``fork+jail`` (forked into a jail, as ``python -m autograder grade``
does). For each, one warm-up kernel (for the forks it also starts the zygote), then ``n``
kernels one after the other, each: start the kernel and wait until it is ready
(``wait_for_ready``, as nbclient does), execute ``import numpy as np; np.ones(3).sum()``, shut
it down.  Then ``n`` kernels again, with ``--parallel`` of them at a time in one event loop,
for throughput. The last columns give the sandbox's cost: jail over local, fork+jail over fork.

``--compare TREE`` measures the cost of a change instead: each way with the grader of ``TREE``
(another checkout of this repository, e.g. ``git worktree add /tmp/main main``) and with this
one, side by side, in fresh processes that alternate between the two (``--rounds``, each
with its own warm-up kernel), so that both see the machine's load alike. Then the jail's own
parts: setting up a jail with the default file view and with a kernel's (the filtered
site-packages), and the seccomp filter's install and per-system-call cost.

Kernel CPU is the children's rusage: forked kernels are the zygote's children, so theirs
is counted once the zygote is reaped, zygote start-up included (amortized over all kernels).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CELL = "import numpy as np; np.ones(3).sum()"
MODES = {"local": (False, False), "jail": (True, False), "fork": (False, True),
         "fork+jail": (True, True)}
"""name: (sandbox, fork)."""
HERE = Path(__file__).resolve().parents[1]


async def one_kernel(sandbox: bool, fork: bool) -> tuple[float, float, float]:
    """(start+ready, execute, shutdown) wall times of one kernel, in seconds."""
    from autograder.kernels.manager import SandboxKernelManager

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


async def bench(sandbox: bool, fork: bool, n: int, parallel: int) -> dict[str, Any]:
    """One warm-up kernel, ``n`` one after the other, ``n`` more ``parallel`` at a time: the
    raw measurements (see :func:`summary`)."""
    from autograder.kernels.fork import client as zygotes

    cpu0, own0 = children_cpu(), time.process_time()
    warmup = sum(await one_kernel(sandbox, fork))
    samples = [await one_kernel(sandbox, fork) for _ in range(n)]
    limit = asyncio.Semaphore(parallel)

    async def limited() -> None:
        async with limit:
            await one_kernel(sandbox, fork)

    t0 = time.perf_counter()
    await asyncio.gather(*(limited() for _ in range(n)))
    parallel_seconds = time.perf_counter() - t0
    zygotes.shutdown_zygotes()  # reaps the zygote, which has reaped the forked kernels
    return {"samples": samples, "warmup": warmup, "kernels": 2 * n + 1,
            "kernel_cpu": children_cpu() - cpu0, "grader_cpu": time.process_time() - own0,
            "parallel": [n, parallel_seconds]}


def summary(runs: list[dict[str, Any]], parallel: int) -> dict[str, float]:
    """Per-kernel figures over the runs of one way (and one grader)."""
    samples = [sample for run in runs for sample in run["samples"]]
    totals = [sum(sample) for sample in samples]
    kernels = sum(run["kernels"] for run in runs)
    return {
        "start+ready": statistics.mean(s[0] for s in samples),
        "execute": statistics.mean(s[1] for s in samples),
        "shutdown": statistics.mean(s[2] for s in samples),
        "total (mean)": statistics.mean(totals),
        "total (median)": statistics.median(totals),
        "total (stdev)": statistics.stdev(totals) if len(totals) > 1 else 0.0,
        "total (max)": max(totals),
        "first kernel": statistics.mean(run["warmup"] for run in runs),
        "kernel CPU/kernel": sum(run["kernel_cpu"] for run in runs) / kernels,
        "grader CPU/kernel": sum(run["grader_cpu"] for run in runs) / kernels,
        f"kernels/s, {parallel} at a time": sum(run["parallel"][0] for run in runs)
        / sum(run["parallel"][1] for run in runs),
    }


def table(title: str, columns: list[str], results: list[dict[str, float]],
          ratios: list[tuple[int, int, str]]) -> None:
    """Rows of metrics, one column per result, then the ratios (numerator, denominator)."""
    print(f"{title:<26}" + "".join(f"{name:>11}" for name in columns)
          + "".join(f"{label:>12}" for _, _, label in ratios))
    for key in results[0]:
        row = [result[key] for result in results]
        print(f"{key:<26}" + "".join(f"{value:11.3f}" for value in row)
              + "".join(f"{row[a] / row[b]:11.2f}x" for a, b, _ in ratios))


def in_tree(tree: Path, mode: str, n: int, parallel: int) -> dict[str, Any]:
    """One way measured in a fresh process with the grader of ``tree``: raw measurements."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, __file__, "-n", str(n), "--parallel", str(parallel),
                          "--only", mode], env=env, cwd=tree, check=True, text=True,
                         capture_output=True).stdout
    return json.loads(out.splitlines()[-1])


def jail_parts(repeat: int) -> dict[str, float]:
    """Setting up a jail (default view, kernel's view) and the seccomp filter, measured in
    fresh children of this process (which must be single-threaded)."""
    from autograder.kernels.jailed import kernel_base_jail
    from autograder.sandbox import JailSpec, cgroups, spawn

    def setup(spec: JailSpec) -> float:
        null = os.open(os.devnull, os.O_WRONLY)
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            pid = spawn(spec, stdout_fd=null, stderr_fd=null)
            if pid == 0:
                os._exit(0)
            times.append(time.perf_counter() - t0)
            os.waitpid(pid, 0)
            cgroups.release(pid)
        os.close(null)
        return statistics.median(times)

    return {"jail set-up, default view (ms)": 1000 * setup(JailSpec()),
            "jail set-up, kernel's view (ms)": 1000 * setup(kernel_base_jail({})),
            **seccomp_cost()}


def seccomp_cost(calls: int = 200_000) -> dict[str, float]:
    """The filter's install time and what it adds to a cheap system call, in a child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        from autograder.sandbox import seccomp

        def per_call() -> float:
            t0 = time.perf_counter()
            for _ in range(calls):
                os.getppid()
            return (time.perf_counter() - t0) / calls

        before = min(per_call() for _ in range(3))
        t0 = time.perf_counter()
        seccomp.install()
        installed = time.perf_counter() - t0
        after = min(per_call() for _ in range(3))
        os.write(write, json.dumps([installed, before, after]).encode())
        os._exit(0)
    os.close(write)
    installed, before, after = json.loads(os.read(read, 1000))
    os.close(read)
    os.waitpid(pid, 0)
    return {"seccomp install (us)": 1e6 * installed,
            "getppid() unfiltered (ns)": 1e9 * before, "getppid() filtered (ns)": 1e9 * after}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20, help="kernels per provisioner (default 20)")
    parser.add_argument("--parallel", type=int, default=4, help="concurrency of the last phase")
    parser.add_argument("--compare", type=Path, help="another checkout to compare with")
    parser.add_argument("--rounds", type=int, default=4, help="with --compare: alternate the "
                        "two checkouts this many times, n/rounds kernels each (default 4)")
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES),
                        help="with --compare: the ways to measure (default: all)")
    parser.add_argument("--only", choices=MODES, help=argparse.SUPPRESS)  # one mode, as JSON
    parser.add_argument("--parts", action="store_true", help=argparse.SUPPRESS)  # as JSON
    args = parser.parse_args()
    if args.only:
        print(json.dumps(asyncio.run(bench(*MODES[args.only], args.n, args.parallel))))
        return
    if args.parts:
        print(json.dumps(jail_parts(repeat=max(args.n, 5))))
        return
    print(f"{args.n} kernels each, Python {sys.version.split()[0]}; cell: {CELL}")
    if args.compare is None:
        results = [summary([asyncio.run(bench(sandbox, fork, args.n, args.parallel))],
                           args.parallel) for sandbox, fork in MODES.values()]
        table("seconds per kernel", list(MODES), results,
              [(1, 0, "jail/local"), (3, 2, "f+j/fork")])
        print("(start+ready includes wait_for_ready's fixed 0.2 s IOPub flush; a fork's first "
              "kernel includes starting the zygote; ratios above 1 are the sandbox's cost, "
              "except for kernels/s)")
        return
    other, each = args.compare.resolve(), max(1, args.n // args.rounds)
    for mode in args.modes:  # alternating, so that both see the machine's load alike
        runs: dict[Path, list[dict[str, Any]]] = {other: [], HERE: []}
        for _ in range(args.rounds):
            for tree in runs:
                runs[tree].append(in_tree(tree, mode, each, args.parallel))
        results = [summary(runs[tree], args.parallel) for tree in runs]
        table(f"{mode}: s per kernel", [other.name[:10], HERE.name[:10]], results,
              [(1, 0, "this/other")])
    # In a fresh, single-threaded process (no BLAS threads), as spawn() needs.
    env = dict(os.environ, PYTHONPATH=str(HERE), OPENBLAS_NUM_THREADS="1")
    parts = json.loads(subprocess.run(
        [sys.executable, __file__, "-n", str(args.n), "--parts"], env=env, check=True,
        text=True, capture_output=True).stdout)
    width = max(map(len, parts))
    for name, value in parts.items():
        print(f"{name:<{width}} {value:9.1f}")


if __name__ == "__main__":
    main()
