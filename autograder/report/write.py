"""``python -m autograder report``: read a graded course, write the report page and its CSVs."""

from __future__ import annotations

import sys
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nbgrader.coursedir import CourseDirectory

from ..command_error import CommandError
from ..course_config import open_course, require_assignment
from ..grading.scan import read_release
from ..grading.state import load_state
from ..notebook_files import read_notebook_json
from ..scores import read_grades, read_penalties
from ..submission_files import RefusedFile
from .contents import CourseReport, collect_report
from .csv_files import cells_csv, mistakes_csv, problems_csv, scores_csv
from .links import feedback_links
from .page import render_page
from .plots import draw_report_images

REPORTS_DIRECTORY = "reports"


@dataclass(frozen=True)
class ReportFiles:
    """The files of one report: the page and the CSV tables behind it."""

    page: Path
    scores: Path
    cells: Path
    mistakes: Path
    problems: Path

    def paths(self) -> list[Path]:
        return list(astuple(self))


def write_report(root: Path, assignment: str, out_dir: Path | None = None) -> ReportFiles:
    """Write the report of ``assignment`` of the course directory ``root``.

    Parameters
    ----------
    root : Path
        The nbgrader course directory, graded by ``python -m autograder grade`` or by
        ``nbgrader autograde``.
    assignment : str
    out_dir : Path, optional
        Where to write; default ``<root>/reports``. Files: ``<assignment>.html``,
        ``<assignment>-scores.csv``, ``-cells.csv``, ``-mistakes.csv``, ``-problems.csv``.

    Raises
    ------
    CommandError
        If ``root`` is not a directory or the gradebook has no submission of ``assignment``.
    """
    coursedir = open_course(root.resolve())
    report = read_report(coursedir, assignment)
    directory = out_dir if out_dir is not None else root.resolve() / REPORTS_DIRECTORY
    directory.mkdir(parents=True, exist_ok=True)
    files = ReportFiles(*(directory / f"{assignment}{suffix}" for suffix in (
        ".html", "-scores.csv", "-cells.csv", "-mistakes.csv", "-problems.csv")))
    tables = {files.scores: scores_csv(report), files.cells: cells_csv(report),
              files.mistakes: mistakes_csv(report), files.problems: problems_csv(report)}
    for path, text in tables.items():
        path.write_text(text, encoding="utf-8", newline="")
    downloads = {path.name: path.name for path in tables}
    links = feedback_links(Path(coursedir.root) / coursedir.feedback_directory, directory,
                           assignment, [(student.student, notebook)
                                        for student in report.scores.students
                                        for notebook in report.scores.notebooks])
    files.page.write_text(render_page(report, draw_report_images(report), downloads,
                                      made=datetime.now(UTC), feedback=links),
                          encoding="utf-8")
    return files


def read_report(coursedir: CourseDirectory, assignment: str) -> CourseReport:
    """Read the gradebook, the release, the autograded notebooks and the grading records of
    the course (:func:`autograder.course_config.open_course`)."""
    root = Path(coursedir.root)
    require_assignment(coursedir, assignment)
    rows = read_grades(str(coursedir.db_url), assignment)
    if not rows:
        raise CommandError(f"the gradebook {coursedir.db_url} has no graded submissions of "
                          f"{assignment!r} (is the name right? Grade them with: "
                          f"python -m autograder grade {assignment})")
    release = read_release(root / coursedir.release_directory / assignment)
    autograded = root / coursedir.autograded_directory
    notebooks = {(path.parent.parent.name, path.stem): notebook
                 for path in sorted(autograded.glob(f"*/{assignment}/*.ipynb"))
                 if (notebook := _read_notebook(path)) is not None}
    return collect_report(assignment, rows, release, notebooks,
                          load_state(root, assignment, on_problem=_warn),
                          read_penalties(str(coursedir.db_url), assignment),
                          course=coursedir.course_id)


def _warn(problem: str) -> None:
    print(f"warning: {problem}", file=sys.stderr)


def _read_notebook(path: Path) -> Any:
    """The parsed notebook, or ``None`` if unreadable (the grading records say what went
    wrong); read as a student's file is (:mod:`autograder.notebook_files`): its outputs come
    from the student's kernel."""
    try:
        return read_notebook_json(path.parent, path.name)
    except RefusedFile:
        return None
