"""The prose and the solution code of every notebook, keyed by case.

Each case's text is in its folder, ``cases/<assignment>/<key>/text.py``, whose ``TEXT`` is a
:class:`~course.notebook_text.NotebookText`; :data:`TEXTS` reads them all. With
:mod:`course.notebooks` they are the single source of truth for ``source/``: ``make notebooks``
rebuilds the notebooks from them, and a test fails when the committed notebooks are stale. A
case whose text is missing or incomplete stops with a :class:`~cases.registry.CaseError` naming
the file and what to write.
"""

from __future__ import annotations

from importlib import import_module

from cases.case import Case
from cases.registry import CASES, CASES_DIR, NEW_CASE, CaseError, where

from .notebook_text import HOW_TO_CHECK, POINTS, RULE, NotebookText


def text_of(case: Case) -> NotebookText:
    """The ``TEXT`` of ``cases/<assignment>/<key>/text.py``, checked to be the case's."""
    file = where(case.assignment, case.key, "text.py")
    if not (CASES_DIR / case.assignment / case.key / "text.py").is_file():
        raise CaseError(f"{file} is missing: it defines TEXT = NotebookText(...), what the "
                        f"notebook says (`{NEW_CASE} {case.assignment} {case.key}` writes a "
                        "skeleton)")
    try:
        module = import_module(f"cases.{case.assignment}.{case.key}.text")
    except (TypeError, ValueError) as exc:  # a field missing, or a placeholder left
        raise CaseError(f"{file}: {exc}") from exc
    text = getattr(module, "TEXT", None)
    if not isinstance(text, NotebookText):
        raise CaseError(f"{file} must define TEXT = NotebookText(...), what the notebook says")
    for cell, function in (("jacobian_shape", "jacobian_shape"), ("function", case.function)):
        if f"def {function}(" not in getattr(text, cell):
            raise CaseError(f"{file}: {cell} must be the solution cell of {function}: its def "
                            "line, its docstring, and the solution between ### BEGIN SOLUTION "
                            "and ### END SOLUTION")
    return text


TEXTS: dict[str, NotebookText] = {key: text_of(case) for key, case in CASES.items()}
"""Every case's text, by case key."""

__all__ = ["HOW_TO_CHECK", "POINTS", "RULE", "TEXTS", "NotebookText", "text_of"]
