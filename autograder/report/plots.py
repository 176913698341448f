"""The report's plots, drawn with matplotlib's Agg renderer to PNG bytes.

Figures are made with :class:`matplotlib.figure.Figure` and a :class:`FigureCanvasAgg`
of their own, never through ``pyplot``: no global state, no display needed.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from .contents import CourseReport
from .score_tables import CellPassRate

_BAR = "#4c72b0"
_MEAN = "#dd8452"
_PASS_COLOURS = ("#4c72b0", "#55a868", "#c44e52", "#8172b3", "#937860", "#da8bc3")


def score_histogram(scores: Sequence[float], max_score: float, title: str, *,
                    width: float = 3.4, height: float = 2.4) -> bytes:
    """Students per score, the mean as a dashed line and in the title.

    One bar per possible score when scores are whole or half points (at most 40 bars, see
    :func:`score_step`), else a histogram of 20 bins.
    """
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    step = score_step(scores, max_score)
    if step is not None:
        counts = Counter(scores)
        values = np.arange(0, max_score + step / 2, step)
        axes.bar(values, [counts.get(float(value), 0) for value in values], width=0.8 * step,
                 color=_BAR)
        if len(values) <= 12:
            axes.set_xticks(values)
        else:
            axes.xaxis.set_major_locator(MaxNLocator(integer=step == 1, steps=[1, 2, 5, 10]))
    else:
        axes.hist(scores, bins=20, range=(0, max_score), color=_BAR, edgecolor="white")
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    if scores:
        average = float(np.mean(scores))
        axes.axvline(average, color=_MEAN, linestyle="--", linewidth=1.5)
        title = f"{title}: mean {average:.1f}"
    axes.yaxis.set_major_locator(MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
    axes.set_ylim(0, axes.get_ylim()[1] * 1.1)
    axes.set_xlim(-0.6 * (step or 1), max_score + 0.6 * (step or 1))
    axes.set_title(title, fontsize="medium")
    axes.set_xlabel(f"score (out of {max_score:g})")
    axes.set_ylabel("students")
    return _png(figure)


def score_step(scores: Sequence[float], max_score: float) -> float | None:
    """1 if every score is a whole number, 0.5 if a multiple of 1/2, else ``None``; also
    ``None`` when that step would need more than 40 bars."""
    for step in (1.0, 0.5):
        if max_score / step <= 40 and all(float(s / step).is_integer() for s in scores):
            return step
    return None


def pass_rate_chart(cells: Sequence[CellPassRate]) -> bytes:
    """One horizontal bar per test cell, in notebook order from the top, coloured by
    notebook and labelled ``passed/graded``."""
    notebooks = list(dict.fromkeys(cell.notebook for cell in cells))
    height = 0.8 + 0.28 * max(len(cells), 1)
    figure = Figure(figsize=(7.5, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(cells)))
    colours = [_PASS_COLOURS[notebooks.index(c.notebook) % len(_PASS_COLOURS)] for c in cells]
    axes.barh(positions, [cell.rate for cell in cells], color=colours, height=0.7)
    for position, cell in zip(positions, cells, strict=True):
        axes.text(min(cell.rate, 1.0) + 0.01, position, f"{cell.passed}/{cell.graded}",
                  va="center", fontsize="small")
    axes.set_yticks(positions, [f"{c.notebook.split('_', 1)[0]}  {c.cell}" for c in cells],
                    fontsize="small")
    axes.invert_yaxis()
    axes.set_xlim(0, 1.12)
    axes.set_xticks([0, 0.25, 0.5, 0.75, 1])
    axes.xaxis.set_major_formatter(PercentFormatter(xmax=1))
    axes.set_xlabel("students with full points")
    axes.set_title("Pass rate per test cell", fontsize="medium")
    return _png(figure)


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(figure).print_png(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class ReportImages:
    """The report's plots as PNG bytes."""

    overall: bytes
    by_notebook: dict[str, bytes]
    pass_rates: bytes


def draw_report_images(report: CourseReport) -> ReportImages:
    """Every plot of the report: the totals, each notebook's scores, the pass rates."""
    table = report.scores
    return ReportImages(
        overall=score_histogram([s.total for s in table.students], table.max_total,
                                f"Total, {report.assignment}", width=6.8, height=2.8),
        by_notebook={name: score_histogram([s.by_notebook[name] for s in table.students],
                                           table.max_by_notebook[name], name)
                     for name in table.notebooks},
        pass_rates=pass_rate_chart(report.cells))
