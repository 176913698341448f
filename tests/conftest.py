"""Shared fixtures: a generated course to copy, and the end-to-end class graded twice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.course_secret import course_secret
from cases.jacobians import ASSIGNMENT
from course.workspace import copy_course, generate_assignments, new_course_dir, run
from tests.e2e_class import submit_class


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
    submit_class(base)
    serial = copy_course(base, base.parent / "serial")
    parallel = copy_course(base, base.parent / "parallel")
    run(serial, "nbgrader", "autograde", ASSIGNMENT)
    run(parallel, "autograder", "grade", ASSIGNMENT, "--jobs", "2")
    return GradedClass(serial=serial, parallel=parallel)

