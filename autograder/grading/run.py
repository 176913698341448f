"""``python -m autograder grade``: autograde a class, on this machine or on a cluster.

This module plans the run (which submissions are new or changed), scans them for problems,
hands the students to a :class:`~.backend.Backend` (grading processes on this machine, or a
Dask cluster), shows progress, and records the outcome of every student. Wherever they are
graded, a student whose grading takes longer than ``GradingSupervisor.student_timeout`` or
whose grading process dies is reported as failed, and the run goes on
(:mod:`.supervisor`).

Concurrency and the gradebook: all grading processes of a local run write to the course's
one gradebook, through nbgrader. Each nbgrader step opens the gradebook, writes one student's
rows and commits at once, and no two processes ever grade the same student, so writers only
contend for sqlite's lock for milliseconds (sqlite waits up to 5 s for it; a student whose
grading still hits a lock is retried). ``tests/test_grading.py`` grades many students at once
and checks every row against a serial ``nbgrader autograde``.
"""

from __future__ import annotations

import fnmatch
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from traitlets.config import Config

from ..command_error import CommandError
from ..course_config import open_course, require_assignment
from ..course_secret import course_secret
from .backend import Backend, LocalPool, sandboxed
from .inputs import grading_inputs, what_changed
from .outcome import Outcome
from .progress import Progress
from .scan import Finding, read_release, scan
from .settings import RunSettings, check_settings, grading_config
from .state import (
    StudentRecord,
    fingerprint,
    load_state,
    needs_grading,
    save_state,
    state_path,
)

SAVE_EVERY = 5.0
"""Seconds between writes of the grading records during a run (and one at its end, however
it ends): the file holds every student's record, so writing it after each student would cost
time in proportion to the class for every student. A record not yet written when the machine
fails only means that student is graded again next time."""

NO_SANDBOX_WARNING = ("WARNING: grading WITHOUT the sandbox (VerifiedExecute.sandbox = False, "
                      "or --no-sandbox): student code runs "
                      "with your rights and can read the course directory, change the gradebook "
                      "and other students' files, and reach the network.")

@dataclass
class GradeRun:
    """What a run did.

    Attributes
    ----------
    outcomes : list of Outcome
        Students graded in this run, sorted by student.
    skipped : list of str
        Students whose submission was unchanged since it was last graded.
    findings : dict of str to list of Finding
        Problems seen in the submissions graded in this run.
    seconds : float
    where : str
        Where the students were graded, as the summary says it (:meth:`.Backend.where`).
    sandbox : bool
        Whether the kernels ran in the sandbox.
    regrading : str or None
        Why students graded before were graded again (the course's grading inputs changed).
    """

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    seconds: float = 0.0
    where: str = ""
    sandbox: bool = True
    regrading: str | None = None

    @property
    def ok(self) -> bool:
        return all(outcome.status == "graded" for outcome in self.outcomes)


def grade_assignment(root: Path, assignment: str, *, backend: Backend | None = None,
                     students: Sequence[str] = (), force: bool = False,
                     feedback: bool = False, config: Config | None = None,
                     stream: TextIO = sys.stderr) -> GradeRun:
    """Autograde the submissions of ``assignment`` in the course directory ``root``.

    Parameters
    ----------
    backend : Backend, optional
        Where to grade; default: a :class:`~.backend.LocalPool` of one grading process per
        core.
    students : sequence of str
        Glob patterns of student ids; default: every student with a submission.
    force : bool
        Grade every selected submission, even if unchanged since it was last graded.
    feedback : bool
        Also generate feedback for the graded students.
    config : Config, optional
        The run's settings, over the course's ``nbgrader_config.py``
        (:func:`.settings.options_config` makes them from a command line): e.g.
        ``VerifiedExecute.sandbox`` (run every kernel in a jail; if the grading machine
        cannot, the run stops with a :class:`CommandError` that says what is missing; without
        it, student code runs with the grader's rights, and the run says so loudly),
        ``VerifiedExecute.fork_kernels`` (fork each kernel from a warm process: the default
        here), ``GradingSupervisor.student_timeout``.
    """
    started = time.monotonic()
    root = root.resolve()
    backend = backend or LocalPool()
    coursedir = open_course(root)
    require_assignment(coursedir, assignment)
    settings = RunSettings(root=str(root), assignment=assignment, feedback=feedback,
                           log=str(state_path(root, assignment).with_suffix(".log")),
                           config=config or Config())
    check_settings(settings.config)
    sandbox = sandboxed(grading_config(settings, coursedir.config))
    if not sandbox:
        stream.write(NO_SANDBOX_WARNING + "\n")
    for note in backend.check(grading_config(settings, coursedir.config)):
        stream.write(note + "\n")
    course_secret(root)  # created once, before the grading processes start
    submitted = root / coursedir.submitted_directory
    autograded = root / coursedir.autograded_directory
    everyone = _students_with_submissions(submitted, assignment)
    selected = [s for s in everyone if not students or any(
        fnmatch.fnmatchcase(s, pattern) for pattern in students)]
    if not selected:
        raise CommandError(f"no submissions of {assignment!r} match "
                           f"{list(students) or '*'} in {submitted}")
    records = load_state(root, assignment, on_problem=lambda problem: stream.write(
        f"warning: {problem}\n"))
    inputs = grading_inputs(root, assignment, coursedir.db_url)
    prints = {s: fingerprint(submitted / s / assignment) for s in selected}
    to_grade = [s for s in selected if force or needs_grading(
        records.get(s), prints[s], autograded / s / assignment, inputs)]
    release = read_release(root / coursedir.release_directory / assignment)
    run = GradeRun(skipped=[s for s in selected if s not in to_grade],
                   findings={s: scan(submitted / s / assignment, release) for s in to_grade},
                   where=backend.where(len(to_grade)), sandbox=sandbox,
                   regrading=_regrading(records, selected, inputs))
    if run.regrading:
        stream.write(run.regrading + "\n")
    if to_grade:
        progress = Progress(len(to_grade), stream)
        saved = time.monotonic()
        try:
            for outcome in backend.grade(settings, to_grade, progress.note):
                progress.finished(outcome)
                run.outcomes.append(outcome)
                records[outcome.student] = StudentRecord(prints[outcome.student], outcome,
                                                         run.findings[outcome.student], inputs)
                if time.monotonic() - saved >= SAVE_EVERY:
                    save_state(root, assignment, records)
                    saved = time.monotonic()
        finally:
            if run.outcomes:
                save_state(root, assignment, records)
            progress.close()
    run.outcomes.sort(key=lambda outcome: outcome.student)
    run.seconds = time.monotonic() - started
    return run


def _regrading(records: dict[str, StudentRecord], selected: list[str],
               inputs: dict[str, str]) -> str | None:
    """One line saying why students graded before are graded again, if they are."""
    changed = {s: what_changed(records[s].inputs, inputs) for s in selected if s in records}
    changed = {s: names for s, names in changed.items() if names}
    if not changed:
        return None
    names = sorted({name for found in changed.values() for name in found})
    return (f"{', '.join(names)} changed since the last grading: regrading "
            f"{len(changed)} student{'s' if len(changed) != 1 else ''}.")


def _students_with_submissions(submitted: Path, assignment: str) -> list[str]:
    if not submitted.is_dir():
        return []
    return sorted(path.name for path in submitted.iterdir() if (path / assignment).is_dir())
