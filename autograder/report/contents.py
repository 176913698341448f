"""Everything the report shows, gathered from gradebook rows, notebooks and grading records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..grading.scan import Release
from ..grading.state import StudentRecord
from ..scores import GradeRow, ScoreTable, score_table
from ..verify.plan import PlanError, plan_cell
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
    course : str
        The course id (``CourseDirectory.course_id``), ``""`` if the course sets none.
    cases : dict of str to tuple of str
        The cases each notebook's test cells check, by notebook.
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
    course: str
    cases: dict[str, tuple[str, ...]]
    scores: ScoreTable
    cells: list[CellPassRate]
    mistakes: list[Mistake]
    problems: list[StudentProblem]


def collect_report(assignment: str, rows: Sequence[GradeRow], release: Release,
                   notebooks: AutogradedNotebooks, records: Mapping[str, StudentRecord],
                   penalties: Mapping[str, float] | None = None,
                   course: str = "") -> CourseReport:
    """Build the report's content; pure.

    Parameters
    ----------
    assignment : str
    rows : sequence of GradeRow
        The assignment's gradebook rows (:func:`autograder.scores.read_grades`).
    release : Release
        The release notebooks' cells (:func:`autograder.grading.scan.read_release`): their
        order, and the cases their test cells check.
    notebooks : AutogradedNotebooks
        The autograded notebooks, parsed.
    records : mapping of str to StudentRecord
        The grading records (:func:`autograder.grading.state.load_state`), maybe empty.
    penalties : mapping of str to float, optional
        Late-submission penalties by student (:func:`autograder.scores.read_penalties`).
    course : str, optional
        The course id.
    """
    flags: dict[str, list[tuple[str, Flag]]] = {}
    for (student, name), notebook in sorted(notebooks.items()):
        flags.setdefault(student, []).extend((name, flag) for flag in notebook_flags(notebook))
    failed = [cell for (student, name), notebook in sorted(notebooks.items())
              for cell in failed_cells(student, name, notebook)]
    return CourseReport(assignment=assignment, course=course, cases=release_cases(release),
                        scores=score_table(rows, penalties),
                        cells=cell_pass_rates(rows, {name: list(cells)
                                                     for name, cells in release.items()}),
                        mistakes=count_mistakes(failed),
                        problems=student_problems(records, flags))


def release_cases(release: Release) -> dict[str, tuple[str, ...]]:
    """The cases each notebook's test cells check, read from their sources as the grader reads
    them (:func:`autograder.verify.plan.plan_cell`); a test cell the grader cannot plan names
    none."""
    cases: dict[str, tuple[str, ...]] = {}
    for notebook, cells in release.items():
        found: dict[str, None] = {}
        for grade_id, cell in cells.items():
            if cell.grade:
                try:
                    found.update(dict.fromkeys(check.case for check in plan_cell(
                        cell.source, f"{notebook}, test cell {grade_id!r}")))
                except PlanError:
                    continue
        cases[notebook] = tuple(found)
    return cases
