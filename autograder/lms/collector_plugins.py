"""nbgrader ``zip_collect`` plugins for Canvas and Moodle downloads.

nbgrader's own ``FileNameCollectorPlugin`` matches a regular expression to each file's
absolute path, logs a warning for a file it cannot place and carries on, and keeps the first
of two files for one notebook (or stops the whole collection). These collectors place every
file by its whole path from its download's root (:func:`.patterns.place`: in nbgrader's
``extracted/`` folder, each download has a folder of its own), before anything is copied:
files no student owns, and every file of a notebook a student handed in more than once, are
left out; so is a student collected before (unless ``--force``). They remember every file
they collected or left out, for the instructor. They work with nbgrader's own command too::

    nbgrader zip_collect ASSIGNMENT --collector=autograder.lms.collector_plugins.CanvasCollector
"""

from __future__ import annotations

import os
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import find_all_notebooks

from .archives import LeftOut
from .patterns import Placed, place


@dataclass(frozen=True)
class CollectedFile:
    """A notebook collected from a download.

    Attributes
    ----------
    path : str
        Where it was, relative to ``downloaded/<assignment>/extracted/``: the download's
        folder, then the file's path in the download.
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


def plan_collection(paths: Sequence[str], lms: str,
                    notebooks: Collection[str]) -> list[CollectedFile | LeftOut]:
    """What becomes of each file, in the order of ``paths``; pure.

    Parameters
    ----------
    paths : sequence of str
        Every extracted file, relative to the extraction folder: a download's folder, then
        the file's path in that download (``/``-separated).
    lms : {"canvas", "moodle"}
    notebooks : collection of str
        The assignment's notebook file names.

    Returns
    -------
    list of CollectedFile or LeftOut
        A file that :func:`.patterns.place` gives a student and a notebook is collected
        unless that student has another file for the same notebook: then none of them is
        (nothing in a download tells which one the student meant to be graded).
    """
    placed: list[Placed | str] = [
        place(path.split("/", 1)[1], lms, notebooks) if "/" in path else
        "it is not inside a download's folder (put the LMS's zip into archive/)"
        for path in paths]
    copies: dict[tuple[str, str], list[str]] = {}
    for path, where in zip(paths, placed, strict=True):
        if isinstance(where, Placed):
            copies.setdefault((where.student, where.notebook), []).append(path)
    plan: list[CollectedFile | LeftOut] = []
    for path, where in zip(paths, placed, strict=True):
        if isinstance(where, str):
            plan.append(LeftOut(path, where))
            continue
        same = copies[where.student, where.notebook]
        if len(same) > 1:
            plan.append(LeftOut(path, (
                f"student {where.student} handed in {len(same)} files for {where.notebook} "
                f"({', '.join(same)}): none is collected, as nothing in the download says "
                "which one to grade; keep one in the zip and collect again")))
        else:
            plan.append(CollectedFile(path, where.student, where.notebook, where.name,
                                      where.late))
    return plan


class LmsCollector(FileNameCollectorPlugin):
    """Collects the files of one LMS's download; ``collected`` and ``left_out`` say what
    became of each file. Subclasses set ``lms``."""

    lms = ""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.collected: list[CollectedFile] = []
        self.left_out: list[LeftOut] = []
        self._plan: dict[str, CollectedFile | LeftOut] | None = None

    def collect(self, submitted_file: str) -> dict[str, str] | None:
        """nbgrader's hook, called for every extracted file: ``student_id`` and ``file_id``
        (the notebook's name without ``.ipynb``), or ``None`` to leave the file out."""
        extracted = self.parent._format_collect_path(self.parent.extracted_directory)
        if self._plan is None:
            self._plan = self._make_plan(extracted)
        path = os.path.relpath(submitted_file, extracted).replace(os.sep, "/")
        outcome = self._plan.get(path) or LeftOut(path, "it appeared while collecting")
        if isinstance(outcome, CollectedFile):
            outcome = self._refuse_collected_before(outcome)
        if isinstance(outcome, LeftOut):
            self.left_out.append(outcome)
            self.log.warning("Not collected: %s: %s", outcome.path, outcome.reason)
            return None
        self.collected.append(outcome)
        return {"student_id": outcome.student, "file_id": outcome.notebook}

    def _make_plan(self, extracted: str) -> dict[str, CollectedFile | LeftOut]:
        """The plan for every file nbgrader extracted (it walks the same folder)."""
        paths = sorted(os.path.relpath(os.path.join(folder, name), extracted).replace(
            os.sep, "/") for folder, _, names in os.walk(extracted) for name in names)
        coursedir = self.parent.coursedir
        notebooks = find_all_notebooks(coursedir.format_path(
            coursedir.release_directory, ".", coursedir.assignment_id))
        return {outcome.path: outcome
                for outcome in plan_collection(paths, self.lms, notebooks)}

    def _refuse_collected_before(self, file: CollectedFile) -> CollectedFile | LeftOut:
        """A student collected by an earlier run is left out unless forced: nbgrader would
        stop the whole collection."""
        coursedir = self.parent.coursedir
        submitted = coursedir.format_path(coursedir.submitted_directory, file.student,
                                          coursedir.assignment_id)
        if not self.parent.force and os.path.isdir(submitted) and os.listdir(submitted):
            return LeftOut(file.path, f"student {file.student} was collected before "
                                      f"({os.path.relpath(submitted, coursedir.root)} exists): "
                                      "pass --force to replace that submission")
        return file


class CanvasCollector(LmsCollector):
    """Collects a Canvas "Download Submissions" zip."""

    lms = "canvas"


class MoodleCollector(LmsCollector):
    """Collects a Moodle "Download all submissions" zip, in folders or flat."""

    lms = "moodle"


COLLECTORS: dict[str, type[LmsCollector]] = {"canvas": CanvasCollector,
                                              "moodle": MoodleCollector}
