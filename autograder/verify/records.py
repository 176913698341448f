"""What the grader records in an autograded notebook, and reading it back.

:class:`~autograder.verify.executor.VerifiedExecute` writes, under :data:`METADATA_KEY`:

- in each graded test cell's metadata, the verdict: ``case``, ``passed``, ``hidden``,
  ``check``, ``verdict``, ``diagnosis``, ``error`` (what the course report counts);
- in the notebook's metadata: ``stopped``, why the notebook stopped before its end (its kernel
  died, or a cell ignored the interrupt at the timeout); ``integrity``, a list of
  ``{"kind", "cell", "detail"}`` where the student's kernel and the grader disagree, a cell
  imports the grader's package, or the notebook was a symbolic link (written before, by
  :class:`autograder.nbgrader_plugins.RefuseLinks`); and ``sandbox``, whether the kernel ran
  in a jail.

:class:`autograder.nbgrader_plugins.FlagForInstructor` adds, after the grades are saved, in
the notebook's metadata: ``numerical_diff``, a list of ``{"function", "where", "detail"}``
where a graded function differentiates numerically (:mod:`autograder.numdiff`); and
``flagged``, what it did with nbgrader's ``flagged`` mark (:mod:`autograder.flag_mark`).

:func:`notebook_flags` reads them, with the timeouts, for the grading summary and the report;
it works on notebooks graded by ``nbgrader autograde`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cases.registry import CASES

from ..timeouts import timed_out

METADATA_KEY = "autograder"
"""Key of the grader's records in cell and notebook metadata."""

TIMED_OUT, STOPPED, INTEGRITY, NO_SANDBOX = "timed_out", "stopped", "integrity", "no_sandbox"
NUMERICAL_DIFF = "numerical_diff"

_TIMEOUT_DETAIL = "a cell ran past the execution timeout (it scores 0)"


@dataclass(frozen=True, order=True)
class Flag:
    """Something an instructor should know about one graded notebook.

    ``kind``: ``timed_out`` (a cell or a call ran past the timeout), ``stopped`` (the kernel
    died or ignored the interrupt, so the rest of the notebook was not run and its test cells
    score 0), ``integrity`` (the student's kernel and the grader disagree, a cell imports
    the grader's package, or the notebook was a symbolic link), ``no_sandbox`` (graded
    with ``--no-sandbox``: the student's code ran with the grader's rights) or
    ``numerical_diff`` (a graded function differentiates numerically instead of using the
    derived Jacobian; scored as any answer). ``detail`` says what happened, in words an
    instructor can act on.
    """

    kind: str
    detail: str


def notebook_flags(notebook: Mapping[str, Any]) -> list[Flag]:
    """The flags of an autograded notebook (parsed JSON), sorted."""
    record = notebook.get("metadata", {}).get(METADATA_KEY)
    record = record if isinstance(record, dict) else {}
    flags = set()
    if timed_out(notebook):
        flags.add(Flag(TIMED_OUT, _TIMEOUT_DETAIL))
    if record.get("stopped"):
        flags.add(Flag(STOPPED, f"{record['stopped']}; its test cells score 0"))
    for entry in record.get("integrity") or []:
        if isinstance(entry, dict):
            flags.add(Flag(INTEGRITY, str(entry.get("detail", ""))))
    for entry in record.get(NUMERICAL_DIFF) or []:
        if isinstance(entry, dict):
            flags.add(Flag(NUMERICAL_DIFF, str(entry.get("detail", ""))))
    if record.get("sandbox") is False:
        flags.add(Flag(NO_SANDBOX, "graded without the sandbox (--no-sandbox): the student's "
                                   "code ran with the grader's rights"))
    return sorted(flags)


def graded_functions(notebook: Mapping[str, Any]) -> list[str]:
    """The functions an autograded notebook's test cells check, from the cases the grader
    recorded on them (a student's copy of such a record is dropped before grading)."""
    cases = {cell.get("metadata", {}).get(METADATA_KEY, {}).get("case")
             for cell in notebook.get("cells", [])
             if isinstance(cell.get("metadata", {}).get(METADATA_KEY), dict)}
    return sorted(CASES[case].function for case in cases if case in CASES)
