"""nbgrader ``zip_collect`` plugins for Canvas and Moodle downloads.

nbgrader's own ``FileNameCollectorPlugin`` logs a warning for a file it cannot place and
carries on (and with no regexp configured, places nothing and exits 0). These collectors
match the LMS's file names (:mod:`.patterns`), check that the file is one of the
assignment's notebooks, that the student was not collected before (unless ``--force``) and
that no student hands in two files for one notebook, and remember every file they collected
or left out, for the instructor. They work with nbgrader's own command too::

    nbgrader zip_collect ASSIGNMENT --collector=autograder.lms.collector.CanvasCollector
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import find_all_notebooks
from traitlets import default

from .archives import LeftOut
from .patterns import CANVAS, LAYOUTS, MOODLE


@dataclass(frozen=True)
class CollectedFile:
    """A notebook collected from a download.

    Attributes
    ----------
    path : str
        Where it was, relative to ``downloaded/<assignment>/extracted/``.
    student : str
        The nbgrader student id (the LMS's user or participant id).
    notebook : str
        The notebook's file name, e.g. ``01_scalar_wrt_scalar.ipynb``.
    name : str
        The student's name as the LMS wrote it in the file name (may be empty).
    late : bool
        Whether the LMS marked the submission late (Canvas only).
    """

    path: str
    student: str
    notebook: str
    name: str = ""
    late: bool = False


def read_file_name(path: str, shown: str, pattern: re.Pattern[str], lms: str,
                   notebooks: Collection[str],
                   valid_ext: Sequence[str] = (".ipynb",)) -> CollectedFile | LeftOut:
    """Which student's which notebook the file at ``path`` is, or why it is left out; pure.

    Parameters
    ----------
    path : str
        The absolute path nbgrader extracted the file to (what its regexps are matched to).
    shown : str
        The path to show the instructor.
    pattern : re.Pattern
        The LMS's pattern (:mod:`.patterns`).
    lms : str
        ``"canvas"`` or ``"moodle"``, for messages.
    notebooks : collection of str
        The assignment's notebook file names (``release/<assignment>/``).
    valid_ext : sequence of str
        The extensions nbgrader collects (``FileNameCollectorPlugin.valid_ext``).
    """
    extension = os.path.splitext(path)[1]
    if extension not in valid_ext:
        return LeftOut(shown, f"not a notebook (only {', '.join(valid_ext)} files are "
                              "collected)")
    match = pattern.match(path)
    if match is None:
        return LeftOut(shown, f"its name does not follow {lms.capitalize()}'s download layout "
                              f"{LAYOUTS.get(lms, pattern.pattern)}")
    notebook = match["file_id"] + extension
    if notebook not in notebooks:
        return LeftOut(shown, f"{notebook!r} is not a notebook of the assignment (those are "
                              f"{', '.join(sorted(notebooks))})")
    groups = match.groupdict()
    return CollectedFile(shown, match["student_id"], notebook, groups.get("name") or "",
                         bool(groups.get("late")))


class LmsCollector(FileNameCollectorPlugin):
    """Collects the files of one LMS's download; ``collected`` and ``left_out`` say what
    became of each file. Subclasses set ``lms`` and the default ``named_regexp``."""

    lms = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.collected: list[CollectedFile] = []
        self.left_out: list[LeftOut] = []
        self._notebooks: list[str] | None = None

    def collect(self, submitted_file: str) -> dict[str, str] | None:
        """nbgrader's hook, called for every extracted file: ``student_id`` and ``file_id``
        (the notebook's name without ``.ipynb``), or ``None`` to leave the file out."""
        app = self.parent
        if not self.named_regexp:
            app.fail(f"no file-name pattern for {self.lms}: set "
                     f"{type(self).__name__}.named_regexp, e.g. to autograder.lms.patterns."
                     f"{self.lms.upper()}")
        extracted = app._format_collect_path(app.extracted_directory)
        outcome = read_file_name(submitted_file, os.path.relpath(submitted_file, extracted),
                                 re.compile(self.named_regexp), self.lms, self._release(),
                                 self.valid_ext)
        if isinstance(outcome, CollectedFile):
            outcome = self._refuse_repeats(outcome)
        if isinstance(outcome, LeftOut):
            self.left_out.append(outcome)
            self.log.warning("Not collected: %s: %s", outcome.path, outcome.reason)
            return None
        self.collected.append(outcome)
        return {"student_id": outcome.student, "file_id": outcome.notebook}

    def _release(self) -> list[str]:
        """The assignment's notebooks, as nbgrader's ``zip_collect`` finds them."""
        if self._notebooks is None:
            coursedir = self.parent.coursedir
            self._notebooks = find_all_notebooks(coursedir.format_path(
                coursedir.release_directory, ".", coursedir.assignment_id))
        return self._notebooks

    def _refuse_repeats(self, file: CollectedFile) -> CollectedFile | LeftOut:
        """A student collected by an earlier run (unless forced), or a second file for a
        notebook, is left out: nbgrader would stop the whole collection on either."""
        for earlier in self.collected:
            if (earlier.student, earlier.notebook) == (file.student, file.notebook):
                return LeftOut(file.path, f"a second file for {file.notebook} of student "
                                          f"{file.student} ({earlier.path} was collected)")
        coursedir = self.parent.coursedir
        submitted = coursedir.format_path(coursedir.submitted_directory, file.student,
                                          coursedir.assignment_id)
        if not self.parent.force and os.path.isdir(submitted) and os.listdir(submitted):
            return LeftOut(file.path, f"student {file.student} was collected before "
                                      f"({os.path.relpath(submitted, coursedir.root)} exists): "
                                      "pass --force to replace that submission")
        return file


class CanvasCollector(LmsCollector):
    """Collects a Canvas "Download Submissions" zip (:data:`.patterns.CANVAS`)."""

    lms = "canvas"

    @default("named_regexp")
    def _canvas_pattern(self) -> str:
        return CANVAS


class MoodleCollector(LmsCollector):
    """Collects a Moodle "Download all submissions" zip, in folders or flat
    (:data:`.patterns.MOODLE`)."""

    lms = "moodle"

    @default("named_regexp")
    def _moodle_pattern(self) -> str:
        return MOODLE


COLLECTORS: dict[str, type[LmsCollector]] = {"canvas": CanvasCollector,
                                              "moodle": MoodleCollector}
