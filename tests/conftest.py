"""Shared fixtures: a generated course to copy, and the end-to-end class graded twice; how
``make test`` shares the test files out among its processes."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pytest
from xdist.scheduler import LoadFileScheduling

from autograder.course_secret import course_secret
from cases.jacobians import ASSIGNMENT
from course.workspace import copy_course, generate_assignments, new_course_dir, run
from tests.e2e_class import CLASS_TIMEOUT, submit_class


class SharedClassScheduling(LoadFileScheduling):
    """``--dist loadfile``, except that the test files naming :func:`graded_class` are one unit.

    A file's tests stay on one process, so its fixtures are built once; the files grading on
    the session's graded class all run on the process that builds it, so it is built once,
    not once per process (it is the slowest fixture of the suite). Not ``--dist loadgroup``:
    with pytest 9 a worker's test ids lose the group pytest-xdist 3.8 appends to them."""

    def _split_scope(self, nodeid: str) -> str:
        file = super()._split_scope(nodeid)
        return "graded_class" if _names_the_graded_class(self.config.rootpath / file) else file


@functools.cache
def _names_the_graded_class(test_file: Path) -> bool:
    return "graded_class" in test_file.read_text(encoding="utf-8")


@functools.cache
def _is_slow(test_file: Path) -> bool:
    text = test_file.read_text(encoding="utf-8")
    return "pytest.mark.nbgrader" in text or "pytest.mark.slow" in text


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the slow files first: the graded class's, then the other end-to-end files
    (``pytest.mark.nbgrader``) and the other slow ones (``pytest.mark.slow``), then the rest,
    each file's tests in their order. ``make test`` hands the files out in this order
    (``--no-loadscope-reorder``), so that its processes end together: a slow file handed out
    last would run on one process while the others idle."""
    items.sort(key=lambda item: (not _names_the_graded_class(item.path),
                                 not _is_slow(item.path)))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadfile`` schedules with :class:`SharedClassScheduling`."""
    if config.getvalue("dist") == "loadfile":
        return SharedClassScheduling(config, log)
    return None


@pytest.fixture(scope="session")
def generated_course(tmp_path_factory) -> Path:
    """A course directory after `nbgrader generate_assignment` of every assignment.

    Copy it with :func:`course.workspace.copy_course`, never change it: creating a gradebook
    costs several seconds."""
    course = new_course_dir(tmp_path_factory.mktemp("generated") / "course")
    generate_assignments(course)
    course_secret(course)  # every copy draws the same hidden runs
    return course


@dataclass(frozen=True)
class GradedClass:
    """Two identical course directories, graded by the two tools."""

    serial: Path  # nbgrader autograde
    parallel: Path  # python -m autograder grade --jobs 2


@pytest.fixture(scope="session")
def graded_class(generated_course, tmp_path_factory) -> GradedClass:
    base = copy_course(generated_course, tmp_path_factory.mktemp("class") / "course")
    with (base / "nbgrader_config.py").open("a") as config:
        config.write(f"\nc.Execute.timeout = {CLASS_TIMEOUT}\n")
    submit_class(base)
    serial = copy_course(base, base.parent / "serial")
    parallel = copy_course(base, base.parent / "parallel")
    run(serial, "nbgrader", "autograde", ASSIGNMENT)
    run(parallel, "autograder", "grade", ASSIGNMENT, "--jobs", "2")
    return GradedClass(serial=serial, parallel=parallel)

