"""The report as one self-contained HTML page: inline CSS, plots as ``data:`` PNG images.

The page is the Jinja2 template ``templates/report.html.j2``, rendered with autoescaping:
every text that comes from a submission or the gradebook (student ids, messages, reasons,
notebook and cell names) is escaped, and every character a terminal or a browser would act on
rather than show (control characters, bidirectional overrides) is written as an escape
(:func:`autograder.terminal.printable`). The page loads nothing and runs no script (its
Content-Security-Policy allows neither); its only links are the CSV files beside it and the
feedback pages (:mod:`.links`).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from statistics import mean, median
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..terminal import printable
from .contents import CourseReport
from .links import FeedbackLinks
from .mistakes import Mistake
from .plots import ReportImages

STUDENTS_SHOWN = 8
"""Students named per mistake; the rest are counted (the CSV names them all)."""


@dataclass(frozen=True)
class NotebookMistakes:
    """The mistakes of one notebook, and the cases it checks (its heading)."""

    notebook: str
    cases: tuple[str, ...]
    mistakes: list[Mistake]


def render_page(report: CourseReport, images: ReportImages, downloads: Mapping[str, str], *,
                made: datetime, feedback: FeedbackLinks | None = None) -> str:
    """The HTML page of ``report`` with its ``images``.

    Parameters
    ----------
    report : CourseReport
    images : ReportImages
    downloads : mapping of str to str
        A label to a relative link (the CSV files next to the page).
    made : datetime
        When the report was made (shown in the heading).
    feedback : FeedbackLinks, optional
        Links to the feedback pages (:func:`.links.feedback_links`); a score without one is
        shown without a link.
    """
    return _environment().get_template("report.html.j2").render(
        report=report, scores=report.scores, images=images, downloads=downloads, made=made,
        feedback=feedback or {}, summary=_summary(report),
        mistakes=mistakes_by_notebook(report),
        run_problems=[p for p in report.problems if p.in_run],
        findings=[p for p in report.problems if not p.in_run])


def mistakes_by_notebook(report: CourseReport) -> list[NotebookMistakes]:
    """The mistakes, notebook by notebook; a notebook's cases are those its test cells check,
    and those of its mistakes."""
    sections = []
    for notebook in dict.fromkeys(m.notebook for m in report.mistakes):
        members = [m for m in report.mistakes if m.notebook == notebook]
        cases = dict.fromkeys(report.cases.get(notebook, ()))
        cases.update(dict.fromkeys(m.case for m in members if m.case))
        sections.append(NotebookMistakes(notebook, tuple(cases), members))
    return sections


@cache
def _environment() -> Environment:
    environment = Environment(loader=PackageLoader("autograder.report"), autoescape=True,
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              finalize=_shown)
    environment.filters.update(points=lambda value: f"{value:g}",
                               percent=lambda value: f"{value:.0%}", names=_names,
                               base64=lambda png: base64.b64encode(png).decode("ascii"))
    return environment


def _shown(value: Any) -> Any:
    """What the page shows of a value: text with the characters a browser or terminal would
    act on written as escapes; the template's own markup as it is."""
    return printable(value) if isinstance(value, str) and not isinstance(value, Markup) else (
        value)


def _summary(report: CourseReport) -> str:
    table = report.scores
    totals = [s.total for s in table.students]
    late = sum(1 for s in table.students if s.penalty)
    penalties = (f" A late penalty was applied to {late} student(s) (the totals are after it, "
                 "as nbgrader export has them).") if late else ""
    return (f"{len(totals)} student(s) in the gradebook; total out of {table.max_total:g}: "
            f"mean {mean(totals):.1f}, median {median(totals):g}, min {min(totals):g}, "
            f"max {max(totals):g}.{penalties}")


def _names(students: Sequence[str]) -> str:
    shown = ", ".join(students[:STUDENTS_SHOWN])
    hidden = len(students) - STUDENTS_SHOWN
    return shown if hidden <= 0 else f"{shown} and {hidden} more"
