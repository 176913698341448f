"""``python -m autograder new-course DIR``: a course directory ready for its first release.

It holds this kit's ``nbgrader_config.py`` followed by the course's own settings (its id, its
exchange, the late-penalty policy), ``source/`` and ``solutions/`` of the chosen assignments, a
gradebook in which they are generated (``release/``) with their due dates, an exchange folder,
and a fresh course secret. What it writes is what an instructor would otherwise write by hand,
in the files nbgrader reads; ``python -m autograder doctor`` checks the result.
"""

from __future__ import annotations

import os
import shutil
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import parse_utc

import autograder
from cases.registry import ASSIGNMENTS

from .command_error import CommandError
from .course_config import CONFIG_FILE, load_course_config
from .course_secret import course_secret
from .grading.warm_nbgrader import warm_nbgrader
from .late_penalty import SECONDS_PER

KIT = Path(autograder.__file__).resolve().parents[1]
"""The kit's checkout: its ``nbgrader_config.py`` and ``source/`` are copied into new courses."""

COURSE_SETTINGS = "# --- This course: written by `python -m autograder new-course` ---"


@dataclass(frozen=True)
class LatePolicy:
    """``points`` per started ``per`` (``hour`` or ``day``) late, at most ``cap`` points."""

    points: float
    per: str = "day"
    cap: float | None = None


@dataclass(frozen=True)
class NewCourse:
    """What :func:`new_course` made."""

    root: Path
    course_id: str
    assignments: tuple[str, ...]
    exchange: Path
    due: Mapping[str, datetime] = field(default_factory=dict)
    late: LatePolicy | None = None


def kit_assignments(kit: Path = KIT) -> list[str]:
    """The assignments whose source notebooks this kit has, in the course's order."""
    return [name for name in ASSIGNMENTS if (kit / "source" / name).is_dir()]


def parse_due_dates(values: Sequence[str]) -> dict[str, datetime]:
    """``["jacobians=2027-01-15 23:59 UTC"]`` -> ``{"jacobians": datetime (UTC, naive)}``."""
    due = {}
    for value in values:
        name, separator, when = value.partition("=")
        try:
            if not separator or not name or not when.strip():
                raise ValueError("expected ASSIGNMENT=DATE")
            due[name.strip()] = parse_utc(when.strip())
        except (ValueError, OverflowError) as error:
            raise CommandError(f"cannot read the due date {value!r} ({error}): write it as "
                               "ASSIGNMENT='2027-01-15 23:59 UTC'") from None
    return due


