"""The one exception students see, and how every check failure is raised."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

TAG = "[autograder]"
"""Start of the last line of every failure message: a record the course report parses."""


class JacobianCheckError(AssertionError):
    """A check rejected a student's answer; the message says what to look at.

    It subclasses ``AssertionError`` so that nbgrader, pytest and students read it as a
    failed test, not as a crash of the grader. The structured fields are what the course
    report counts.

    Attributes
    ----------
    case : str
        The case key, e.g. ``"scalar_wrt_vector"``.
    check : str
        ``"predicted_shape"``, ``"shape"`` or ``"values"``.
    verdict : str
        What failed: ``"not_callable"``, ``"wrong_type"``, ``"wrong_shape"``,
        ``"not_finite"`` or ``"wrong_values"``.
    """

    def __init__(self, message: str, *, case: str, check: str, verdict: str) -> None:
        super().__init__(message)
        self.case = case
        self.check = check
        self.verdict = verdict


def tag_line(case: str, check: str, verdict: str) -> str:
    """The machine-readable last line, e.g. ``[autograder] case=x check=shape verdict=y``."""
    return f"{TAG} case={case} check={check} verdict={verdict}"


def fail(lines: Sequence[str], *, case: str, check: str, verdict: str) -> NoReturn:
    """Raise a :class:`JacobianCheckError` whose message is ``lines`` plus the tag line."""
    __tracebackhide__ = True
    message = "\n".join([*lines, tag_line(case, check, verdict)])
    raise JacobianCheckError(message, case=case, check=check, verdict=verdict)
