"""Recognizing, in an executed notebook, a cell that the execution timeout cut off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TIMEOUT_ERRORS = ("CellTimeoutError", "KeyboardInterrupt")
"""Error names nbgrader's ``Execute`` leaves when it interrupts a cell at the timeout."""

TIMEOUT_VERDICT = "timed_out"
"""The verdict the grader records on a test cell whose call ran past the timeout
(``cell.metadata.autograder.verdict``, see :mod:`autograder.verify.executor`)."""


def timed_out(notebook: Mapping[str, Any]) -> bool:
    """Whether a cell of this executed notebook (parsed JSON) was cut off by the timeout,
    in the student's kernel or when the grader called their function."""
    for cell in notebook.get("cells", []):
        record = cell.get("metadata", {}).get("autograder")
        if isinstance(record, dict) and record.get("verdict") == TIMEOUT_VERDICT:
            return True
        if any(output.get("ename") in TIMEOUT_ERRORS for output in cell.get("outputs", [])):
            return True
    return False
