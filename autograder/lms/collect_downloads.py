"""``python -m autograder collect``: LMS downloads to ``submitted/``, by nbgrader's zip_collect.

Each download is screened (:mod:`.archives`) and a clean copy of it placed in nbgrader's
``downloaded/<assignment>/archive/``, which this command owns (it is emptied first, and so is
``extracted/``); then nbgrader's ``ZipCollectApp`` runs in this process with the LMS's
collector (:mod:`.collector_plugins`), extracts the copies and fills
``submitted/<student>/<assignment>/``. Every file that was not collected is reported.
"""

from __future__ import annotations

import logging
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbgrader.apps import ZipCollectApp
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import find_all_notebooks
from traitlets.config import Config

from ..command_error import CommandError
from ..course_config import load_course_config, open_course, require_assignment
from ..terminal import printable
from .archives import DEFAULT_LIMITS, LeftOut, Limits, clean_copy
from .collector_plugins import COLLECTORS, CollectedFile, LmsCollector

ID_MEANING = {"canvas": "Canvas user ids",
              "moodle": "Moodle participant ids of this assignment"}


@dataclass(frozen=True)
class Collection:
    """What one ``collect`` did.

    Attributes
    ----------
    lms : str
    assignment : str
    notebooks : list of str
        The assignment's notebooks.
    collected : list of CollectedFile
        The notebooks now in ``submitted/``.
    left_out : list of LeftOut
        Every file of the downloads that was not collected, and why.
    """

    lms: str
    assignment: str
    notebooks: list[str]
    collected: list[CollectedFile]
    left_out: list[LeftOut]

    def by_student(self) -> dict[str, list[CollectedFile]]:
        students: dict[str, list[CollectedFile]] = {}
        for file in self.collected:
            students.setdefault(file.student, []).append(file)
        return dict(sorted(students.items()))


def collect_downloads(root: Path, assignment: str, lms: str, downloads: Sequence[Path], *,
                      force: bool = False, limits: Limits = DEFAULT_LIMITS) -> Collection:
    """Collect the submissions in ``downloads`` (zips from ``lms``) into the course at ``root``.

    Parameters
    ----------
    root : Path
        The nbgrader course directory.
    assignment : str
    lms : {"canvas", "moodle"}
    downloads : sequence of Path
        The zips as the LMS downloaded them.
    force : bool
        Replace the submissions of students collected before (else they are left out).
    limits : Limits
        What one download may hold.

    Raises
    ------
    CommandError
        If the course, the assignment or a download is missing or unreadable, or if nothing
        could be collected.
    """
    if lms not in COLLECTORS:
        raise CommandError(f"unknown LMS {lms!r}: choose one of {', '.join(COLLECTORS)}")
    coursedir = open_course(root)
    require_assignment(coursedir, assignment)
    notebooks = [Path(name).name for name in find_all_notebooks(
        coursedir.format_path(coursedir.release_directory, ".", assignment))]
    if not notebooks:
        raise CommandError(f"no notebooks in {coursedir.release_directory}/{assignment}/: run "
                           f"`nbgrader generate_assignment {assignment}` first")
    names = archive_names(downloads)
    app = _zip_collect_app(load_course_config(root), assignment, lms, force)
    archive = _empty_directory(Path(app._format_collect_path(app.archive_directory)))
    _empty_directory(Path(app._format_collect_path(app.extracted_directory)))
    left_out: list[LeftOut] = []
    for download, name in zip(downloads, names, strict=True):
        left_out += clean_copy(download, archive / f"{name}.zip", name, limits)
    collector = _run(app)
    collection = Collection(lms, assignment, notebooks, collector.collected,
                            left_out + collector.left_out)
    if not collection.collected:
        raise CommandError(f"nothing was collected from {len(downloads)} {lms} download(s):\n"
                           + format_left_out(collection.left_out, limit=10))
    return collection


def archive_names(downloads: Sequence[Path]) -> list[str]:
    """A file-system-safe name per download (its stem), all different."""
    for download in downloads:
        if not download.is_file():
            raise CommandError(f"no such file: {download} (pass the zip the LMS downloaded)")
    names = [re.sub(r"[^\w.-]+", "_", download.stem) or "download" for download in downloads]
    if len(set(names)) < len(names):
        raise CommandError("two downloads have the same name: rename one of "
                           + ", ".join(map(str, downloads)))
    return names


def _empty_directory(path: Path) -> Path:
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def _zip_collect_app(config: Config, assignment: str, lms: str, force: bool) -> ZipCollectApp:
    """nbgrader's ``ZipCollectApp`` for ``assignment``, configured by the course and set to
    use the LMS's collector; it logs errors only (we report what it leaves out)."""
    config.ZipCollectApp.collector_plugin = COLLECTORS[lms]
    app = ZipCollectApp(config=config, force=force)
    app.log_level = logging.ERROR
    app.coursedir = CourseDirectory(parent=app)
    app.coursedir.assignment_id = assignment
    return app


def _run(app: ZipCollectApp) -> LmsCollector:
    """Extract ``archive/`` and collect, as ``nbgrader zip_collect`` does; the collector."""
    try:
        app.start()
    except SystemExit:
        raise CommandError("nbgrader zip_collect stopped (its error is above)") from None
    except OSError as error:
        raise CommandError(f"nbgrader zip_collect could not extract or copy a file: "
                           f"{error}") from None
    collector = app.collector_plugin_inst
    assert isinstance(collector, LmsCollector)
    return collector


def format_collection(collection: Collection) -> str:
    """The summary for the instructor: per student, the notebooks collected and missing;
    then every file left out, with the reason."""
    students = collection.by_student()
    lines = [f"Collected {len(collection.collected)} notebook(s) of {len(students)} student(s) "
             f"into submitted/<student>/{collection.assignment}/ (student ids are "
             f"{ID_MEANING[collection.lms]}):"]
    width = max((len(student) for student in students), default=0)
    for student, files in students.items():
        name = printable(files[0].name)
        have = {file.notebook for file in files}
        missing = [notebook for notebook in collection.notebooks if notebook not in have]
        notes = ([f"missing {', '.join(missing)}"] if missing else []) + (
            ["marked LATE by Canvas"] if any(file.late for file in files) else [])
        lines.append(f"  {student:<{width}}  {name:<24} {len(have)}/"
                     f"{len(collection.notebooks)} notebooks"
                     + (f"  ({'; '.join(notes)})" if notes else ""))
    if collection.left_out:
        lines += ["", f"{len(collection.left_out)} file(s) were NOT collected:",
                  format_left_out(collection.left_out)]
    lines += ["", f"Next: python -m autograder grade {collection.assignment}"]
    return "\n".join(lines)


def format_left_out(left_out: Sequence[LeftOut], limit: int | None = None) -> str:
    """One line per file left out (the first ``limit`` of them), names made printable."""
    shown = left_out if limit is None else left_out[:limit]
    lines = [f"  {printable(item.path)}: {item.reason}" for item in shown]
    if len(left_out) > len(shown):
        lines.append(f"  ... and {len(left_out) - len(shown)} more")
    return "\n".join(lines)