def new_course(root: Path, *, assignments: Sequence[str] = (), course_id: str | None = None,
               exchange: Path | None = None, due: Mapping[str, datetime] | None = None,
               late: LatePolicy | None = None, kit: Path = KIT) -> NewCourse:
    """Make a course directory at ``root`` (which must not exist, or be empty).

    Parameters
    ----------
    assignments : sequence of str
        The kit's assignments to put in the course (default: all of them).
    course_id : str, optional
        nbgrader's course id, which the exchange files submissions under (default: the
        directory's name).
    exchange : Path, optional
        nbgrader's exchange root (default: ``root/exchange``, usable by this account only:
        for a server that students log into, give a folder outside the course directory,
        which is made writable by all, like ``/tmp``).
    due : mapping of str to datetime
        Due dates (UTC) of some assignments.
    late : LatePolicy, optional
        The late-penalty policy, charged once per assignment (default: none).
    """
    root = root.absolute()
    available = kit_assignments(kit)
    if not available or not (kit / CONFIG_FILE).is_file():
        raise CommandError(f"{kit} is not a checkout of the course kit (no {CONFIG_FILE} or "
                           "source/): run new-course from the kit's own environment")
    chosen = tuple(assignments) or tuple(available)
    unknown = sorted(set(chosen) - set(available)) + sorted(set(due or {}) - set(chosen))
    if unknown:
        raise CommandError(f"unknown assignment(s) {', '.join(map(repr, unknown))}: the kit "
                           f"has {', '.join(available)}")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise CommandError(f"{root} exists and is not an empty directory: choose a new one")
    if late is not None and (late.points <= 0 or late.per not in SECONDS_PER
                             or (late.cap is not None and late.cap <= 0)):
        raise CommandError(f"a late penalty needs points > 0, per in {', '.join(SECONDS_PER)} "
                           "and a cap > 0")
    course_id = course_id or root.name
    exchange = (exchange or root / "exchange").absolute()
    root.mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o700)  # the secret, the gradebook and the solutions live here
    _make_exchange(exchange, shared=not exchange.is_relative_to(root))
    (root / CONFIG_FILE).write_text(
        (kit / CONFIG_FILE).read_text() + "\n\n"
        + course_settings(course_id, exchange, late) + "\n")
    for assignment in chosen:
        for directory in ("source", "solutions"):  # solutions/: for release-solutions
            if (kit / directory / assignment).is_dir():
                shutil.copytree(kit / directory / assignment, root / directory / assignment,
                                ignore=shutil.ignore_patterns(".ipynb_checkpoints",
                                                              "__pycache__"))
    course_secret(root)
    config = load_course_config(root)
    coursedir = CourseDirectory(config=config)
    with warm_nbgrader():  # the new gradebook stamped without running alembic
        for assignment in chosen:
            coursedir.assignment_id = assignment
            GenerateAssignment(coursedir=coursedir, config=config).start()
        with Gradebook(str(coursedir.db_url)) as gradebook:
            for assignment, when in (due or {}).items():
                gradebook.update_or_create_assignment(assignment, duedate=when)
    return NewCourse(root, course_id, chosen, exchange, dict(due or {}), late)


def course_settings(course_id: str, exchange: Path, late: LatePolicy | None) -> str:
    """The lines of ``nbgrader_config.py`` that make it this course's."""
    lines = [COURSE_SETTINGS,
             "# nbgrader's course id: the exchange files this course's submissions under it.",
             f"c.CourseDirectory.course_id = {course_id!r}",
             "# Where release_assignment puts the notebooks and students submit them (students",
             "# run `nbgrader fetch_assignment` and `submit` with the same Exchange.root).",
             f"c.Exchange.root = {str(exchange)!r}"]
    if late is not None:
        lines += ["# Late penalty, charged once per assignment (autograder/late_penalty.py).",
                  f"c.LatePenaltyPolicy.points = {late.points!r}",
                  f"c.LatePenaltyPolicy.per = {late.per!r}",
                  f"c.LatePenaltyPolicy.cap = {late.cap!r}"]
    return "\n".join(lines)


def _make_exchange(exchange: Path, *, shared: bool) -> None:
    """The exchange folder: this account's only inside the course; outside it, writable by
    every user with the sticky bit (no one removes another's files), as nbgrader asks."""
    exchange.mkdir(parents=True, exist_ok=True)
    if shared:
        os.chmod(exchange, 0o777 | stat.S_ISVTX)


def format_new_course(made: NewCourse) -> str:
    """What was made, and the next steps."""
    due = {name: f"due {when:%Y-%m-%d %H:%M} UTC" for name, when in made.due.items()}
    lines = [f"Made the course {made.course_id!r} in {made.root}:"]
    lines += [f"  {name}: generated in release/{name}/, {due.get(name, 'no due date')}"
              for name in made.assignments]
    lines.append(f"  exchange: {made.exchange}")
    if made.exchange.is_relative_to(made.root):
        lines.append("    (inside the course directory, which only your account can open: for "
                     "students logging into this machine, use --exchange with a folder outside)")
    if made.late is not None:
        cap = f", at most {made.late.cap:g}" if made.late.cap is not None else ""
        lines.append(f"  late penalty: {made.late.points:g} point(s) per started "
                     f"{made.late.per}{cap}, once per assignment")
    lines.append("  course secret: course_secret.key (keep it, and back it up)")
    first = made.assignments[0]
    lines += ["Next:", f"  cd {made.root}", "  python -m autograder doctor",
              f"  nbgrader release_assignment {first}",
              "The README's 'For instructors' walks through the semester."]
    return "\n".join(lines)
