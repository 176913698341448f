"""Every case of the course, by key, read from the case folders.

Each assignment is a package of ``cases/``, listed in :data:`cases.ASSIGNMENT_FOLDERS`; its
``__init__.py`` names the assignment (``ASSIGNMENT``) and lists its case folders in the order
of its notebooks (``CASE_FOLDERS``). A case folder, ``cases/<assignment>/<key>/``, holds the
case's ``math.py``, whose ``CASE`` is a :class:`~cases.case.Case`. This module reads those and
nothing else of a folder: the grader imports it, and never a case's text or answers (the
course builder reads those, :mod:`course.content`). A listed folder that is missing, or a
``math.py`` that is incomplete, stops with a :class:`CaseError` naming the file and what is
missing.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from . import ASSIGNMENT_FOLDERS
from .case import Case

CASES_DIR = Path(__file__).resolve().parent
"""The folder of the case folders."""

NEW_CASE = "python -m course new-case"
"""The command that writes a case folder's skeleton."""


class CaseError(ValueError):
    """A case folder is missing or incomplete; the message names the file and what to write."""


def where(assignment: str, key: str, file: str = "") -> str:
    """How messages name a case's folder or one of its files: ``cases/jacobians/cube/math.py``."""
    return "/".join(["cases", assignment, key, *([file] if file else [])])


def _assignment_cases(folder: str) -> tuple[Case, ...]:
    package = import_module(f"cases.{folder}")
    listed = getattr(package, "CASE_FOLDERS", None)
    if getattr(package, "ASSIGNMENT", None) != folder or not isinstance(listed, tuple):
        raise CaseError(f"cases/{folder}/__init__.py must set ASSIGNMENT = {folder!r} and "
                        "CASE_FOLDERS, the tuple of its case folders in notebook order")
    return tuple(_case(folder, key) for key in listed)


def _case(assignment: str, key: str) -> Case:
    """The ``CASE`` of ``cases/<assignment>/<key>/math.py``, checked to be that folder's."""
    if not (CASES_DIR / assignment / key).is_dir():
        raise CaseError(f"cases/{assignment}/__init__.py lists the case {key!r}, but there is "
                        f"no folder {where(assignment, key)}/: write its skeleton with "
                        f"`{NEW_CASE} {assignment} {key}`")
    math = where(assignment, key, "math.py")
    if not (CASES_DIR / assignment / key / "math.py").is_file():
        raise CaseError(f"{math} is missing: it defines CASE = Case(...), the case's math "
                        f"(`{NEW_CASE} {assignment} {key}` writes a skeleton)")
    try:
        module = import_module(f"cases.{assignment}.{key}.math")
    except (TypeError, ValueError) as exc:  # a field missing, or a problem of its values
        raise CaseError(f"{math}: {exc}") from exc
    case = getattr(module, "CASE", None)
    if not isinstance(case, Case):
        raise CaseError(f"{math} must define CASE = Case(...), the case's math")
    if (case.key, case.assignment) != (key, assignment):
        raise CaseError(f"{math}: CASE must have key={key!r} and assignment={assignment!r}, "
                        f"its folder's, not key={case.key!r} and assignment={case.assignment!r}")
    return case


ASSIGNMENTS: dict[str, tuple[Case, ...]] = {folder: _assignment_cases(folder)
                                            for folder in ASSIGNMENT_FOLDERS}
"""Each assignment's cases, in the order of its notebooks."""

CASES: dict[str, Case] = {case.key: case for cases in ASSIGNMENTS.values() for case in cases}
"""Every case of every assignment, by key."""

_NOTEBOOKS = [(case.assignment, case.notebook) for case in CASES.values()]
if len(CASES) < len(_NOTEBOOKS) or len(set(_NOTEBOOKS)) < len(_NOTEBOOKS):
    raise CaseError("two cases share a key, or two cases of an assignment a notebook: keys are "
                    "unique in the course, notebooks in their assignment")


def cases_of(assignment: str) -> tuple[Case, ...]:
    """The cases of ``assignment``, in notebook order; a clear error lists the assignments."""
    try:
        return ASSIGNMENTS[assignment]
    except KeyError:
        raise KeyError(f"unknown assignment {assignment!r}; the course has "
                       f"{', '.join(ASSIGNMENTS)}") from None


def get_case(key: str) -> Case:
    """The case called ``key``; a clear error lists the known keys."""
    try:
        return CASES[key]
    except KeyError:
        raise KeyError(f"unknown case {key!r}; the course's cases are "
                       f"{', '.join(CASES)}") from None
