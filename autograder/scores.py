"""Scores read from an nbgrader gradebook, as plain rows, and the per-student table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
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


def read_penalties(db_url: str, assignment: str) -> dict[str, float]:
    """The late-submission penalty nbgrader applied to each student's submission (if any)."""
    with Gradebook(db_url) as gradebook:
        return {submission.student.id: float(submission.late_submission_penalty or 0.0)
                for submission in gradebook.assignment_submissions(assignment)
                if submission.late_submission_penalty}


def after_penalty(raw: float, penalty: float) -> float:
    """A total as ``nbgrader export`` has it: the raw score minus the late penalty, at least 0."""
    return max(0.0, raw - penalty)


@dataclass(frozen=True)
class StudentScores:
    """One student's score in every notebook, and the total, as ``nbgrader export`` has it.

    Attributes
    ----------
    student : str
    by_notebook : dict of str to float
        Score by notebook name; a notebook without gradebook rows scores 0.
    total : float
        The notebooks' scores minus the late penalty, at least 0 (``nbgrader export``'s
        ``score``).
    penalty : float
        The late-submission penalty nbgrader applied, 0 if none.
    """

    student: str
    by_notebook: dict[str, float]
    total: float
    penalty: float = 0.0


@dataclass(frozen=True)
class ScoreTable:
    """The class's scores: one :class:`StudentScores` per student, sorted by student.

    Attributes
    ----------
    notebooks : list of str
        Notebook names, sorted.
    max_by_notebook : dict of str to float
        The points each notebook is worth.
    students : list of StudentScores
    """

    notebooks: list[str]
    max_by_notebook: dict[str, float]
    students: list[StudentScores]

    @property
    def max_total(self) -> float:
        return sum(self.max_by_notebook.values())


def score_table(rows: Iterable[GradeRow],
                penalties: Mapping[str, float] | None = None) -> ScoreTable:
    """Sum the gradebook rows per student and notebook; subtract each student's late penalty
    (``penalties``, by student) from their total, as ``nbgrader export`` does.

    Example: rows of two students, each with two 1-point cells in notebook ``01`` give
    ``ScoreTable(notebooks=["01"], max_by_notebook={"01": 2.0}, students=[...])``.
    """
    scores: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    maxima: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        scores[row.student][row.notebook] += row.score
        maxima[row.student, row.notebook] += row.max_score
    notebooks = sorted({notebook for _, notebook in maxima})
    max_by_notebook = {name: max(total for (_, notebook), total in maxima.items()
                                 if notebook == name) for name in notebooks}
    penalties = penalties or {}
    students = [StudentScores(student, {name: by_notebook.get(name, 0.0) for name in notebooks},
                              after_penalty(sum(by_notebook.values()),
                                            penalties.get(student, 0.0)),
                              penalties.get(student, 0.0))
                for student, by_notebook in sorted(scores.items())]
    return ScoreTable(notebooks, max_by_notebook, students)


def format_score_table(rows: Iterable[GradeRow],
                       penalties: Mapping[str, float] | None = None) -> str:
    """A fixed-width table: one line per student, one column per notebook, and the total
    (after a late penalty, which the line then names).

    Example::

        student        01     02     03     04     05   total
        alice         4/4    4/4    4/4    4/4    4/4   20/20
    """
    table = score_table(rows, penalties)
    width = max([len("student"), *(len(s.student) for s in table.students)])
    header = [f"{'student':<{width}}",
              *(f"{name.split('_', 1)[0]:>7}" for name in table.notebooks), f"{'total':>8}"]
    lines = ["  ".join(header)]
    for scores in table.students:
        cells = [_fraction(scores.by_notebook[name], table.max_by_notebook[name])
                 for name in table.notebooks]
        late = f"  (late penalty {scores.penalty:g})" if scores.penalty else ""
        lines.append("  ".join([f"{scores.student:<{width}}", *(f"{c:>7}" for c in cells),
                                f"{_fraction(scores.total, table.max_total):>8}"]) + late)
    legend = ", ".join(f"{name.split('_', 1)[0]} = {name}" for name in table.notebooks)
    return "\n".join([*lines, "", f"Notebooks: {legend}"])


def _fraction(score: float, maximum: float) -> str:
    return f"{score:g}/{maximum:g}"
