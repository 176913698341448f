"""The tables behind the report, as CSV text (one header row, then one row per record)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from .contents import CourseReport


def scores_csv(report: CourseReport) -> str:
    """``student``, one column per notebook, ``late_penalty``, ``total``: the gradebook's
    scores, the total after the late penalty (``nbgrader export``'s ``score``)."""
    table = report.scores
    return _csv(["student", *table.notebooks, "late_penalty", "total"],
                ([s.student, *(f"{s.by_notebook[n]:g}" for n in table.notebooks),
                  f"{s.penalty:g}", f"{s.total:g}"] for s in table.students))


def cells_csv(report: CourseReport) -> str:
    """``notebook, cell, points, passed, graded, pass_rate`` per test cell, in notebook order."""
    return _csv(["notebook", "cell", "points", "passed", "graded", "pass_rate"],
                ([c.notebook, c.cell, f"{c.max_score:g}", c.passed, c.graded, f"{c.rate:.4g}"]
                 for c in report.cells))


def mistakes_csv(report: CourseReport) -> str:
    """One row per mistake; ``checks`` and ``students`` are space-separated."""
    return _csv(["notebook", "case", "checks", "kind", "mistake", "students_count", "failures",
                 "example", "students"],
                ([m.notebook, m.case, " ".join(m.checks), m.kind, m.name, len(m.students),
                  m.failures, m.example, " ".join(m.students)] for m in report.mistakes))


def problems_csv(report: CourseReport) -> str:
    """Grading problems and findings, one row each (``notebook`` is ``*`` for all)."""
    return _csv(["student", "status", "notebook", "kind", "detail"],
                ([p.student, p.status, p.notebook, p.kind, p.detail] for p in report.problems))


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()
