"""``python -m autograder release-solutions``: the solution notebooks, to students, after the
due date.

The notebooks are ``solutions/<assignment>/*.ipynb`` (``nbgrader generate_solution``), with
their hidden tests removed by nbgrader's ``ClearHiddenTests``. They go either

* to nbgrader's exchange, released as the assignment ``<assignment>-solutions`` by nbgrader's
  own release step (the course's exchange, ``Exchange.root``), so that a student fetches
  them like any assignment: ``nbgrader fetch_assignment <assignment>-solutions`` or the
  Assignments tab; a release under its own name leaves the assignment, and what students
  fetched and submitted of it, untouched; or
* into a zip (``--zip``), in a folder ``<assignment>-solutions/``, to upload to an LMS.

Before the due date, the latest of the gradebook's ``duedate`` and every extension granted,
the command refuses unless forced; it refuses without a due date too.
"""

from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange import ExchangeError, ExchangeFactory
from nbgrader.preprocessors import ClearHiddenTests
from traitlets.config import Config

from ..command_error import CommandError
from ..course_config import load_course_config, open_course, require_assignment

SOLUTIONS_SUFFIX = "-solutions"


@dataclass(frozen=True)
class Deadline:
    """When an assignment is due, in naive UTC as nbgrader stores it.

    Attributes
    ----------
    due : datetime or None
        The gradebook's ``duedate``; ``None`` if none was set.
    latest : datetime or None
        The last moment any student may submit: ``due`` plus the longest extension.
    extended : list of str
        The students whose extension ends at ``latest``.
    """

    due: datetime | None
    latest: datetime | None
    extended: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReleasedSolutions:
    """What was released: the notebooks, where to, and how students get them."""

    name: str
    notebooks: list[str]
    destination: str
    instructions: str
    forced: str = ""
    """Empty, or what ``--force`` overrode: "before the due date", "without a due date"."""


def read_deadline(db_url: str, assignment: str) -> Deadline:
    """The assignment's due date and extensions, from the gradebook."""
    with Gradebook(db_url) as gradebook:
        record = gradebook.find_assignment(assignment)
        due = record.duedate
        extensions = {submission.student.id: submission.extension
                      for submission in record.submissions if submission.extension}
    if due is None or not extensions:
        return Deadline(due, due)
    longest = max(extensions.values())
    return Deadline(due, due + longest, tuple(sorted(
        student for student, extension in extensions.items() if extension == longest)))


def refusal(assignment: str, deadline: Deadline, now: datetime) -> str | None:
    """Why the solutions may not be released at ``now`` (naive UTC), or ``None``; pure."""
    if deadline.due is None or deadline.latest is None:
        return (f"no due date is set for {assignment!r} in the gradebook, so the deadline "
                f"cannot be checked: set it in the course directory with `nbgrader db "
                f"assignment add {assignment} --duedate='YYYY-MM-DD HH:MM:SS UTC'`, or pass "
                f"--force to release the solutions anyway")
    if now >= deadline.latest:
        return None
    extension = (f" (the extension of {', '.join(deadline.extended)}; the due date is "
                 f"{_utc(deadline.due)})" if deadline.extended else "")
    return (f"{assignment!r} is due {_utc(deadline.latest)}{extension}, and it is "
            f"{_utc(now)}: solutions are released once the deadline has passed; pass --force "
            f"to release them now")


