"""What a grade depends on besides the submission, to notice when grading again is needed.

A student's grade is a function of their submission and of the course's grading inputs: the
source notebooks (the tests), ``nbgrader_config.py``, the code of the checks and of the grader,
the course secret (the hidden inputs) and the assignment's due date (late penalties). Each
grading record keeps the :func:`grading_inputs` it was graded with; a record made with other
inputs is graded again, and :func:`what_changed` says why in words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from pathlib import Path

from nbgrader.api import Gradebook

import autograder
import cases
import jacobian_checks

from ..course_secret import course_secret, secret_fingerprint

INPUT_NAMES = {
    "source": "the tests (source notebooks)",
    "config": "nbgrader_config.py",
    "checks": "the checks' code",
    "secret": "the course secret",
    "due_date": "the due date",
}
"""The inputs, and how :func:`what_changed` names them."""


def grading_inputs(root: Path, assignment: str, db_url: str) -> dict[str, str]:
    """A fingerprint of each input of the course at ``root`` (see the module docstring)."""
    with Gradebook(db_url) as gradebook:
        due_date = gradebook.find_assignment(assignment).duedate
    return {
        "source": files_fingerprint(sorted((root / "source" / assignment).rglob("*"))),
        "config": files_fingerprint([root / "nbgrader_config.py"]),
        "checks": checks_fingerprint(),
        "secret": secret_fingerprint(course_secret(root)),
        "due_date": str(due_date or ""),
    }


def checks_fingerprint() -> str:
    """A fingerprint of the code of the checks and of the grader, and of the cases' math, as
    installed here."""
    return files_fingerprint(_package_files(jacobian_checks, autograder, cases))


def what_changed(recorded: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """The names of the inputs that differ; a record without inputs predates them."""
    if not recorded:
        return ["the grader (the last grading recorded no inputs)"]
    return [INPUT_NAMES[key] for key in INPUT_NAMES if recorded.get(key) != current.get(key)]


def files_fingerprint(paths: Iterable[Path]) -> str:
    """SHA-256 over the names and contents of the regular files among ``paths``."""
    digest = hashlib.sha256()
    for path in paths:
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def _package_files(*packages: object) -> list[Path]:
    files: list[Path] = []
    for package in packages:
        directory = Path(getattr(package, "__file__", "")).parent
        files += sorted(p for p in directory.rglob("*") if p.suffix in (".py", ".npz"))
    return files
