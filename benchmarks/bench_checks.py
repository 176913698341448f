"""Time of each case's visible and hidden value checks, and the finite-difference error.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/bench_checks.py``). For every case it
checks the solution (from ``source/``) as a test cell would, and prints the best of
``--repeat`` runs of the visible check and of the hidden checks (every hidden size), and the
finite-difference error estimate beside the actual error against the solution's values.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import check_jacobian_values  # noqa: E402
from autograder.cases import CASES  # noqa: E402
from course.classroom import solution_answers  # noqa: E402
from course.workspace import ROOT  # noqa: E402


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
    solutions = solution_answers(ROOT)
    print(f"{'case':<26} {'visible':>9} {'hidden':>9}   {'fd error estimate':>17} "
          f"{'actual error':>12}")
    for case in CASES.values():
        namespace: dict = {"np": np}
        exec(solutions[case.notebook][case.function], namespace)
        function = namespace[case.function]

        def visible(case=case, function=function):
            check_jacobian_values(function, case.key, **case.visible_sizes)

        def hidden(case=case, function=function):
            for seed, sizes in enumerate(case.hidden_sizes, start=1):
                check_jacobian_values(function, case.key, seed=seed, hidden=True, **sizes)

        inputs = case.sample_inputs(case.visible_sizes, 0)
        reference = case.reference_jacobian(inputs)
        actual = float(np.max(np.abs(reference.values - function(**inputs))))
        print(f"{case.key:<26} {best_time(visible, args.repeat) * 1e3:>7.1f}ms "
              f"{best_time(hidden, args.repeat) * 1e3:>7.1f}ms   {reference.error:>17.2e} "
              f"{actual:>12.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
