"""Scores per student and notebook, and pass rates per test cell, from gradebook rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..scores import GradeRow


@dataclass(frozen=True)
class StudentScores:
    """One student's score in every notebook, and the total.

    Attributes
    ----------
    student : str
    by_notebook : dict of str to float
        Score by notebook name; a notebook without gradebook rows scores 0.
    total : float
    """

    student: str
    by_notebook: dict[str, float]
    total: float


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


@dataclass(frozen=True)
class CellPassRate:
    """How many students passed one test cell: got its full points.

    Attributes
    ----------
    notebook, cell : str
        Notebook name and the test cell's ``grade_id``.
    max_score : float
        The points of the cell.
    passed, graded : int
        Students with full points, and students with a grade for the cell.
    """

    notebook: str
    cell: str
    max_score: float
    passed: int
    graded: int

    @property
    def rate(self) -> float:
        """``passed / graded`` (0 when nobody was graded)."""
        return self.passed / self.graded if self.graded else 0.0


def score_table(rows: Iterable[GradeRow]) -> ScoreTable:
    """Sum the gradebook rows per student and notebook.

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
    students = [StudentScores(student, {name: by_notebook.get(name, 0.0) for name in notebooks},
                              sum(by_notebook.values()))
                for student, by_notebook in sorted(scores.items())]
    return ScoreTable(notebooks, max_by_notebook, students)


def cell_pass_rates(rows: Iterable[GradeRow],
                    cell_order: Mapping[str, Sequence[str]]) -> list[CellPassRate]:
    """Pass rate of every graded cell, notebook by notebook, cells in notebook order.

    Parameters
    ----------
    rows : iterable of GradeRow
    cell_order : mapping of str to sequence of str
        ``{notebook: grade_ids in the order of the notebook}``, e.g. from the release
        notebooks; cells it does not list come after the listed ones, sorted by name.
    """
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    max_scores: dict[tuple[str, str], float] = {}
    for row in rows:
        key = (row.notebook, row.cell)
        counts[key][0] += row.score >= row.max_score
        counts[key][1] += 1
        max_scores[key] = max(max_scores.get(key, 0.0), row.max_score)

    def position(key: tuple[str, str]) -> tuple[str, int, str]:
        notebook, cell = key
        order = list(cell_order.get(notebook, ()))
        return notebook, order.index(cell) if cell in order else len(order), cell

    return [CellPassRate(notebook, cell, max_scores[notebook, cell], *counts[notebook, cell])
            for notebook, cell in sorted(counts, key=position)]
