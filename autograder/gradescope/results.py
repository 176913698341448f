"""``results.json``: a graded submission as Gradescope shows it.

Gradescope's format (https://gradescope-autograders.readthedocs.io/en/latest/specs/): a
top-level ``score`` (it overrides the tests' sum: here, after the late penalty), ``output``
and ``tests``, each with ``name``, ``score``, ``max_score``, ``status`` (``passed`` or
``failed``), ``output`` and ``visibility``. Every test cell becomes two tests:

- ``<notebook>: <cell> (on your notebook's sizes)``, worth 0 points, always visible: the
  grader's verdict on the sizes the student's own test cell uses, which says nothing the
  notebook does not already show;
- ``<notebook>: <cell>``, with the cell's points and the grader's whole verdict, hidden runs
  included, shown after the due date (``"visibility": "after_due_date"``). Until then
  Gradescope shows students neither these tests nor their total.

The verdicts are read from the autograded notebooks, where
:class:`~autograder.verify.executor.VerifiedExecute` records each test cell's (see
:mod:`autograder.verify.records`): a cell that failed on a hidden run (``hidden``) passed
on the notebook's sizes, since the hidden runs are only made once those pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbgrader import utils

from ..scores import GradeRow
from ..verify.records import METADATA_KEY

VISIBLE, AFTER_DUE_DATE = "visible", "after_due_date"
SIZES_PASSED = ("Passed on your notebook's sizes. The grader also runs this test on hidden "
                "sizes and inputs: that result and the points are shown after the due date.")
NOT_GRADED = "This test was not graded."


@dataclass(frozen=True)
class CellResult:
    """One test cell of the submission.

    Attributes
    ----------
    notebook, cell : str
        The notebook's name and the cell's grade_id.
    score, max_score : float
        nbgrader's score of the cell (from the gradebook) and its points.
    passed : bool
        The grader's verdict, hidden runs included.
    sizes_passed : bool
        The verdict on the notebook's own sizes.
    verdict : str
        The grader's message (what nbgrader's feedback shows in the cell).
    """

    notebook: str
    cell: str
    score: float
    max_score: float
    passed: bool
    sizes_passed: bool
    verdict: str

    @property
    def sizes_text(self) -> str:
        """What the student may read before the due date."""
        return SIZES_PASSED if self.sizes_passed else self.verdict


def read_cells(source: Path, autograded: Path, rows: Sequence[GradeRow],
               not_graded: Mapping[str, str]) -> list[CellResult]:
    """Every graded cell of the source notebooks in ``source`` (in order), with the
    student's gradebook ``rows`` and the verdicts of the autograded notebooks in
    ``autograded``; ``not_graded`` says why a notebook has none (by notebook name)."""
    scores = {(row.notebook, row.cell): row for row in rows}
    cells = []
    for path in sorted(source.glob("*.ipynb")):
        name = path.stem
        graded = _graded_cells(autograded / path.name)
        for cell in nbformat.read(path, as_version=4).cells:
            if not utils.is_grade(cell):
                continue
            grade_id = cell.metadata.nbgrader.grade_id
            row = scores.get((name, grade_id))
            record, text = graded.get(grade_id, (None, ""))
            passed = bool(record and record.get("passed") is True)
            cells.append(CellResult(
                notebook=name, cell=grade_id, score=row.score if row else 0.0,
                max_score=row.max_score if row else float(cell.metadata.nbgrader.points),
                passed=passed,
                sizes_passed=passed or bool(record and record.get("hidden") is True),
                verdict=text if record else not_graded.get(name, NOT_GRADED)))
    return cells


def _graded_cells(path: Path) -> dict[str, tuple[dict[str, Any] | None, str]]:
    """The grader's record and the output text of each graded cell of an autograded
    notebook, by grade_id (none if the notebook was not graded)."""
    if not path.is_file():
        return {}
    found = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if utils.is_grade(cell):
            record = cell.metadata.get(METADATA_KEY)
            found[cell.metadata.nbgrader.grade_id] = (
                record if isinstance(record, dict) else None, _output_text(cell))
    return found


def _output_text(cell: Any) -> str:
    """A test cell's outputs as text: the verdict line, or the failed check's message."""
    parts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            parts.append(str(output.get("text", "")))
        elif output.get("output_type") == "error":
            parts.append(str(output.get("evalue", "")))
    return "".join(parts).strip()


def results_json(cells: Sequence[CellResult], *, score: float, output: str,
                 seconds: float, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The ``results.json`` object: ``score`` (after the late penalty), the student-facing
    ``output``, two tests per cell (see the module docstring), and ``extra`` data."""
    tests = []
    for cell in cells:
        label = f"{cell.notebook}: {cell.cell}"
        tests.append({"name": f"{label} (on your notebook's sizes)", "score": 0.0,
                      "max_score": 0.0, "status": _status(cell.sizes_passed),
                      "output": cell.sizes_text, "visibility": VISIBLE})
        tests.append({"name": label, "score": cell.score, "max_score": cell.max_score,
                      "status": _status(cell.passed), "output": cell.verdict,
                      "visibility": AFTER_DUE_DATE})
    return {"score": score, "execution_time": round(seconds), "output": output,
            "output_format": "text", "test_output_format": "text", "tests": tests,
            "extra_data": dict(extra)}


def refusal_json(output: str, extra: Mapping[str, Any]) -> dict[str, Any]:
    """The ``results.json`` of a submission that was not graded: score 0, and why."""
    return {"score": 0.0, "output": output, "output_format": "text", "tests": [],
            "extra_data": dict(extra)}


def _status(passed: bool) -> str:
    return "passed" if passed else "failed"
