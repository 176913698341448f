"""Feedback and formgrader pages that draw the course's math without a network.

nbgrader's feedback template and its formgrader's grading page load MathJax from a CDN
(nbconvert's ``mathjax()`` macro, which both call without a URL): offline, their math shows as
raw LaTeX; online, every page view asks the CDN. And the formgrader's script waits for
MathJax's start-up signal before it registers its keyboard shortcuts: without MathJax, it
stops with ``ReferenceError: MathJax is not defined``. Here, instead:

- :class:`ReadableOffline` turns the course's math (``$...$`` and ``$$...$$`` in locked
  Markdown cells: text the course wrote, which a student cannot change in a graded notebook)
  into MathML, which browsers draw themselves, and makes long lines wrap;
- the nbconvert templates in :data:`TEMPLATES` run :class:`ReadableOffline` in the
  formgrader's exporter (``formgrade/conf.json``; ``GenerateFeedback`` lists it in
  ``nbgrader_config.py``), and replace nbconvert's ``mathjax.html.j2`` with a stand-in that
  loads nothing and gives the formgrader's script the start-up signal it waits for.

The course's ``nbgrader_config.py`` puts them in place, for every nbgrader command and for the
formgrader of a Jupyter server started in the course directory::

    c.HTMLExporter.extra_template_basedirs = template_basedirs()
"""

from __future__ import annotations

import re
from pathlib import Path

import nbgrader
from latex2mathml.converter import convert as latex_to_mathml
from nbconvert.exporters.exporter import ResourcesDict
from nbformat import NotebookNode
from nbgrader import utils

from .nbgrader_plugins import CoursePreprocessor

TEMPLATES = Path(__file__).resolve().parent / "nbconvert_templates"
"""The course's additions to nbgrader's templates (``base/mathjax.html.j2``,
``formgrade/conf.json``)."""

NBGRADER_TEMPLATES = Path(nbgrader.__file__).resolve().parent / "server_extensions" / (
    "formgrader") / "templates"
"""nbgrader's own ``formgrade`` and ``feedback`` templates."""


def template_basedirs() -> list[str]:
    """``HTMLExporter.extra_template_basedirs`` for the course: its templates first, then
    nbgrader's (which nbgrader sets alone when this is not configured)."""
    return [str(TEMPLATES), str(NBGRADER_TEMPLATES)]


_MATH = re.compile(r"\$\$(?P<block>.+?)\$\$|(?<!\\)\$(?P<inline>[^$\n]+?)\$", re.DOTALL)

READABLE_CSS = """
pre, .output_text pre, .output_error pre { white-space: pre-wrap; overflow-wrap: anywhere; }
math[display="block"] { display: block; margin: 0.6em 0; }
"""
"""Long lines (messages, tracebacks) wrap instead of being cut off; display math is a block."""


class ReadableOffline(CoursePreprocessor):
    """Make a feedback or grading page read well without a network.

    The course's math (in locked Markdown cells) is turned into MathML, which browsers draw
    themselves, instead of waiting for MathJax from a CDN; and long lines wrap. Place it after
    ``CSSHTMLHeaderPreprocessor``, whose CSS list it extends. Math a student wrote is left as
    it is: latex2mathml passes the text of ``\\text{...}`` through unescaped.
    """

    def preprocess(self, nb: NotebookNode,
                   resources: ResourcesDict) -> tuple[NotebookNode, ResourcesDict]:
        resources.setdefault("inlining", {}).setdefault("css", []).append(READABLE_CSS)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and utils.is_locked(cell):
                cell.source = _MATH.sub(_mathml, cell.source)
        return nb, resources


def _mathml(match: re.Match[str]) -> str:
    """One ``$...$`` or ``$$...$$`` as MathML (kept as it was if it cannot be converted)."""
    block = match.group("block") is not None
    try:
        return latex_to_mathml(match.group("block" if block else "inline"),
                               display="block" if block else "inline")
    except Exception:  # latex2mathml raises several types on TeX it does not know
        return match.group(0)
