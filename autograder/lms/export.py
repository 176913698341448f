"""``python -m autograder export``: an assignment's grades as a file an LMS imports.

Totals are :func:`autograder.scores.score_table`'s, the ``score`` of ``nbgrader export``: the
notebooks' scores minus nbgrader's late penalty, at least 0. Every student of the gradebook
has a row; a student without a submission of the assignment gets **empty** grade cells, not
0, so that the LMS keeps what it has (its own "missing" mark, a grade entered by hand).

Formats (the columns are documented in ``docs/lms.md``):

``csv``
    ``student_id``, one column per notebook, ``late_penalty``, ``total``, ``max_score``.
``canvas``
    Canvas's gradebook CSV (read in ``instructure/canvas-lms``,
    ``app/models/gradebook_importer.rb``): the header must start ``Student``, ``ID`` and end
    its student columns with ``Section``; Canvas finds the student by ``ID`` (the Canvas
    user id), else by ``SIS User ID`` / ``SIS Login ID``, else by name; an assignment column
    ``Title (id)`` is matched by id, one without ``(id)`` by title (a new title creates an
    assignment); a row whose first cell says ``Points Possible`` sets the points.
``moodle``
    The assignment's grading worksheet, which Moodle's "Upload grading worksheet" reads
    (``moodle/moodle``, ``mod/assign/feedback/offline/importgradeslib.php``): it needs the
    columns ``Identifier`` (``Participant <participant id>``), ``Grade`` and
    ``Last modified (grade)``; it skips empty grades, grades out of the assignment's range,
    and grades changed in Moodle after the ``Last modified (grade)`` time.
"""

from __future__ import annotations

import csv
import glob
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.api import Gradebook

from ..command_error import CommandError
from ..course_config import open_course, require_assignment
from ..grading.state import StudentRecord, fingerprint, load_state
from ..scores import GradeRow, ScoreTable, StudentScores, read_grades, read_penalties, score_table

FORMATS = ("canvas", "moodle", "csv")
EXPORTS_DIRECTORY = "exports"
CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_COLUMNS = ["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)"]
MOODLE_PARTICIPANT = "Participant "
CANVAS_COLUMN_ID = re.compile(r"\(\d+\)\s*$")
"""How a Canvas gradebook column ends when it names an existing assignment: ``(123456)``."""


@dataclass(frozen=True, order=True)
class RosterEntry:
    """A student of the gradebook (``nbgrader db student add`` sets the names)."""

    student: str
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class GradeFile:
    """An export: the rows to write (the header first), how many are students', and what
    the instructor must know."""

    rows: list[list[str]]
    students: int
    warnings: list[str]


@dataclass(frozen=True)
class Export:
    """A written export: where, how many students, and the warnings."""

    path: Path
    students: int
    warnings: list[str]


def export_grades(root: Path, assignment: str, grade_format: str, out: Path | None = None, *,
                  column: str | None = None, now: datetime | None = None) -> Export:
    """Write the grades of ``assignment`` in ``grade_format`` to ``out``.

    Parameters
    ----------
    root : Path
        The nbgrader course directory, graded.
    assignment : str
    grade_format : {"canvas", "moodle", "csv"}
    out : Path, optional
        Default ``<root>/exports/<assignment>-<format>.csv``.
    column : str, optional
        Canvas only: the gradebook column to fill, as Canvas's own export names it
        (``Jacobians (123456)``); default ``assignment``.
    now : datetime, optional
        Moodle only: the ``Last modified (grade)`` time (default: now, UTC).

    Raises
    ------
    CommandError
        If the course or assignment is missing, a submission is not graded yet or changed
        since ``autograder grade`` graded it, (Moodle) no student has a participant id, or
        ``out`` cannot be written.
    """
    if grade_format not in FORMATS:
        raise CommandError(f"unknown format {grade_format!r}: choose one of "
                           f"{', '.join(FORMATS)}")
    coursedir = open_course(root)
    db_url = str(coursedir.db_url)
    require_assignment(coursedir, assignment)
    rows = read_grades(db_url, assignment)
    table = score_table(rows, read_penalties(db_url, assignment))
    submitted = {Path(path).parent.name: Path(path) for path in glob.glob(
        coursedir.format_path(coursedir.submitted_directory, "*", assignment))}
    ungraded = sorted(set(submitted) - {scores.student for scores in table.students})
    if ungraded:
        raise CommandError(f"{len(ungraded)} student(s) submitted {assignment} but have no "
                           f"grades in the gradebook: {', '.join(ungraded)}. Grade them first: "
                           f"python -m autograder grade {assignment}")
    problems: list[str] = []
    records = load_state(Path(coursedir.root), assignment, on_problem=problems.append)
    changed = sorted(student for student, directory in submitted.items()
                     if student in records and records[student].fingerprint
                     != fingerprint(directory))
    if changed:
        raise CommandError(f"the submissions of {', '.join(changed)} changed after they were "
                           f"graded: grade them again first: python -m autograder grade "
                           f"{assignment}")
    roster = read_roster(db_url)
    builders = {
        "csv": lambda: plain_table(table, roster),
        "canvas": lambda: canvas_table(table, roster, column or assignment),
        "moodle": lambda: moodle_worksheet(table, roster, now or datetime.now(UTC)),
    }
    grade_file = builders[grade_format]()
    path = out if out is not None else (
        Path(coursedir.root) / EXPORTS_DIRECTORY / f"{assignment}-{grade_format}.csv")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(to_csv(grade_file.rows), encoding="utf-8")
    except OSError as error:
        raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
    return Export(path, grade_file.students,
                  problems + grading_warnings(assignment, rows, records) + grade_file.warnings)


