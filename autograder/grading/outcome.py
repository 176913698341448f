"""What grading one student produced, as plain data that crosses process boundaries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Status = Literal["graded", "partial", "failed"]


@dataclass(frozen=True)
class NotebookFailure:
    """A notebook nbgrader could not grade, and why, in words an instructor can act on."""

    notebook: str
    reason: str


@dataclass(frozen=True)
class NotebookFlag:
    """Something the grader recorded about a graded notebook (see
    :func:`autograder.verify.records.notebook_flags`): ``stopped`` or ``integrity``."""

    notebook: str
    kind: str
    detail: str


@dataclass(frozen=True)
class Outcome:
    """The result of grading one student's submission.

    Attributes
    ----------
    student : str
    status : {"graded", "partial", "failed"}
        ``graded``: every notebook was autograded. ``partial``: some notebooks could not be
        graded (see ``failures``); the others were. ``failed``: nothing was graded.
    score, max_score : float or None
        From the gradebook after grading (``None`` if the submission has no row); ``score``
        is the total after the late penalty, as ``nbgrader export`` has it.
    failures : list of NotebookFailure
        Notebooks not graded, with the reason (``notebook="*"`` for the whole submission).
    timed_out : list of str
        Notebooks in which a cell hit the execution timeout (graded, that cell scores 0).
    flags : list of NotebookFlag
        Notebooks that stopped early (graded, their test cells score 0), and integrity flags.
    seconds : float
        Wall time spent on this student.
    attempts : int
        How many times the whole submission was tried (a kernel that fails to start is
        retried once).
    late_penalty : float
        The late-submission penalty subtracted from ``score`` (0 if none).
    """

    student: str
    status: Status
    score: float | None = None
    max_score: float | None = None
    failures: list[NotebookFailure] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)
    flags: list[NotebookFlag] = field(default_factory=list)
    seconds: float = 0.0
    attempts: int = 1
    late_penalty: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Outcome:
        failures = [NotebookFailure(**failure) for failure in data.get("failures", [])]
        flags = [NotebookFlag(**flag) for flag in data.get("flags", [])]
        return cls(**{**data, "failures": failures, "flags": flags})


def took_too_long(seconds: float) -> str:
    """Why a student is not graded when their grading ran past ``seconds``."""
    return f"grading took longer than {seconds:g} s"


def process_died(exit_code: int | None) -> str:
    """Why a student is not graded when the process grading them ended."""
    return f"the grading process died (exit code {exit_code})"
