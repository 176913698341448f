"""nbgrader's ``Autograde`` reads a submission through the walker: the course's exporter.

On its own, ``Autograde`` reads each submitted notebook with ``open`` and ``nbformat.read``, and
copies every other file of the submission with ``shutil.copy``: both follow symbolic links and
open devices (a link to ``/dev/zero`` or ``/proc/kmsg`` is read without end), copy a sparse file
of any size, and parse JSON of any depth (a 2 KB notebook raises ``RecursionError``).
nbgrader's one setting on that path is the exporter class, ``c.Autograde.exporter_class``,
which it creates, with the converter as its parent, before it grades anyone. The course's
``nbgrader_config.py`` sets :class:`SubmissionExporter`, which

- reads a notebook with :func:`autograder.notebook_files.read_notebook` (no link, at most
  64 MiB, nesting at most 64 levels), and fails it with the reason otherwise; a linked
  notebook is not read at all: an empty one stands in, which
  :class:`~autograder.nbgrader_plugins.RefuseLinks` grades as the blank release notebook;
- has its converter copy only what :func:`autograder.submission_files.walk` admits: every
  link and every refused entry is added, by its exact path, to the converter's
  ``CourseDirectory.ignore`` while that student's files are copied; and a submission the walk
  could not finish (too deep, too many files), or whose ``timestamp.txt`` is a link or not a
  file, is refused, with the reason, before nbgrader reads any of it.

Either way the refusal is that student's problem: nbgrader reports the student as failed and
grades the others, and ``python -m autograder grade`` names the reason.
"""

from __future__ import annotations

import datetime
import glob
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nbconvert.exporters import NotebookExporter
from nbformat.v4 import new_notebook
from nbgrader.converters.base import BaseConverter

from .notebook_files import read_notebook
from .submission_files import RefusedFile, walk

TIMESTAMP = "timestamp.txt"
"""The file of a submission nbgrader reads the submission time from."""


class SubmissionExporter(NotebookExporter):
    """``NotebookExporter`` that reads notebooks safely and guards its converter's copy."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(self.parent, BaseConverter):
            _guard(self.parent)

    def from_filename(self, filename: str, resources: Any = None,
                      **kw: Any) -> tuple[Any, Any]:
        """Read the notebook ``filename`` as the module says, then export it as usual."""
        path = Path(filename)
        resources = resources if resources is not None else {}
        if not resources.get("metadata"):
            resources["metadata"] = {}
        resources["metadata"].update(name=path.stem, path=str(path.parent), modified_date=(
            datetime.datetime.fromtimestamp(os.lstat(path).st_mtime, tz=datetime.UTC)
            .strftime("%B %-d, %Y")))
        nb = new_notebook() if path.is_symlink() else read_notebook(path.parent, path.name)
        return self.from_notebook_node(nb, resources, **kw)


def _guard(converter: BaseConverter) -> None:
    """Make ``converter`` check each submission before it reads or copies any of its files."""

    def guarded(step: Callable[[str, str], Any], log: bool) -> Callable[[str, str], Any]:
        def run(assignment_id: str, student_id: str) -> Any:
            submission = converter._format_source(assignment_id, student_id)
            ignore = converter.coursedir.ignore
            skipped = unread_paths(submission, converter.log if log else None)
            converter.coursedir.ignore = [*ignore, *skipped]
            try:
                return step(assignment_id, student_id)
            finally:
                converter.coursedir.ignore = ignore
        return run

    # init_destination reads timestamp.txt when a submission was graded before;
    # init_assignment reads it and copies the submission's files
    converter.init_destination = guarded(converter.init_destination, log=False)
    converter.init_assignment = guarded(converter.init_assignment, log=True)


def unread_paths(submission: str, log: logging.Logger | None = None) -> list[str]:
    """The exact paths, as glob patterns, of everything in ``submission`` nbgrader must not
    read or copy: its links and the entries the walk refuses (joined to ``submission`` as
    nbgrader joins the paths it walks), each logged to ``log`` (at the level of nbgrader's
    own "Copying" lines) if given.

    Raises
    ------
    RefusedFile
        If the walk could not finish, or ``timestamp.txt`` is a link or not a file.
    """
    found = walk(Path(submission))
    if found.incomplete:
        raise RefusedFile("the submission", found.incomplete)
    if log is not None:
        for link in found.links:
            log.info("%s is a symbolic link (to %s): neither read nor copied", link.path,
                     link.target)
        for refused in found.refused:
            log.info("%s", refused)
    unread = [link.path for link in found.links] + [refused.path for refused in found.refused]
    if TIMESTAMP in unread:
        raise RefusedFile(TIMESTAMP, "(which nbgrader reads) is a symbolic link or not a file")
    return [glob.escape(os.path.join(submission, *path.split("/"))) for path in unread]
