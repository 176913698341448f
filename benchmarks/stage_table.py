"""Where a graded notebook's time goes: the per-stage account of a graded course, as a table.

Each student's record (``.autograder/<assignment>.json``, :mod:`autograder.grading.state`)
holds the wall and CPU seconds of every stage of their grading (:mod:`autograder.stages`);
the table shows, per stage, the median over students of those seconds divided by the
student's notebooks. Stages nest (``cells`` and ``verification`` are inside ``autograde``),
so rows do not add up to the total.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from autograder.grading.state import load_state


def stage_rows(course: Path, assignment: str,
               notebooks_per_student: int) -> list[tuple[str, float, float]]:
    """``(stage, median wall s, median CPU s)`` per notebook, slowest stage first."""
    records = load_state(course, assignment, on_problem=print)
    per_stage: dict[str, list[tuple[float, float]]] = {}
    for record in records.values():
        for name, spent in record.outcome.stages.items():
            per_stage.setdefault(name, []).append(
                (spent.wall / notebooks_per_student, spent.cpu / notebooks_per_student))
    rows = [(name, statistics.median(w for w, _ in times), statistics.median(c for _, c in times))
            for name, times in per_stage.items()]
    return sorted(rows, key=lambda row: -row[1])


def format_stage_table(rows: list[tuple[str, float, float]]) -> str:
    """The rows of :func:`stage_rows` as a plain-text table, in milliseconds."""
    lines = [f"{'stage (median per notebook)':<32}{'wall ms':>9}{'CPU ms':>9}"]
    lines += [f"{name:<32}{1000 * wall:>9.1f}{1000 * cpu:>9.1f}" for name, wall, cpu in rows]
    return "\n".join(lines)
