"""Pass rates per test cell, from gradebook rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..scores import GradeRow


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
