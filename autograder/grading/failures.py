"""Why an nbgrader converter failed on a submission, in one reason an instructor can act on.

nbgrader's converters catch the exception a submission's conversion raises, log its traceback
and end with ``NbGraderException("Please see the above traceback ...")``. The converters here
(:class:`ErrorKeepingAutograde`, :class:`ErrorKeepingFeedback`) keep those exceptions, and
:func:`explain` names the failure from their types (and, for the exceptions that have no type
of their own, from where they were raised), never from the text of the log.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import nbformat
from jsonschema import ValidationError
from jupyter_client.client import KernelClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.converters import Autograde, GenerateFeedback, NbGraderException
from nbgrader.nbgraderformat.common import SchemaMismatchError
from nbgrader.preprocessors.execute import UnresponsiveKernelError
from sqlalchemy.exc import DBAPIError

from ..kernels.fork.client import ZygoteError
from ..notebook_files import TOO_DEEP, NotJSONNotebook, TooDeepNotebook
from ..submission_files import RefusedFile


@dataclass(frozen=True)
class Explanation:
    """Why grading failed, and whether trying again may help."""

    reason: str
    retry: bool = False


@dataclass(frozen=True)
class ConverterError:
    """What one failed run of an nbgrader converter left.

    Attributes
    ----------
    exceptions : tuple of BaseException
        The exceptions of the run, first first: those nbgrader caught and logged, then the
        one it raised.
    log : tuple of str
        The warnings and errors it logged.
    """

    exceptions: tuple[BaseException, ...]
    log: tuple[str, ...] = ()


class KeepsErrors:
    """An nbgrader converter that keeps the exceptions of its conversion in ``caught``.

    nbgrader's ``convert_notebooks`` catches what a submission raises (a notebook that is not
    JSON, a kernel that died, a file the course's exporter refuses) and logs only its
    traceback; the steps that raise them, ``init_destination``, ``init_assignment`` and
    ``convert_single_notebook``, record it here first. They are wrapped as
    ``convert_notebooks`` starts (a subclass's own steps too): by then the course's exporter
    (:mod:`autograder.submission_exporter`) has put its check of the submission's files in
    front of them, and what that check raises is kept too.
    """

    caught: list[BaseException]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.caught = []
        super().__init__(*args, **kwargs)

    def convert_notebooks(self) -> None:
        for step in ("init_destination", "init_assignment", "convert_single_notebook"):
            setattr(self, step, self._keeping(getattr(self, step)))
        super().convert_notebooks()  # type: ignore[misc]

    def _keeping(self, step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: str) -> Any:
            try:
                return step(*args)
            except BaseException as exc:
                self.caught.append(exc)
                raise
        return run


class ErrorKeepingAutograde(KeepsErrors, Autograde):
    """nbgrader's ``Autograde``, keeping the exceptions it catches (:class:`KeepsErrors`)."""


class ErrorKeepingFeedback(KeepsErrors, GenerateFeedback):
    """nbgrader's ``GenerateFeedback``, keeping the exceptions it catches."""


_KERNEL_DID_NOT_START = Explanation("the kernel failed to start", retry=True)
_KERNEL_DIED = Explanation("the kernel died while running the notebook (the student's code "
                           "crashed or exited the process)")
_NOT_JSON = Explanation("the notebook file is not valid JSON")
_BROKEN_METADATA = Explanation("a cell's nbgrader metadata is broken (a graded cell whose "
                               "grade_id or metadata was edited)")
NO_NOTEBOOKS = Explanation("no notebooks were submitted")

# (exception type, explanation); the first match wins. RefusedFile's kinds come before it.
_BY_TYPE: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], Explanation],
                ...] = (
    (ZygoteError, _KERNEL_DID_NOT_START),
    (DeadKernelError, _KERNEL_DIED),
    ((CellTimeoutError, UnresponsiveKernelError),
     Explanation("a cell ran past the execution timeout and the kernel could not be "
                 "interrupted")),
    ((NotJSONNotebook, nbformat.reader.NotJSONError, json.JSONDecodeError), _NOT_JSON),
    (TooDeepNotebook, Explanation(f"the notebook {TOO_DEEP}")),
    (RefusedFile, Explanation("a file of the submission was refused unread (a link, not a "
                              "file, or too large: see the findings)")),
    (SchemaMismatchError, _BROKEN_METADATA),
)


