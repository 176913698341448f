"""The grader of one student: nbgrader's ``Autograde``, as ``python -m autograder grade`` runs it.

Each student is graded by nbgrader's own ``Autograde`` converter, configured from the
course's ``nbgrader_config.py`` exactly as ``nbgrader autograde`` would be (with the run's
settings on top: :func:`.settings.grading_config`), so scores and gradebook rows are
nbgrader's. What this adds around it:

- every notebook still runs in its own new kernel process, but with fork kernels on, that
  process is forked from a warm zygote (:mod:`autograder.kernels.fork`) instead of started
  from scratch;
- a failure is explained in one sentence, from the exceptions nbgrader caught
  (:mod:`.failures`); a kernel that failed to start is retried once; a submission that still
  fails is graded notebook by notebook, so one broken notebook does not cost the student the
  others; a notebook that cannot be graded is flagged ``needs_manual_grade`` with score 0 in
  the gradebook.

A grading process (:mod:`.process`) keeps one :class:`Grader` for the students it is given.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from ..notebook_files import read_notebook
from ..scores import after_penalty
from ..stages import collecting, stage
from ..submission_files import RefusedFile
from ..verify.records import INTEGRITY, TIMED_OUT, notebook_flags
from .failures import (
    ConverterError,
    ErrorKeepingAutograde,
    ErrorKeepingFeedback,
    explain,
    with_one_retry,
)
from .outcome import NotebookFailure, NotebookFlag, Outcome, Status
from .settings import RunSettings, grading_config

LOGGER = "autograder.grading"
"""The logger that nbgrader's converters and preprocessors get in a grading process."""