def release_solutions(root: Path, assignment: str, *, zip_path: Path | None = None,
                      force: bool = False, now: datetime | None = None) -> ReleasedSolutions:
    """Release the solution notebooks of ``assignment`` of the course at ``root``.

    Parameters
    ----------
    root : Path
        The nbgrader course directory.
    assignment : str
    zip_path : Path, optional
        Write a zip there instead of releasing to the exchange.
    force : bool
        Release even before the due date, or without one.
    now : datetime, optional
        The time to compare with the due date (default: now).

    Raises
    ------
    CommandError
        Before the due date or without one (unless ``force``), without solution notebooks,
        or if the exchange refuses.
    """
    coursedir = open_course(root)
    config = load_course_config(root)
    require_assignment(coursedir, assignment)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None)
    deadline = read_deadline(str(coursedir.db_url), assignment)
    reason = refusal(assignment, deadline, moment)
    if reason and not force:
        raise CommandError(reason)
    forced = "" if reason is None else (
        "without a due date" if deadline.due is None else "before the due date")
    notebooks = solution_notebooks(config, Path(coursedir.format_path(
        coursedir.solution_directory, ".", assignment)), assignment)
    name = assignment + SOLUTIONS_SUFFIX
    if zip_path is not None:
        write_zip(zip_path, name, notebooks)
        return ReleasedSolutions(name, sorted(notebooks), str(zip_path),
                                 f"upload {zip_path} to the LMS", forced)
    destination = release_to_exchange(config, name, notebooks)
    return ReleasedSolutions(
        name, sorted(notebooks), destination,
        f"students run: nbgrader fetch_assignment {name} --course {coursedir.course_id}",
        forced)


def solution_notebooks(config: Config, directory: Path,
                       assignment: str) -> dict[str, nbformat.NotebookNode]:
    """The notebooks of ``directory`` by file name, without their hidden tests."""
    paths = sorted(directory.glob("*.ipynb"))
    if not paths:
        raise CommandError(f"no solution notebooks in {directory}: run `nbgrader "
                           f"generate_solution {assignment}` in the course directory first")
    clear = ClearHiddenTests(config=config)
    notebooks = {}
    for path in paths:
        try:
            notebook, _ = clear.preprocess(nbformat.read(path, as_version=4), {})
        except (ValueError, RuntimeError) as error:  # unreadable; broken hidden-test markers
            raise CommandError(f"cannot prepare {path}: {error}") from None
        notebooks[path.name] = notebook
    return notebooks


def write_zip(path: Path, folder: str, notebooks: dict[str, nbformat.NotebookNode]) -> None:
    """A zip of the notebooks in one folder, ``<folder>/<notebook>``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, notebook in sorted(notebooks.items()):
            archive.writestr(f"{folder}/{name}", nbformat.writes(notebook))


def release_to_exchange(config: Config, name: str,
                        notebooks: dict[str, nbformat.NotebookNode]) -> str:
    """Release the notebooks as the assignment ``name`` with the course's exchange (replacing
    an earlier release of it); return where the exchange put them.

    nbgrader's release step copies ``release/<name>/`` of a course directory: it is given a
    scratch one holding only these notebooks, so nothing is added to the course's ``release/``.
    """
    with tempfile.TemporaryDirectory() as scratch:
        coursedir = CourseDirectory(config=config)
        coursedir.root = scratch
        coursedir.assignment_id = name
        staged = Path(coursedir.format_path(coursedir.release_directory, ".", name))
        staged.mkdir(parents=True)
        for filename, notebook in notebooks.items():
            nbformat.write(notebook, staged / filename)
        release = ExchangeFactory(config=config).ReleaseAssignment(
            coursedir=coursedir, authenticator=Authenticator(config=config), force=True)
        try:
            release.start()
        except (ExchangeError, RuntimeError, OSError) as error:
            raise CommandError(f"the exchange refused the release: {error} (the exchange is "
                               f"Exchange.root in nbgrader_config.py, the course "
                               f"CourseDirectory.course_id)") from None
        return str(getattr(release, "dest_path", name))  # the default exchange's outbound


def _utc(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def format_release(released: ReleasedSolutions) -> str:
    """What the instructor reads after a release."""
    forced = f" {released.forced} (--force)" if released.forced else ""
    return (f"Released {len(released.notebooks)} solution notebook(s) as {released.name}"
            f"{forced}: {released.destination}\n"
            f"  {', '.join(released.notebooks)}\n"
            f"Next: {released.instructions}")
