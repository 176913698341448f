"""Everything the report shows, gathered from gradebook rows, notebooks and grading records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..grading.state import StudentRecord
from ..scores import GradeRow, ScoreTable, score_table
from ..verify.records import Flag, notebook_flags
from .mistakes import Mistake, count_mistakes, failed_cells
from .problems import StudentProblem, student_problems
from .score_tables import CellPassRate, cell_pass_rates

AutogradedNotebooks = Mapping[tuple[str, str], Mapping[str, Any]]
"""``{(student, notebook name): parsed JSON of the autograded notebook}``."""


@dataclass(frozen=True)
class CourseReport:
    """The content of the course report of one assignment.

    Attributes
    ----------
    assignment : str
    scores : ScoreTable
        Per student and notebook, from the gradebook.
    cells : list of CellPassRate
        Per test cell, notebook by notebook, in notebook order.
    mistakes : list of Mistake
        Failed test cells grouped by mistake, per notebook, most common first.
    problems : list of StudentProblem
        Grading failures, timeouts and findings, by student.
    """

    assignment: str
    scores: ScoreTable
    cells: list[CellPassRate]
    mistakes: list[Mistake]
    problems: list[StudentProblem]


def collect_report(assignment: str, rows: Sequence[GradeRow],
                   cell_order: Mapping[str, Sequence[str]], notebooks: AutogradedNotebooks,
                   records: Mapping[str, StudentRecord],
                   penalties: Mapping[str, float] | None = None) -> CourseReport:
    """Build the report's content; pure.

    Parameters
    ----------
    assignment : str
    rows : sequence of GradeRow
        The assignment's gradebook rows (:func:`autograder.scores.read_grades`).
    cell_order : mapping of str to sequence of str
        ``{notebook: grade_ids in notebook order}``.
    notebooks : AutogradedNotebooks
        The autograded notebooks, parsed.
    records : mapping of str to StudentRecord
        The grading records (:func:`autograder.grading.state.load_state`), maybe empty.
    penalties : mapping of str to float, optional
        Late-submission penalties by student (:func:`autograder.scores.read_penalties`).
    """
    flags: dict[str, list[tuple[str, Flag]]] = {}
    for (student, name), notebook in sorted(notebooks.items()):
        flags.setdefault(student, []).extend((name, flag) for flag in notebook_flags(notebook))
    failed = [cell for (student, name), notebook in sorted(notebooks.items())
              for cell in failed_cells(student, name, notebook)]
    return CourseReport(assignment=assignment, scores=score_table(rows, penalties),
                        cells=cell_pass_rates(rows, cell_order),
                        mistakes=count_mistakes(failed),
                        problems=student_problems(records, flags))
