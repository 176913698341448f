"""The grader's verdicts on a course notebook's test cells, for functions defined in tests."""

from __future__ import annotations

from typing import Any

from autograder.verify.in_process import verify_cells
from autograder.verify.judge import CellVerdict, TestCell
from autograder.verify.plan import plan_cell
from cases.case import Case
from course.notebooks import build_notebook

SECRET = bytes(range(32))
"""A course secret for tests."""


def graded_cells(case: Case) -> list[TestCell]:
    """The graded test cells of the case's notebook, planned from their source."""
    cells = []
    for cell in build_notebook(case).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            cells.append(TestCell(meta["grade_id"], tuple(plan_cell(cell.source, "test"))))
    return cells


def verdicts(namespace: dict[str, Any], case: Case, *, secret: bytes = SECRET,
             student: str = "student") -> dict[str, CellVerdict]:
    """The grader's verdict on each test cell of ``case``'s notebook, by grade_id."""
    found = verify_cells(namespace, graded_cells(case), secret=secret, assignment="jacobians",
                         student=student)
    return {verdict.grade_id: verdict for verdict in found}
