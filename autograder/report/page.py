"""The report as one self-contained HTML page: inline CSS, plots as ``data:`` PNG images.

Every text that comes from a submission or the gradebook (student ids, messages, reasons,
notebook and cell names) goes through :func:`html.escape`.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable, Mapping, Sequence
from html import escape
from statistics import mean, median
from string import Template

from .collect import CourseReport
from .mistakes import Mistake
from .plots import ReportImages
from .problems import StudentProblem

STUDENTS_SHOWN = 8
"""Students named per mistake; the rest are counted (the CSV names them all)."""

_PAGE = Template("""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Course report: $assignment</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em;
       color: #222; }
h1, h2, h3 { font-weight: 600; } h2 { border-bottom: 1px solid #ccc; margin-top: 2em; }
table { border-collapse: collapse; margin: 0.5em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; } td.number { text-align: right; font-variant-numeric: tabular-nums; }
.plots { display: flex; flex-wrap: wrap; gap: 0.5em; }
figure { margin: 0; }
.muted { color: #777; }
</style>
</head>
<body>
<h1>Course report: $assignment</h1>
<p>$summary</p>
<p>Data: $downloads</p>

<h2>Scores</h2>
$overall
<div class="plots">
$notebook_plots
</div>
<details><summary>Scores per student</summary>
$score_table
</details>

<h2>Pass rate per test cell</h2>
<p>A test cell passes when it earns its full points.</p>
$pass_rate_plot
$cell_table

<h2>Most common mistakes</h2>
<p>Failed test cells, grouped by the autograder's diagnosis of the mistake; without one, by
the check's verdict and the message's first line (numbers as <code>N</code>). An
<em>error</em> was raised by the student's own code (<code>NotImplementedError</code>: not
answered).</p>
$mistakes

<h2>Grading problems</h2>
<p>Notebooks that could not be graded, and cells cut off by the execution timeout.</p>
$run_problems

<h2>Found in submissions</h2>
<p>Missing, unknown or invalid notebooks, deleted, edited or copied test cells; integrity
flags (the student's kernel and the grader disagree, the grader's package imported, a linked
notebook); notebooks graded without the sandbox; and graded functions that differentiate
numerically instead of using a derived Jacobian (<code>numerical_diff</code>, scored as any
answer). The grader flags the notebooks of this section, and those of the one above, in the
formgrader's "Flagged?" column, with the reason atop each autograded notebook.</p>
$findings
</body>
</html>
""")


def render_page(report: CourseReport, images: ReportImages,
                downloads: Mapping[str, str]) -> str:
    """The HTML page of ``report`` with its ``images``.

    ``downloads`` maps a label to a relative link (the CSV files next to the page).
    """
    table = report.scores
    notebook_plots = "\n".join(
        _image(images.by_notebook[name], f"scores in {name}") for name in table.notebooks)
    problems = [p for p in report.problems if p.in_run]
    findings = [p for p in report.problems if not p.in_run]
    return _PAGE.substitute(
        assignment=escape(report.assignment),
        summary=_summary(report),
        downloads=", ".join(f'<a href="{escape(href)}">{escape(label)}</a>'
                            for label, href in downloads.items()),
        overall=_image(images.overall, f"total scores out of {table.max_total:g}"),
        notebook_plots=notebook_plots,
        score_table=_table(
            ["student", *table.notebooks, "late penalty", "total"],
            [[s.student, *(f"{s.by_notebook[n]:g}" for n in table.notebooks),
              f"{s.penalty:g}" if s.penalty else "", f"{s.total:g}"]
             for s in table.students],
            numeric=range(1, len(table.notebooks) + 3)),
        pass_rate_plot=_image(images.pass_rates, "pass rate per test cell"),
        cell_table=_table(
            ["notebook", "test cell", "points", "passed", "pass rate"],
            [[c.notebook, c.cell, f"{c.max_score:g}", f"{c.passed}/{c.graded}",
              f"{c.rate:.0%}"] for c in report.cells], numeric=(2, 3, 4)),
        mistakes=_mistakes(report.mistakes),
        run_problems=_problems(problems, ["student", "status", "notebook", "problem", "reason"],
                               lambda p: [p.student, p.status, _where(p.notebook), p.kind,
                                          p.detail]),
        findings=_problems(findings, ["student", "notebook", "finding", "detail"],
                           lambda p: [p.student, _where(p.notebook), p.kind, p.detail]))


def _summary(report: CourseReport) -> str:
    table = report.scores
    totals = [s.total for s in table.students]
    late = sum(1 for s in table.students if s.penalty)
    penalties = (f" A late penalty was applied to {late} student(s) (the totals are after it, "
                 "as nbgrader export has them).") if late else ""
    return escape(f"{len(totals)} student(s) in the gradebook; total out of "
                  f"{table.max_total:g}: mean {mean(totals):.1f}, median {median(totals):g}, "
                  f"min {min(totals):g}, max {max(totals):g}.{penalties}")


def _mistakes(mistakes: Sequence[Mistake]) -> str:
    if not mistakes:
        return '<p class="muted">No test cell failed.</p>'
    sections = []
    for notebook in dict.fromkeys(m.notebook for m in mistakes):
        members = [m for m in mistakes if m.notebook == notebook]
        cases = sorted({m.case for m in members if m.case})
        title = escape(notebook) + "".join(f" (case <code>{escape(c)}</code>)" for c in cases)
        rows = [[m.check, f"{m.kind}: {m.name}", str(len(m.students)), str(m.failures),
                 m.example, _names(m.students)] for m in members]
        sections.append(f"<h3>{title}</h3>\n" + _table(
            ["check", "mistake", "students", "failed cells", "message (first line)", "who"],
            rows, numeric=(2, 3)))
    return "\n".join(sections)


def _problems(problems: Sequence[StudentProblem], header: list[str],
              columns: Callable[[StudentProblem], list[str]]) -> str:
    if not problems:
        return '<p class="muted">None.</p>'
    return _table(header, [columns(p) for p in problems])


def _where(notebook: str) -> str:
    return "whole submission" if notebook == "*" else notebook


def _names(students: Sequence[str]) -> str:
    shown = ", ".join(students[:STUDENTS_SHOWN])
    hidden = len(students) - STUDENTS_SHOWN
    return shown if hidden <= 0 else f"{shown} and {hidden} more"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]],
           numeric: Iterable[int] = ()) -> str:
    """An HTML table; every cell is escaped."""
    right = set(numeric)
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = "\n".join(
        "<tr>" + "".join(f'<td class="number">{escape(value)}</td>' if index in right
                         else f"<td>{escape(value)}</td>" for index, value in enumerate(row))
        + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>"


def _image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<figure><img alt="{escape(alt)}" src="data:image/png;base64,{data}"></figure>'
