"""Recognizing, in an executed notebook, a cell that the execution timeout cut off."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TIMEOUT_ERRORS = ("CellTimeoutError", "KeyboardInterrupt")
"""Error names nbgrader's ``Execute`` leaves when it interrupts a cell at the timeout."""


def timed_out(notebook: Mapping[str, Any]) -> bool:
    """Whether a cell of this executed notebook (parsed JSON) was cut off by the timeout."""
    return any(output.get("ename") in TIMEOUT_ERRORS
               for cell in notebook.get("cells", []) for output in cell.get("outputs", []))
