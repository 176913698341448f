"""Scores read from an nbgrader gradebook, as plain rows, and the per-student table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from nbgrader.api import Gradebook


@dataclass(frozen=True, order=True)
class GradeRow:
    """One graded cell of one student's notebook, as the gradebook holds it.

    ``score`` is nbgrader's: the manual score if a grader set one, else the auto score.
    """

    student: str
    notebook: str
    cell: str
    score: float
    max_score: float
    auto_score: float | None
    manual_score: float | None
    needs_manual_grade: bool


def read_grades(db_url: str, assignment: str) -> list[GradeRow]:
    """Every grade of every submission of ``assignment``, sorted by student, notebook, cell."""
    rows = []
    with Gradebook(db_url) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    rows.append(GradeRow(
                        student=submission.student.id, notebook=notebook.name,
                        cell=grade.name, score=float(grade.score),
                        max_score=float(grade.max_score), auto_score=grade.auto_score,
                        manual_score=grade.manual_score,
                        needs_manual_grade=bool(grade.needs_manual_grade)))
    return sorted(rows)


def format_score_table(rows: Iterable[GradeRow]) -> str:
    """A fixed-width table: one line per student, one column per notebook, and the total.

    Example::

        student        01     02     03     04     05   total
        alice         4/4    4/4    4/4    4/4    4/4   20/20
    """
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    notebooks: set[str] = set()
    for row in rows:
        cell = scores[row.student][row.notebook]
        cell[0] += row.score
        cell[1] += row.max_score
        notebooks.add(row.notebook)
    columns = sorted(notebooks)
    width = max([len("student"), *map(len, scores)])
    header = [f"{'student':<{width}}", *(f"{name.split('_', 1)[0]:>7}" for name in columns),
              f"{'total':>8}"]
    lines = ["  ".join(header)]
    for student in sorted(scores):
        cells = [scores[student][name] for name in columns]
        total = [sum(c[0] for c in cells), sum(c[1] for c in cells)]
        lines.append("  ".join([f"{student:<{width}}",
                                *(f"{_fraction(c):>7}" for c in cells),
                                f"{_fraction(total):>8}"]))
    legend = ", ".join(f"{name.split('_', 1)[0]} = {name}" for name in columns)
    return "\n".join([*lines, "", f"Notebooks: {legend}"])


def _fraction(score_and_max: list[float]) -> str:
    score, maximum = score_and_max
    return f"{score:g}/{maximum:g}"