def explain(error: ConverterError, *, notebooks_submitted: bool = True) -> Explanation:
    """The reason behind a failed converter run, from its exceptions.

    ``notebooks_submitted``: whether the submission holds any of the assignment's notebooks;
    without them, a failure no exception explains is that none was submitted.
    """
    for exception in error.exceptions:
        for link in _chain(exception):
            found = _explained(link)
            if found is not None:
                return found
    if not notebooks_submitted:
        return NO_NOTEBOOKS
    return Explanation(f"nbgrader failed: {_last_words(error)[:200]}")


def _explained(error: BaseException) -> Explanation | None:
    """The explanation of one exception, by its type and, for types that say little (a
    ``RuntimeError``, a schema's ``ValidationError``), by where it was raised."""
    if _busy(error):
        return Explanation("the gradebook was busy (sqlite lock)", retry=True)
    if isinstance(error, RuntimeError) and _raised_while_waiting_for_a_kernel(error):
        return _KERNEL_DID_NOT_START
    if isinstance(error, ValidationError):  # nbgrader's metadata and nbformat share the type
        if _raised_in(error).startswith("nbgrader."):
            return _BROKEN_METADATA
        return Explanation("the notebook file is not a valid notebook")
    for kind, explanation in _BY_TYPE:
        if isinstance(error, kind):
            return explanation
    return None


def _busy(error: BaseException) -> bool:
    """Whether ``error`` is sqlite's "database is locked" (maybe wrapped by SQLAlchemy)."""
    original = error.orig if isinstance(error, DBAPIError) else error
    return isinstance(original, sqlite3.OperationalError) and getattr(
        original, "sqlite_errorname", None) in ("SQLITE_BUSY", "SQLITE_LOCKED")


def _raised_while_waiting_for_a_kernel(error: BaseException) -> bool:
    """Whether ``error`` was raised in a kernel client's ``wait_for_ready``: the kernel did
    not answer after it was started (jupyter_client's clients and ours raise a plain
    ``RuntimeError`` there)."""
    return any(frame.f_code.co_name in ("wait_for_ready", "_async_wait_for_ready")
               and isinstance(frame.f_locals.get("self"), KernelClient)
               for frame in _frames(error.__traceback__))


def _raised_in(error: BaseException) -> str:
    """The module whose code raised ``error``."""
    frames = list(_frames(error.__traceback__))
    return str(frames[-1].f_globals.get("__name__", "")) if frames else ""


def _frames(traceback: TracebackType | None) -> Iterator[Any]:
    while traceback is not None:
        yield traceback.tb_frame
        traceback = traceback.tb_next


def _chain(error: BaseException) -> Iterator[BaseException]:
    """``error``, then the exceptions it was raised from or while handling (at most 10)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(seen) < 10 and current not in seen:
        seen.append(current)
        yield current
        current = current.__cause__ or current.__context__


def _last_words(error: ConverterError) -> str:
    """The first exception the run caught, or the one it raised if that says more than
    nbgrader's "see the above traceback", as ``Type: message``; else the last error line it
    logged."""
    caught = list(error.exceptions[:-1]) or [
        exc for exc in error.exceptions[-1:] if not isinstance(exc, NbGraderException)]
    if caught and str(caught[0]).strip():
        return f"{type(caught[0]).__name__}: {str(caught[0]).strip().splitlines()[0]}"
    lines = [line.strip() for text in error.log for line in text.splitlines() if line.strip()]
    error_lines = [line for line in lines if "Error" in line or "Exception" in line]
    return (error_lines or lines or ["unknown error"])[-1]


def with_one_retry(attempt: Callable[[], ConverterError | None]
                   ) -> tuple[ConverterError | None, int]:
    """Run ``attempt`` (``None`` on success, else what failed), and once more if the failure
    says trying again may help; return the last failure and the number of attempts."""
    error = attempt()
    if error is not None and explain(error).retry:
        return attempt(), 2
    return error, 1
