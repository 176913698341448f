"""Time of each case's values checks, as the grader makes them, and the finite-difference error.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_checks.py``). For every case it
judges the solution (from ``source/``) as the grader does, in this process (no kernel), and
prints the best of ``--repeat`` runs of the values check on the notebook's sizes (in the
student's kernel, against the stored reference), of the grader's check on the notebook's
sizes (its reference is computed once per process, then cached), and of the grader's hidden
runs of one student (a new reference each); then the finite-difference error estimate beside
the actual error against the solution's values.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.hidden import hidden_runs  # noqa: E402
from autograder.references import reference_jacobian  # noqa: E402
from autograder.verify.in_process import judge_once  # noqa: E402
from cases.registry import ASSIGNMENTS, CASES  # noqa: E402
from course.classroom import solution_answers  # noqa: E402
from course.workspace import ROOT  # noqa: E402
from jacobian_checks import check_jacobian_values  # noqa: E402
from jacobian_checks.public_case import VISIBLE_SEED  # noqa: E402


def best_time(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    solutions = {assignment: solution_answers(ROOT, assignment) for assignment in ASSIGNMENTS}
    secret = bytes(32)
    print(f"{'case':<26} {'notebook':>9} {'grader':>9} {'hidden':>9}   "
          f"{'fd error estimate':>17} {'actual error':>12}")
    for case in CASES.values():
        namespace: dict = {"np": np}
        exec(solutions[case.assignment][case.notebook][case.function], namespace)
        function = namespace[case.function]
        sizes = dict(case.visible_sizes)

        def in_kernel(case=case, function=function, sizes=sizes):
            with contextlib.redirect_stdout(io.StringIO()):  # its one line "Passed: ..."
                check_jacobian_values(function, case.key, **sizes)

        def grader(case=case, namespace=namespace, sizes=sizes):
            assert judge_once(namespace, "values", case.key, sizes, VISIBLE_SEED) is None

        def hidden(case=case, namespace=namespace):
            for run in hidden_runs(secret, case.assignment, "student", case):
                assert judge_once(namespace, "values", case.key, run.sizes, run.seed) is None

        inputs = case.sample_inputs(sizes, VISIBLE_SEED)
        reference = reference_jacobian(case, inputs)
        actual = float(np.max(np.abs(reference.values - function(**inputs))))
        print(f"{case.key:<26} {best_time(in_kernel, args.repeat) * 1e3:>7.1f}ms "
              f"{best_time(grader, args.repeat) * 1e3:>7.1f}ms "
              f"{best_time(hidden, args.repeat) * 1e3:>7.1f}ms   {reference.error:>17.2e} "
              f"{actual:>12.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
