"""Turning nbgrader's error logs into one reason an instructor can act on."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..notebook_files import TOO_DEEP


@dataclass(frozen=True)
class Explanation:
    """Why grading failed, and whether trying again may help."""

    reason: str
    retry: bool = False


_BROKEN_METADATA = Explanation("a cell's nbgrader metadata is broken (a graded cell whose "
                               "grade_id or metadata was edited)")

# (text found in nbgrader's log or exception, explanation); the first match wins.
_KNOWN = (
    ("database is locked", Explanation("the gradebook was busy (sqlite lock)", retry=True)),
    ("Kernel didn't respond", Explanation("the kernel failed to start", retry=True)),
    ("Kernel died before replying to kernel_info",
     Explanation("the kernel failed to start", retry=True)),
    ("ZygoteError", Explanation("the kernel failed to start", retry=True)),
    ("DeadKernelError", Explanation("the kernel died while running the notebook (the "
                                    "student's code crashed or exited the process)")),
    ("Kernel died", Explanation("the kernel died while running the notebook (the "
                                "student's code crashed or exited the process)")),
    ("CellTimeoutError", Explanation("a cell ran past the execution timeout and the kernel "
                                     "could not be interrupted")),
    ("is not valid JSON", Explanation("the notebook file is not valid JSON")),
    (TOO_DEEP, Explanation(f"the notebook {TOO_DEEP}")),
    ("RefusedFile", Explanation("a file of the submission was refused unread (a link, not a "
                                "file, or too large: see the findings)")),
    ("NotJSONError", Explanation("the notebook file is not valid JSON")),
    ("Notebook does not appear to be JSON", Explanation("the notebook file is not valid JSON")),
    ("JSONDecodeError", Explanation("the notebook file is not valid JSON")),
    ("does not have a grade_id", _BROKEN_METADATA),
    ("does not exist in the database", _BROKEN_METADATA),
    ("nbgrader metadata may be corrupted", _BROKEN_METADATA),
    ("old version", _BROKEN_METADATA),
    ("SchemaTooOldError", _BROKEN_METADATA),
    ("ValidationError", Explanation("the notebook file is not a valid notebook")),
    ("No notebooks were matched", Explanation("no notebooks were submitted")),
)


def explain(log_text: str) -> Explanation:
    """The reason behind a failed ``Autograde`` run, from its log and exception text."""
    for needle, explanation in _KNOWN:
        if needle in log_text:
            return explanation
    lines = [line.strip() for line in log_text.strip().splitlines() if line.strip()]
    error_lines = [line for line in lines if "Error" in line or "Exception" in line]
    last = (error_lines or lines or ["unknown error"])[-1]
    return Explanation(f"nbgrader failed: {last[:200]}")


def with_one_retry(attempt: Callable[[], str | None]) -> tuple[str | None, int]:
    """Run ``attempt`` (``None`` on success, else its error log), and once more if the error
    says trying again may help; return the last error and the number of attempts."""
    error = attempt()
    if error is not None and explain(error).retry:
        return attempt(), 2
    return error, 1
