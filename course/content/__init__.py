"""The prose and the solution code of every notebook, keyed by case.

This package and :mod:`course.notebooks` are the single source of truth for ``source/``:
``make notebooks`` rebuilds the notebooks from them, and a test fails when the committed
notebooks are stale. One module per assignment (:mod:`.jacobians`, :mod:`.backprop`) holds
a :class:`~.text.NotebookText` for each of its cases.
"""

from __future__ import annotations

from . import backprop, jacobians
from .text import HOW_TO_CHECK, POINTS, RULE, NotebookText

TEXTS: dict[str, NotebookText] = {**jacobians.TEXTS, **backprop.TEXTS}
"""Every case's text, by case key."""

__all__ = ["HOW_TO_CHECK", "POINTS", "RULE", "TEXTS", "NotebookText"]
