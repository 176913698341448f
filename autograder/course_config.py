"""Running nbgrader in-process on a course directory, as its own commands would."""

from __future__ import annotations

import difflib
import os
import sys
from collections.abc import Mapping
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from .command_error import CommandError

CONFIG_FILE = "nbgrader_config.py"


def check_course_dir(root: Path) -> None:
    """Fail unless ``root`` is a course directory: a folder with an ``nbgrader_config.py``."""
    if not root.is_dir():
        raise CommandError(f"course directory {root.resolve()} does not exist")
    if not (root / CONFIG_FILE).is_file():
        raise CommandError(
            f"{root.resolve()} is not a course directory: it has no {CONFIG_FILE}. Run the "
            "command in your course directory (or pass --course-dir DIR), or make one with "
            "`python -m autograder new-course DIR`")


def open_course(root: Path) -> CourseDirectory:
    """The nbgrader course directory at ``root``, configured from its ``nbgrader_config.py``."""
    check_course_dir(root)
    return CourseDirectory(config=load_course_config(root))


def require_assignment(coursedir: CourseDirectory, assignment: str) -> None:
    """Fail unless the course's gradebook knows ``assignment``; never create a gradebook.

    An assignment found in neither the gradebook nor ``source/`` is reported with the ones
    the course has, and the nearest name.
    """
    db_url = str(coursedir.db_url)
    source = Path(coursedir.root) / coursedir.source_directory
    in_source = sorted(path.name for path in source.iterdir() if path.is_dir()) if (
        source.is_dir()) else []
    first_step = f"run `nbgrader generate_assignment {assignment}` in the course directory first"
    has_gradebook = not (db_url.startswith("sqlite:///")
                         and not Path(db_url.removeprefix("sqlite:///")).exists())
    in_gradebook = []
    if has_gradebook:
        with Gradebook(db_url) as gradebook:
            in_gradebook = [entry.name for entry in gradebook.assignments]
    if assignment in in_gradebook:
        return
    known = sorted({*in_gradebook, *in_source})
    if assignment not in known:
        nearest = difflib.get_close_matches(assignment, known, n=1)
        raise CommandError(
            f"unknown assignment {assignment!r}: the course has "
            f"{', '.join(known) if known else 'none yet (source/ is empty)'}"
            + (f" (did you mean {nearest[0]!r}?)" if nearest else ""))
    if not has_gradebook:
        raise CommandError(f"no gradebook at {db_url.removeprefix('sqlite:///')}: {first_step}")
    raise CommandError(
        f"assignment {assignment!r} is not in the gradebook {db_url}: {first_step}")


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


def with_scripts_on_path(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """``env`` (default: this process's environment) with this interpreter's scripts directory
    first on ``PATH``: the environment to run an nbgrader command in.

    nbgrader 0.9.6 runs ``alembic`` as a command when it opens a gradebook; in a virtual
    environment used without activating it (``.venv/bin/python -m ...``), that command is
    not found and every gradebook operation fails.
    """
    environment = dict(os.environ if env is None else env)
    scripts = str(Path(sys.executable).parent)
    path = environment.get("PATH", "")
    if path.split(os.pathsep)[0] != scripts:
        environment["PATH"] = scripts + os.pathsep + path if path else scripts
    return environment


def ensure_scripts_on_path() -> None:
    """Put this interpreter's scripts directory first on this process's ``PATH``, for the
    gradebooks nbgrader opens in it (see :func:`with_scripts_on_path`)."""
    os.environ["PATH"] = with_scripts_on_path()["PATH"]


def gradebook_url(root: Path) -> str:
    """The gradebook the course at ``root`` uses (``CourseDirectory.db_url``)."""
    return str(CourseDirectory(config=load_course_config(root)).db_url)
