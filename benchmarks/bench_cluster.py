"""One machine's ``python -m autograder grade --jobs N`` against a Dask cluster of N workers
on the same machine, side by side.

Builds a class of synthetic submissions (as ``bench_grade.py`` does), copies it twice, grades
one copy locally and the other with ``--scheduler`` on a ``LocalCluster`` of N single-threaded
worker processes started beforehand (as an instructor starts ``dask worker``: its start-up is
not counted, each worker's first course copy is), checks that every gradebook row is
identical, and prints both wall times and CPU seconds (the machine's, see
:class:`benchmarks.bench_grade.Timing`, with the cluster's split among the instructor's
command, the workers' processes and Dask), their ratios, what the cluster adds per
notebook, and each copy's per-stage account (:mod:`benchmarks.stage_table`).

Run: ``.venv/bin/python benchmarks/bench_cluster.py [--assignment jacobians] [--students 40]
[--jobs 2]`` on an otherwise idle machine. The course directories are kept in ``.bench/``
(git-ignored).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psutil  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

from autograder.course_config import gradebook_url  # noqa: E402
from autograder.scores import read_grades  # noqa: E402
from benchmarks.bench_grade import BENCH_DIR, fresh_copy, synthetic_course, timed  # noqa: E402
from benchmarks.stage_table import format_stage_table, stage_rows  # noqa: E402
from cases.registry import ASSIGNMENTS, cases_of  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", choices=list(ASSIGNMENTS),
                        default=next(iter(ASSIGNMENTS)))
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    assignment = args.assignment
    base = synthetic_course(BENCH_DIR / "cluster-base", assignment, args.students, args.seed)
    local = fresh_copy(base, BENCH_DIR / "cluster-local")
    clustered = fresh_copy(base, BENCH_DIR / "cluster-dask")

    notebooks = args.students * len(cases_of(assignment))
    print(f"{assignment}: {args.students} students, {notebooks} notebooks, "
          f"{os.cpu_count()} cores, {args.jobs} local workers vs {args.jobs} Dask workers")
    local_seconds, local_cpu, _ = timed(local, "autograder", "grade", assignment, "--jobs",
                                        str(args.jobs))
    with LocalCluster(n_workers=args.jobs, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        workers_before, dask_before = _workers_cpu()
        cluster_seconds, cluster_cpu, instructor_cpu = timed(
            clustered, "autograder", "grade", assignment, "--scheduler",
            cluster.scheduler_address)
        workers_after, dask_after = _workers_cpu()
    workers_cpu, dask_cpu = workers_after - workers_before, dask_after - dask_before
    identical = (read_grades(gradebook_url(local), assignment)
                 == read_grades(gradebook_url(clustered), assignment))
    print(f"{'':<36}{'wall s':>9}{'s/notebook':>12}{'CPU s':>9}{'CPU s/nb':>10}")
    for name, wall, cpu in [("autograder grade (one machine)", local_seconds, local_cpu),
                            ("autograder grade --scheduler (Dask)", cluster_seconds,
                             cluster_cpu)]:
        print(f"{name:<36}{wall:>9.1f}{wall / notebooks:>12.3f}{cpu:>9.1f}"
              f"{cpu / notebooks:>10.3f}")
    print(f"Dask's CPU s: the instructor's command {instructor_cpu:.1f}, the workers' "
          f"processes {workers_cpu:.1f} (of which their grading processes and kernels "
          f"{workers_cpu - dask_cpu:.1f}, the Dask worker processes {dask_cpu:.1f}), the "
          f"rest of the machine {cluster_cpu - instructor_cpu - workers_cpu:.1f} (what "
          f"getrusage misses: the kernel's work for the jails, kernels reaped elsewhere)")
    for name, course in [("one machine", local), ("Dask", clustered)]:
        print(f"{name}:\n" + format_stage_table(stage_rows(course, assignment,
                                                          len(cases_of(assignment)))))
    print(f"cluster / one machine: {cluster_seconds / local_seconds:.2f}x wall, "
          f"{cluster_cpu / local_cpu:.2f}x CPU; the cluster adds "
          f"{(cluster_seconds - local_seconds) / notebooks:+.3f} s per notebook "
          f"({(cluster_cpu - local_cpu) / notebooks:+.3f} CPU s); gradebook rows "
          f"{'identical' if identical else 'DIFFER'}")
    return 0 if identical else 1


def _workers_cpu() -> tuple[float, float]:
    """CPU seconds of the cluster's worker processes, this process's children, with what
    they started (grading processes and kernels, live or reaped), and of the worker processes
    alone."""
    total = own = 0.0
    for process in psutil.Process().children():
        try:
            times = process.cpu_times()
            descendants = process.children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        own += times.user + times.system
        total += times.user + times.system + times.children_user + times.children_system
        for descendant in descendants:
            try:
                later = descendant.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += later.user + later.system + later.children_user + later.children_system
    return total, own

if __name__ == "__main__":
    sys.exit(main())
