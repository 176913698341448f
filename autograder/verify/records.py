"""What the grader records in an autograded notebook: the one module that writes and reads it.

Under :data:`METADATA_KEY` (``autograder``), with the version of its format
(:mod:`autograder.typed_json`), as nbgrader versions its own cell metadata:

- in each graded test cell's metadata, a :class:`CellRecord`: the verdict that
  :class:`~autograder.verify.executor.VerifiedExecute` scored (what the course report counts);
- in the notebook's metadata, a :class:`NotebookRecord`: why the notebook stopped before its
  end, whether the kernel ran in the sandbox, the integrity findings (written first by
  :class:`autograder.nbgrader_plugins.RefuseLinks`, then by ``VerifiedExecute``), and, from
  :class:`autograder.nbgrader_plugins.FlagForInstructor`, where a graded function
  differentiates numerically (:mod:`autograder.numdiff`) and what it did with nbgrader's
  ``flagged`` mark (:mod:`autograder.flag_mark`);
- on an output the grader shows the instructor, the marker :data:`INSTRUCTOR_NOTE`.

Reading never fails a run: a record of another version of the grader (a notebook graded
before an upgrade, which grading again rewrites), or one that is not the grader's (a
student's copy is dropped before grading, :func:`clear_records`), is read as no record, and
:func:`notebook_flags` reports it as a ``grader_records`` flag. :func:`notebook_flags` gives
the findings for the grading summary and the report; it works on notebooks graded by
``nbgrader autograde`` too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from cases.registry import CASES

from ..numdiff import NumericalDifferentiation
from ..typed_json import RecordError, read_stamped, stamped

METADATA_KEY = "autograder"
"""Key of the grader's records in cell, notebook and output metadata."""

TIMED_OUT, STOPPED, INTEGRITY, NO_SANDBOX = "timed_out", "stopped", "integrity", "no_sandbox"
NUMERICAL_DIFF, GRADER_RECORDS = "numerical_diff", "grader_records"

TIMEOUT_VERDICT = "timed_out"
"""The verdict of a test cell whose call of the student's function ran past the timeout."""

TIMEOUT_ERRORS = ("CellTimeoutError", "KeyboardInterrupt")
"""Error names nbgrader's ``Execute`` leaves when it interrupts a cell at the timeout."""

INSTRUCTOR_NOTE = "instructor_note"
"""``output.metadata.autograder`` of the note the grader shows the instructor."""

_TIMEOUT_DETAIL = "a cell ran past the execution timeout (it scores 0)"


@dataclass(frozen=True)
class CellRecord:
    """The grader's verdict on one graded test cell.

    Attributes
    ----------
    case : str
        The case the cell checks (``scalar_wrt_vector``).
    passed : bool
        The cell's verdict, hidden runs included.
    hidden : bool
        Whether it failed on a hidden run (it passed on the notebook's sizes).
    check, verdict, diagnosis, error : str or None
        Of a failed cell: the check that failed (``values``), its verdict
        (``wrong_values``, ``timed_out``, ...), the mistake it diagnosed (``sign_flipped``),
        and the name of the exception the student's function raised.
    """

    case: str
    passed: bool
    hidden: bool
    check: str | None = None
    verdict: str | None = None
    diagnosis: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class IntegrityFinding:
    """Where the student's kernel and the grader disagree, a cell imports the grader, or the
    notebook was a symbolic link (``kind``: ``disagreement``, ``grader_import``,
    ``linked_notebook``)."""

    kind: str
    cell: str
    detail: str


@dataclass(frozen=True)
class FlagMark:
    """What :class:`~autograder.nbgrader_plugins.FlagForInstructor` did with nbgrader's flagged
    mark: the reasons, its note (empty: nothing to say), and the mark after it (``None``:
    untouched)."""

    reasons: tuple[str, ...]
    note: str
    flagged: bool | None = None


@dataclass(frozen=True)
class NotebookRecord:
    """What the grader records about a whole notebook (see the module docstring).

    Attributes
    ----------
    integrity : tuple of IntegrityFinding
    stopped : str or None
        Why the notebook stopped before its end (its kernel died, or a cell ignored the
        interrupt at the timeout).
    sandbox : bool or None
        Whether the kernel ran in a jail (``None``: not run by the grader).
    numerical_diff : tuple of NumericalDifferentiation
    flagged : FlagMark or None
    """

    integrity: tuple[IntegrityFinding, ...] = ()
    stopped: str | None = None
    sandbox: bool | None = None
    numerical_diff: tuple[NumericalDifferentiation, ...] = ()
    flagged: FlagMark | None = None


