"""Serial ``nbgrader autograde`` against ``python -m autograder grade``, side by side.

Builds a class of synthetic submissions (answers drawn from the answer bank, right and wrong
mixed), copies it twice, grades one copy with ``nbgrader autograde ASSIGNMENT`` and the other
with ``python -m autograder grade ASSIGNMENT``, checks that every gradebook row is identical,
and prints both wall times, the CPU seconds the machine was busy during each (:func:`timed`),
their ratios, and where a notebook's time goes in the grader, stage by stage
(:mod:`stage_table`).

Run: ``.venv/bin/python benchmarks/bench_grade.py [--assignment jacobians] [--students 100]
[--jobs N]`` on an otherwise idle machine. The course directories are kept in ``.bench/``
(git-ignored) for inspection.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.course_config import gradebook_url  # noqa: E402
from autograder.course_secret import course_secret  # noqa: E402
from autograder.scores import read_grades  # noqa: E402
from benchmarks.stage_table import format_stage_table, stage_rows  # noqa: E402
from cases.registry import ASSIGNMENTS, cases_of  # noqa: E402
from course.answer_bank import case_answers  # noqa: E402
from course.classroom import write_submission  # noqa: E402
from course.workspace import ROOT, copy_course, new_course_dir, run  # noqa: E402

BENCH_DIR = ROOT / ".bench"


def synthetic_course(folder: Path, assignment: str, students: int, seed: int) -> Path:
    """A new course in ``folder``: ``assignment`` generated, ``students`` synthetic
    submissions (:func:`synthetic_class`), and a course secret, which every copy of the
    course shares (the same hidden runs)."""
    base = new_course_dir(folder)
    run(base, "nbgrader", "generate_assignment", assignment, "--force")
    synthetic_class(base, assignment, students, seed)
    course_secret(base)
    return base


def synthetic_class(course: Path, assignment: str, students: int, seed: int) -> None:
    """``students`` submissions; each notebook gets a random bank answer for each cell."""
    rng = random.Random(seed)
    for number in range(students):
        answers = {}
        for case in cases_of(assignment):
            function = rng.choice(case_answers(case.key).answers)
            shape = rng.choice(case_answers(case.key).predicted_shapes)
            answers[case.notebook] = {case.function: function.source,
                                      "jacobian_shape": shape.source}
        write_submission(course, assignment, f"student{number:03d}", answers)


class Timing(NamedTuple):
    """What a command cost: wall seconds; CPU seconds the whole machine was busy meanwhile
    (:func:`busy_seconds`: the command's processes, its jailed kernels, and the kernel's work
    for them, such as tearing down a jail's namespaces, which no process is charged with);
    and CPU seconds of the command's own process tree as ``getrusage`` sees it, which misses
    much of that (it gave 0.14 CPU s per notebook where the machine was busy 0.33)."""

    wall: float
    cpu: float
    command_cpu: float


def busy_seconds() -> float:
    """CPU seconds all cores have spent busy since boot (user, nice, system, irq, softirq;
    not idle, I/O wait or steal), from ``/proc/stat``."""
    with open("/proc/stat", encoding="ascii") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, *_ = map(
            int, stat.readline().split()[1:])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def timed(course: Path, *command: str) -> Timing:
    """Run ``command`` in ``course`` and measure it (:class:`Timing`)."""
    started, busy = time.perf_counter(), busy_seconds()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = run(course, *command, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timing = Timing(wall=time.perf_counter() - started, cpu=busy_seconds() - busy,
                    command_cpu=(after.ru_utime - before.ru_utime)
                    + (after.ru_stime - before.ru_stime))
    if result.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return timing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", choices=list(ASSIGNMENTS),
                        default=next(iter(ASSIGNMENTS)))
    parser.add_argument("--students", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    assignment = args.assignment
    base = synthetic_course(BENCH_DIR / "base", assignment, args.students, args.seed)
    serial = fresh_copy(base, BENCH_DIR / "serial")
    parallel = fresh_copy(base, BENCH_DIR / "parallel")

    count = len(cases_of(assignment))
    notebooks = args.students * count
    print(f"{assignment}: {args.students} students x {count} notebooks = {notebooks} "
          f"notebooks, {os.cpu_count()} cores, python -m autograder grade --jobs {args.jobs}")
    serial_seconds, serial_cpu, _ = timed(serial, "nbgrader", "autograde", assignment)
    parallel_seconds, parallel_cpu, _ = timed(parallel, "autograder", "grade", assignment,
                                              "--jobs", str(args.jobs))
    serial_rows = read_grades(gradebook_url(serial), assignment)
    parallel_rows = read_grades(gradebook_url(parallel), assignment)
    identical = serial_rows == parallel_rows
    maximum = sum(row.max_score for row in serial_rows) / args.students
    print(f"{'':<32}{'wall s':>9}{'s/notebook':>12}{'CPU s':>9}{'CPU s/nb':>10}")
    for name, wall, cpu in [("nbgrader autograde (serial)", serial_seconds, serial_cpu),
                            ("python -m autograder grade", parallel_seconds, parallel_cpu)]:
        print(f"{name:<32}{wall:>9.1f}{wall / notebooks:>12.3f}{cpu:>9.1f}"
              f"{cpu / notebooks:>10.3f}")
    print(format_stage_table(stage_rows(parallel, assignment, count)))
    print(f"speed-up: {serial_seconds / parallel_seconds:.2f}x wall, "
          f"{serial_cpu / parallel_cpu:.2f}x CPU; gradebook rows "
          f"{'identical' if identical else 'DIFFER'} ({len(serial_rows)} grades, mean score "
          f"{sum(r.score for r in serial_rows) / args.students:.2f} / {maximum:g})")
    return 0 if identical else 1


def fresh_copy(base: Path, destination: Path) -> Path:
    if destination.exists():
        shutil.rmtree(destination)
    return copy_course(base, destination)


if __name__ == "__main__":
    sys.exit(main())
