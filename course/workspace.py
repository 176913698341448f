"""Scratch course directories, and the nbgrader commands run in them."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from nbgrader.converters import GenerateAssignment
from nbgrader.converters.base import BaseConverter
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config

from autograder.course_config import load_course_config, with_scripts_on_path
from autograder.grading.warm_nbgrader import warm_nbgrader
from cases.registry import ASSIGNMENTS

ROOT = Path(__file__).resolve().parent.parent


def new_course_dir(path: Path) -> Path:
    """A fresh course directory at ``path``: the course's config and ``source/`` only."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", path / "nbgrader_config.py")
    shutil.copytree(ROOT / "source", path / "source")
    return path


def convert(course: Path, assignment: str, *converters: type[BaseConverter],
            config: Config | None = None) -> None:
    """Run nbgrader converters on ``assignment`` in this process (no interpreter start-up,
    nor ``alembic`` run to stamp a new gradebook: :func:`warm_nbgrader`), with ``--force``;
    ``config`` defaults to the course's ``nbgrader_config.py``."""
    config = config or load_course_config(course)
    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    with warm_nbgrader():
        for converter in converters:
            converter(coursedir=coursedir, config=config, force=True).start()


def generate_assignments(course: Path) -> None:
    """``nbgrader generate_assignment`` of every assignment, in this process."""
    for assignment in ASSIGNMENTS:
        convert(course, assignment, GenerateAssignment)


def copy_course(course: Path, destination: Path) -> Path:
    """A copy of a course directory, gradebook included (cheaper than generating it again);
    symbolic links stay links, as a student submitted them."""
    return Path(shutil.copytree(course, destination, symlinks=True))


def run(course: Path, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``python -m <command...>`` in ``course`` with this interpreter.

    ``command`` is e.g. ``("nbgrader", "autograde", "jacobians")``, run in the environment
    nbgrader needs (:func:`autograder.course_config.with_scripts_on_path`). With ``check``, a
    non-zero exit raises ``RuntimeError`` carrying the command's output.
    """
    result = subprocess.run([sys.executable, "-m", *command], cwd=course,
                            env=with_scripts_on_path(),
                            capture_output=True, text=True)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed with exit code {result.returncode}:\n"
                           f"{result.stdout}\n{result.stderr}")
    return result