def read_roster(db_url: str) -> list[RosterEntry]:
    """Every student in the gradebook, sorted by id."""
    with Gradebook(db_url) as gradebook:
        return sorted(RosterEntry(student.id, student.first_name or "", student.last_name or "")
                      for student in gradebook.students)


def plain_table(table: ScoreTable, roster: Sequence[RosterEntry]) -> GradeFile:
    """``student_id``, each notebook's score, ``late_penalty``, ``total``, ``max_score``."""
    rows = [["student_id", *table.notebooks, "late_penalty", "total", "max_score"]]
    for entry, scores in _rows(table, roster):
        cells = ([*(points(scores.by_notebook[name]) for name in table.notebooks),
                  points(scores.penalty), points(scores.total)] if scores
                 else [""] * (len(table.notebooks) + 2))
        rows.append([entry.student, *cells, points(table.max_total)])
    return GradeFile(rows, len(roster), [])


def canvas_table(table: ScoreTable, roster: Sequence[RosterEntry], column: str) -> GradeFile:
    """Canvas's gradebook CSV with one assignment column: a Canvas user id (digits, as
    :mod:`.patterns` collects it) goes to ``ID``, any other student id to ``SIS Login ID``."""
    rows = [[*CANVAS_STUDENT_COLUMNS, column],
            ["Points Possible", "", "", "", "", points(table.max_total)]]
    for entry, scores in _rows(table, roster):
        name = (f"{entry.last_name}, {entry.first_name}" if entry.last_name and entry.first_name
                else entry.student)
        canvas_id = entry.student if entry.student.isdigit() else ""
        login = "" if canvas_id else entry.student
        rows.append([name, canvas_id, "", login, "", points(scores.total) if scores else ""])
    warnings = [] if CANVAS_COLUMN_ID.search(column) else [
        f"the column {column!r} has no Canvas assignment id: Canvas's import will create a new "
        "assignment of that name instead of filling yours. Pass --column as Canvas's own "
        "gradebook export names it, e.g. 'Jacobians (123456)'"]
    return GradeFile(rows, len(roster), warnings)


def moodle_worksheet(table: ScoreTable, roster: Sequence[RosterEntry],
                     now: datetime) -> GradeFile:
    """Moodle's grading worksheet; only students whose id is a participant id (digits, as a
    Moodle download gives them) can be in it."""
    modified = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    rows = [list(MOODLE_COLUMNS)]
    others = []
    for entry, scores in _rows(table, roster):
        if not entry.student.isdigit():
            others.append(entry.student)
            continue
        full_name = " ".join(part for part in (entry.first_name, entry.last_name) if part)
        rows.append([f"{MOODLE_PARTICIPANT}{entry.student}", full_name,
                     points(scores.total) if scores else "", points(table.max_total),
                     modified])
    if len(rows) == 1:
        raise CommandError("no student has a Moodle participant id (digits, as `python -m "
                           "autograder collect --from moodle` collects them): for Moodle's "
                           "gradebook import use --format csv and map student_id to the user "
                           "field your student ids are")
    warnings = ([f"left out of the Moodle worksheet, their ids are not participant ids: "
                 f"{', '.join(others)}"] if others else [])
    return GradeFile(rows, len(rows) - 1, warnings)


def grading_warnings(assignment: str, rows: Iterable[GradeRow],
                     records: Mapping[str, StudentRecord]) -> list[str]:
    """What may make an exported total lower than it will be: cells waiting for a manual
    grade, and students whose last ``autograder grade`` did not grade every notebook."""
    manual = sorted({row.student for row in rows if row.needs_manual_grade})
    incomplete = sorted(student for student, record in records.items()
                        if record.outcome.status != "graded")
    warnings = []
    if manual:
        warnings.append(f"cells waiting for a manual grade count 0 for: {', '.join(manual)} "
                        "(grade them in the formgrader, then export again)")
    if incomplete:
        warnings.append(f"not every notebook was graded for: {', '.join(incomplete)} (see "
                        f"python -m autograder report {assignment})")
    return warnings


def _rows(table: ScoreTable, roster: Sequence[RosterEntry]
          ) -> list[tuple[RosterEntry, StudentScores | None]]:
    """Each roster student with their scores, ``None`` without a submission."""
    by_student = {scores.student: scores for scores in table.students}
    return [(entry, by_student.get(entry.student)) for entry in roster]


def points(value: float) -> str:
    """A score as an LMS reads it: up to 4 decimals, no exponent (``20``, ``16.5``)."""
    return f"{value:.4f}".rstrip("0").rstrip(".")


def to_csv(rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def format_export(written: Export) -> str:
    """The path written, then a ``warning:`` line per warning."""
    return "\n".join([f"Wrote the grades of {written.students} student(s) to {written.path}",
                      *(f"warning: {warning}" for warning in written.warnings)])
