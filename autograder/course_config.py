"""Running nbgrader in-process on a course directory, as its own commands would."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


class CommandError(Exception):
    """An instructor command cannot run (no course, no gradebook, ...): the message says why."""


def open_course(root: Path) -> CourseDirectory:
    """The nbgrader course directory at ``root``, configured from its ``nbgrader_config.py``."""
    if not root.is_dir():
        raise CommandError(f"course directory {root.resolve()} does not exist")
    return CourseDirectory(config=load_course_config(root))


def require_assignment(db_url: str, assignment: str) -> None:
    """Fail unless the gradebook knows ``assignment``; never create a gradebook."""
    first_step = f"run `nbgrader generate_assignment {assignment}` in the course directory first"
    if db_url.startswith("sqlite:///") and not Path(db_url.removeprefix("sqlite:///")).exists():
        raise CommandError(f"no gradebook at {db_url.removeprefix('sqlite:///')}: {first_step}")
    with Gradebook(db_url) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise CommandError(
                f"assignment {assignment!r} is not in the gradebook {db_url}: {first_step}"
            ) from None


def load_course_config(root: Path) -> Config:
    """The course's ``nbgrader_config.py`` with ``CourseDirectory.root`` set to ``root``.

    nbgrader's commands read that file from the course directory, but its Python API
    (``NbGraderAPI``, the converters) does not: call this first.
    """
    root = root.resolve()
    config = Config()
    if (root / "nbgrader_config.py").exists():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    config.CourseDirectory.root = str(root)
    ensure_scripts_on_path()
    return config


def ensure_scripts_on_path() -> None:
    """Put this interpreter's scripts directory first on ``PATH``.

    nbgrader 0.9.6 runs ``alembic`` as a command when it opens a gradebook; in a virtual
    environment used without activating it (``.venv/bin/python -m ...``), that command is
    not found and every gradebook operation fails.
    """
    scripts = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if path.split(os.pathsep)[0] != scripts:
        os.environ["PATH"] = scripts + os.pathsep + path


def gradebook_url(root: Path) -> str:
    """The gradebook the course at ``root`` uses (``CourseDirectory.db_url``)."""
    return str(CourseDirectory(config=load_course_config(root)).db_url)
