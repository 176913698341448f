"""The grader's verdicts on a course notebook's test cells, for functions defined in tests."""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from autograder.verify.in_process import in_process, verify_cells
from autograder.verify.judge import CellVerdict, Judge, TestCell
from autograder.verify.plan import plan_cell
from cases.case import Case
from cases.registry import CASES
from course.notebooks import build_notebook

SECRET = bytes(range(32))
"""A course secret for tests."""


def graded_cells(case: Case) -> tuple[TestCell, ...]:
    """The graded test cells of the case's notebook, planned from their source."""
    return _graded_cells(case.key)


@cache
def _graded_cells(key: str) -> tuple[TestCell, ...]:
    cells = []
    for cell in build_notebook(CASES[key]).cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            cells.append(TestCell(meta["grade_id"], tuple(plan_cell(cell.source, "test"))))
    return tuple(cells)


def verdicts(namespace: dict[str, Any], case: Case, *, secret: bytes = SECRET,
             student: str = "student") -> dict[str, CellVerdict]:
    """The grader's verdict on each test cell of ``case``'s notebook, by grade_id."""
    found = verify_cells(namespace, graded_cells(case), secret=secret, assignment="jacobians",
                         student=student)
    return {verdict.grade_id: verdict for verdict in found}


def visible_verdicts(namespace: dict[str, Any], case: Case) -> dict[str, CellVerdict]:
    """The grader's verdict on each test cell of ``case``'s notebook on the sizes students
    see (the notebook's and the second public set), without hidden runs, by grade_id."""
    judge = Judge(in_process(namespace), lambda _: [])
    found = asyncio.run(judge.verify(graded_cells(case)))
    return {verdict.grade_id: verdict for verdict in found}