class Grader:
    """Grades students of one assignment in this process, one at a time."""

    def __init__(self, settings: RunSettings, course: Config | None = None,
                 autograde: type[ErrorKeepingAutograde] = ErrorKeepingAutograde) -> None:
        """``course``: the course's nbgrader configuration, if not read from its
        ``nbgrader_config.py``; ``autograde``: the converter that grades (a subclass of
        nbgrader's ``Autograde``)."""
        self.settings = settings
        self.autograde = autograde
        self.log = logging.getLogger(LOGGER)
        self.config = grading_config(settings, course)
        coursedir = CourseDirectory(config=self.config)
        self.db_url = coursedir.db_url
        self.submitted = Path(coursedir.root) / coursedir.submitted_directory
        self.autograded = Path(coursedir.root) / coursedir.autograded_directory

    def grade(self, student: str) -> Outcome:
        """Autograde one student (and generate their feedback if asked)."""
        started = time.monotonic()
        with collecting() as stages:
            with stage("autograde"):
                error, attempts = with_one_retry(lambda: self._autograde(student, notebook="*"))
                notebooks = self._notebooks()
                failures = [] if error is None else self._grade_notebook_by_notebook(
                    student, error, notebooks)
            graded_any = any(
                (self.autograded / student / self.settings.assignment).glob("*.ipynb"))
            status: Status = "graded" if not failures else ("partial" if graded_any
                                                            else "failed")
            if self.settings.feedback and graded_any:
                with stage("feedback"):
                    failures += self._feedback(student)
            with stage("score and flags"):
                score, max_score, penalty = self._score(student)
                flags = self._flags(student)
        return Outcome(student=student, status=status, score=score, max_score=max_score,
                       late_penalty=penalty, failures=failures,
                       timed_out=sorted({f.notebook for f in flags if f.kind == TIMED_OUT}),
                       flags=[f for f in flags if f.kind != TIMED_OUT],
                       seconds=time.monotonic() - started, attempts=attempts, stages=stages)

    def _autograde(self, student: str, notebook: str) -> ConverterError | None:
        """Run nbgrader's Autograde; ``None`` on success, else what failed."""
        return self._run(self.autograde, self._coursedir(student, notebook))

    def _run(self, converter: type[ErrorKeepingAutograde | ErrorKeepingFeedback],
             coursedir: CourseDirectory) -> ConverterError | None:
        """Run an nbgrader converter with ``--force``; ``None`` on success, else the
        exceptions it caught and raised, and its log."""
        caught: list[BaseException] = []
        with _captured_log(self.log) as log:
            try:
                run = converter(coursedir=coursedir, config=self.config, force=True,
                                log=self.log)
                caught = run.caught
                run.start()
            except Exception as exc:  # nbgrader's failure, reported for this student
                return ConverterError((*caught, exc), tuple(log))
        return None

    def _grade_notebook_by_notebook(self, student: str, error: ConverterError,
                                    notebooks: list[str]) -> list[NotebookFailure]:
        """Salvage what can be graded; explain and flag the notebooks that cannot.

        Missing notebooks are left alone (nbgrader scores them 0). If every submitted
        notebook can be graded on its own, there is no failure left to report; if none of
        the assignment's notebooks was submitted, the whole submission failed.
        """
        submission = self.submitted / student / self.settings.assignment
        present = [name for name in notebooks if (submission / f"{name}.ipynb").exists()]
        if not present:
            return [NotebookFailure("*", explain(error, notebooks_submitted=False).reason)]
        failures = []
        for notebook in present:
            notebook_error = self._autograde(student, notebook=notebook)
            if notebook_error is not None:
                failures.append(NotebookFailure(notebook, explain(notebook_error).reason))
                self._flag_ungraded(student, notebook)
        return failures

    def _notebooks(self) -> list[str]:
        with Gradebook(self.db_url) as gradebook:
            return sorted(nb.name for nb in gradebook.find_assignment(
                self.settings.assignment).notebooks)

    def _flag_ungraded(self, student: str, notebook: str) -> None:
        """Score 0 and ``needs_manual_grade`` for a notebook nbgrader could not grade."""
        with Gradebook(self.db_url) as gradebook:
            try:
                submission = gradebook.find_submission_notebook(
                    notebook, self.settings.assignment, student)
            except MissingEntry:
                return
            for grade in submission.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = True
            gradebook.db.commit()

    def _feedback(self, student: str) -> list[NotebookFailure]:
        """Generate the student's feedback; a failure to report if nbgrader could not."""
        error = self._run(ErrorKeepingFeedback, self._coursedir(student, "*"))
        if error is None:
            return []
        return [NotebookFailure("*", "no feedback was generated: " + explain(error).reason)]

    def _score(self, student: str) -> tuple[float | None, float | None, float]:
        """The submission's total after the late penalty (as ``nbgrader export`` has it), its
        maximum, and the penalty."""
        with Gradebook(self.db_url) as gradebook:
            try:
                submission = gradebook.find_submission(self.settings.assignment, student)
            except MissingEntry:
                return None, None, 0.0
            penalty = float(submission.late_submission_penalty or 0.0)
            return (after_penalty(float(submission.score), penalty),
                    float(submission.max_score), penalty)

    def _flags(self, student: str) -> list[NotebookFlag]:
        """What the grader recorded in the student's autograded notebooks (whose outputs come
        from the student's kernel: one that cannot be read back is flagged)."""
        directory = self.autograded / student / self.settings.assignment
        flags = []
        for path in sorted(directory.glob("*.ipynb")):
            try:
                notebook = read_notebook(directory, path.name)
            except RefusedFile as exc:
                flags.append(NotebookFlag(path.stem, INTEGRITY, f"the graded notebook cannot "
                                          f"be read back: it {exc.reason}"))
                continue
            flags += [NotebookFlag(path.stem, flag.kind, flag.detail)
                      for flag in notebook_flags(notebook)]
        return flags

    def _coursedir(self, student: str, notebook: str) -> CourseDirectory:
        coursedir = CourseDirectory(config=self.config)
        coursedir.assignment_id = self.settings.assignment
        coursedir.student_id = student
        coursedir.notebook_id = notebook
        return coursedir


def log_nbgrader_to(path: Path) -> None:
    """Send what nbgrader logs in this process (its converters' warnings) to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    for old in list(logger.handlers):  # one log file at a time
        if isinstance(old, logging.FileHandler):
            logger.removeHandler(old)
            old.close()
    handler = logging.FileHandler(path)
    handler.setFormatter(logging.Formatter(f"%(asctime)s worker {os.getpid()} %(message)s"))
    logger.addHandler(handler)


@contextmanager
def _captured_log(logger: logging.Logger) -> Iterator[list[str]]:
    """Collect the warnings and errors nbgrader logs to ``logger`` meanwhile."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