@dataclass(frozen=True, order=True)
class Flag:
    """Something an instructor should know about one graded notebook.

    ``kind``: ``timed_out`` (a cell or a call ran past the timeout), ``stopped`` (the kernel
    died or ignored the interrupt, so the rest of the notebook was not run and its test cells
    score 0), ``integrity`` (the student's kernel and the grader disagree, a cell imports
    the grader's package, or the notebook was a symbolic link), ``no_sandbox`` (graded
    without the sandbox: the student's code ran with the grader's rights),
    ``numerical_diff`` (a graded function differentiates numerically instead of using the
    derived Jacobian; scored as any answer) or ``grader_records`` (the grader's records in
    the notebook are another version's, or not the grader's: they are not read). ``detail``
    says what happened, in words an instructor can act on.
    """

    kind: str
    detail: str


# --- writing -------------------------------------------------------------------------------------

def set_cell_record(cell: Any, record: CellRecord) -> None:
    """Record ``record`` in a test cell (a notebook node)."""
    cell.metadata[METADATA_KEY] = stamped(record)


def set_notebook_record(nb: Any, record: NotebookRecord) -> None:
    """Record ``record`` in a notebook (a notebook node), replacing what was there."""
    nb.metadata[METADATA_KEY] = stamped(record)


def update_notebook_record(nb: Any, **changes: Any) -> NotebookRecord:
    """Change fields of the notebook's record (a new one if it has none); the new record."""
    record = replace(notebook_record(nb), **changes)
    set_notebook_record(nb, record)
    return record


def clear_records(nb: Any) -> None:
    """Drop every record of the grader's from a notebook (a student's copy, before grading)."""
    for holder in [nb, *nb.cells]:
        if isinstance(holder.get("metadata"), dict):
            holder.metadata.pop(METADATA_KEY, None)


# --- reading -------------------------------------------------------------------------------------

def cell_record(cell: Mapping[str, Any]) -> CellRecord | None:
    """The grader's verdict recorded on a cell (parsed JSON or a node); ``None`` if there is
    none, or none this grader can read (:func:`notebook_flags` reports it)."""
    try:
        return _read(CellRecord, cell, "the cell's record")
    except RecordError:
        return None


def notebook_record(notebook: Mapping[str, Any]) -> NotebookRecord:
    """The grader's record of a notebook (parsed JSON or a node); empty if there is none, or
    none this grader can read (:func:`notebook_flags` reports it)."""
    try:
        return _read(NotebookRecord, notebook, "the notebook's record") or NotebookRecord()
    except RecordError:
        return NotebookRecord()


def record_problems(notebook: Mapping[str, Any]) -> list[str]:
    """Why records of the notebook cannot be read, if any cannot: one line each."""
    problems = []
    for holder, record, where in [(notebook, NotebookRecord, "the notebook's record"), *(
            (cell, CellRecord, f"the record of cell {index + 1}")
            for index, cell in enumerate(_cells(notebook)))]:
        try:
            _read(record, holder, where)
        except RecordError as error:
            problems.append(str(error))
    return problems


def _read(cls: type, holder: Mapping[str, Any], where: str) -> Any:
    metadata = holder.get("metadata")
    data = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    return None if data is None else read_stamped(cls, data, where)


def _cells(notebook: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    cells = notebook.get("cells")
    return [cell for cell in cells if isinstance(cell, Mapping)] if isinstance(
        cells, list) else []


def timed_out(notebook: Mapping[str, Any]) -> bool:
    """Whether a cell of this executed notebook (parsed JSON) was cut off by the timeout,
    in the student's kernel or when the grader called their function."""
    for cell in _cells(notebook):
        record = cell_record(cell)
        if record is not None and record.verdict == TIMEOUT_VERDICT:
            return True
        outputs = cell.get("outputs")
        if isinstance(outputs, list) and any(
                isinstance(output, Mapping) and output.get("ename") in TIMEOUT_ERRORS
                for output in outputs):
            return True
    return False


def notebook_flags(notebook: Mapping[str, Any]) -> list[Flag]:
    """The flags of an autograded notebook (parsed JSON), sorted."""
    record = notebook_record(notebook)
    flags = {Flag(GRADER_RECORDS, f"{problem}; it is not read: grade the notebook again")
             for problem in record_problems(notebook)}
    if timed_out(notebook):
        flags.add(Flag(TIMED_OUT, _TIMEOUT_DETAIL))
    if record.stopped:
        flags.add(Flag(STOPPED, f"{record.stopped}; its test cells score 0"))
    flags.update(Flag(INTEGRITY, finding.detail) for finding in record.integrity)
    flags.update(Flag(NUMERICAL_DIFF, finding.detail) for finding in record.numerical_diff)
    if record.sandbox is False:
        flags.add(Flag(NO_SANDBOX, "graded without the sandbox (VerifiedExecute.sandbox = "
                                   "False, or --no-sandbox): the student's code ran with the "
                                   "grader's rights"))
    return sorted(flags)


def graded_functions(notebook: Mapping[str, Any]) -> list[str]:
    """The functions an autograded notebook's test cells check, from the cases the grader
    recorded on them (a student's copy of such a record is dropped before grading)."""
    cases = {record.case for cell in _cells(notebook)
             if (record := cell_record(cell)) is not None}
    return sorted(CASES[case].function for case in cases if case in CASES)
