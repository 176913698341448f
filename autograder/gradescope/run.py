"""``run_autograder``'s body: grade one Gradescope submission with the kit's own grader.

``python -I -m autograder.gradescope [ROOT]``, as root; ``ROOT`` is ``/autograder``, or a
folder laid out like it (``source`` holding the zip's files, ``submission``, ``results``,
``submission_metadata.json``). It

1. makes what a kernel must not reach root's alone (:func:`.protection.lock_down`), and
   everything it creates private (umask 077);
2. builds a private copy of the course from the zip's kit (``source/course``: the course's
   ``nbgrader_config.py``, the assignment's source notebooks, the course secret, and the
   gradebook and release that ``export`` made of them), pointed at its own gradebook
   (:func:`autograder.cluster.kit.local_gradebook`);
3. chooses the kernels' protection (:func:`.protection.choose`) and refuses to grade
   without any, unless the course's configuration allows it;
4. copies the uploaded notebooks that match the assignment's (:mod:`.submission`) into
   ``submitted/<student>/<assignment>/``, with the submission time as ``timestamp.txt`` and
   Gradescope's due date in the copy's gradebook: nbgrader then charges the course's late
   penalty, once per assignment (:mod:`autograder.late_penalty`);
5. grades them with the grader of ``python -m autograder grade``
   (:class:`autograder.grading.worker.Grader`: nbgrader's ``Autograde`` with the course's
   configuration, the verdicts made outside the kernel, the hidden runs drawn from the
   secret for this student);
6. writes ``results/results.json`` (:mod:`.results`) and, on stdout (which Gradescope shows
   instructors only), what the instructor should know.

Whatever fails, a ``results.json`` is written: one that says the submission was not graded
and why (exit status 1).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from nbgrader.api import Gradebook
from nbgrader.coursedir import CourseDirectory

from ..cluster.kit import local_course, local_gradebook, read_files, write_files
from ..grading.outcome import Outcome
from ..grading.scan import read_release, scan
from ..grading.settings import RunSettings
from ..grading.worker import Grader, log_nbgrader_to
from ..kernels.fork import shutdown_zygotes
from ..scores import read_grades
from ..terminal import printable
from ..verify.records import INTEGRITY, NO_SANDBOX, STOPPED
from .protection import (
    NONE,
    SANDBOX,
    UNPRIVILEGED,
    GradescopeRun,
    Protection,
    choose,
    end_processes,
    lock_down,
    remove_files,
)
from .results import read_cells, refusal_json, results_json
from .submission import Matching, Submitter, list_upload, match, nbgrader_time, read_submitter

DEFAULT_ROOT = "/autograder"
KIT_FOLDER = "course"
"""The folder of the zip (so of ``ROOT/source``) that holds the course's kit."""
LOG_LINES = 60
"""How much of nbgrader's log the instructor's output ends with."""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0] if args else DEFAULT_ROOT).resolve()
    os.umask(0o077)
    warnings.simplefilter("ignore")  # nbgrader's and SQLAlchemy's: not the instructor's business
    started = time.monotonic()
    lock_down(root)
    scratch = Path(tempfile.mkdtemp(prefix="autograder-gradescope-"))
    try:
        return grade_submission(root, scratch, started)
    except Exception:  # any failure: the student is told, the instructor sees the traceback
        traceback.print_exc(file=sys.stdout)
        write_results(root, refusal_json(
            "Not graded: the autograder failed on this submission. This is not a verdict on "
            "your work: your instructor can see why, and will grade it again.",
            {"graded": False}))
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def grade_submission(root: Path, scratch: Path, started: float) -> int:
    """Steps 2-6 of the module docstring, in the private folder ``scratch``."""
    write_files(read_files(root / "source" / KIT_FOLDER), scratch)
    (assignment,) = [path.name for path in (scratch / "source").iterdir() if path.is_dir()]
    log_nbgrader_to(scratch / "grading.log")
    coursedir = local_course(scratch)
    settings = GradescopeRun(config=coursedir.config)
    protection = choose(settings, private=[
        root / "source", root / "source" / KIT_FOLDER / "course_secret.key",
        root / "submission", root / "submission_metadata.json", root / "results", scratch,
        scratch / "course_secret.key", scratch / "gradebook.db"],
        unwritable=[root, root / "results", root / "source", scratch])
    if protection.kind == NONE and not settings.allow_unprotected:
        return _refuse(root, protection)
    submitter = read_submitter(root / "submission_metadata.json")
    notebooks = sorted(path.stem for path in (scratch / "source" / assignment).glob("*.ipynb"))
    matching = match(*list_upload(root / "submission"), notebooks=notebooks)
    submission = Path(coursedir.format_path(coursedir.submitted_directory, submitter.student,
                                            assignment))
    _copy_upload(root / "submission", matching, submission)
    _set_times(submitter, submission, coursedir.db_url, assignment)
    try:
        outcome = _grade(scratch, protection, assignment,
                         submitter.student) if matching.graded else None
    finally:
        if protection.kind == UNPRIVILEGED:
            assert protection.uid is not None
            end_processes(protection.uid)
            remove_files(protection.uid)
    report = _report(scratch, coursedir, assignment, submitter, matching, protection, outcome,
                     submission, time.monotonic() - started)
    write_results(root, report)
    return 0


def _refuse(root: Path, protection: Protection) -> int:
    """Grade nothing: say why, to the student and to the instructor."""
    print(f"{protection.describe()}\nRefused to grade. To grade anyway, with student code "
          "running as root (unsafe): c.GradescopeRun.allow_unprotected = True in the course's "
          "nbgrader_config.py.")
    write_results(root, refusal_json(
        f"Not graded: this autograder could not protect itself from the code it runs "
        f"({protection.describe()}) This is not a verdict on your work: your instructor can "
        "see why, and will grade it again.", {"graded": False, "protection": protection.kind}))
    return 1


def _copy_upload(upload: Path, matching: Matching, submission: Path) -> None:
    """Copy the matched notebooks into the course copy's submission folder, by the
    assignment's names; never through a link."""
    submission.mkdir(parents=True)
    for name, relative in matching.graded.items():
        descriptor = os.open(upload / relative, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as source:
            (submission / f"{name}.ipynb").write_bytes(source.read())


def _set_times(submitter: Submitter, submission: Path, db_url: str, assignment: str) -> None:
    """The submission time in ``timestamp.txt`` and the due date in the gradebook, from
    which nbgrader computes how late the submission is."""
    if submitter.submitted_at is not None:
        (submission / "timestamp.txt").write_text(nbgrader_time(submitter.submitted_at))
    if submitter.due is not None:
        with Gradebook(db_url) as gradebook:
            gradebook.update_or_create_assignment(assignment, duedate=submitter.due)


def _grade(scratch: Path, protection: Protection, assignment: str, student: str) -> Outcome:
    """Grade ``student`` with the grader of ``python -m autograder grade``, on the copy's own
    gradebook and with the kernels' protection; its Outcome."""
    sandboxed = protection.kind == SANDBOX
    config = local_gradebook(scratch)
    config.VerifiedExecute.sandbox = config.VerifiedExecute.fork_kernels = sandboxed
    if protection.kind == UNPRIVILEGED:
        config.SandboxKernelManager.unprivileged_uid = protection.uid
    settings = RunSettings(root=str(scratch), assignment=assignment, feedback=False,
                           log=str(scratch / "grading.log"), config=config)
    try:
        return Grader(settings).grade(student)
    finally:
        if sandboxed:
            shutdown_zygotes()


def _report(scratch: Path, coursedir: CourseDirectory, assignment: str, submitter: Submitter,
            matching: Matching, protection: Protection, outcome: Outcome | None,
            submission: Path,
            seconds: float) -> dict[str, Any]:
    """``results.json``'s object; the instructor's account of the run goes to stdout."""
    findings = [finding for finding in scan(submission, read_release(
        scratch / coursedir.release_directory / assignment))
        if finding.kind not in ("missing_notebook", "unknown_notebook", "linked_file")]
    failures = outcome.failures if outcome else []
    flags = [flag for flag in (outcome.flags if outcome else []) if flag.kind != NO_SANDBOX]
    not_graded = {name: f"{name}.ipynb was not submitted: this test scores 0."
                  for name in set(_notebooks(scratch, coursedir, assignment))
                  - set(matching.graded)}
    not_graded |= {failure.notebook: f"This notebook could not be graded: {failure.reason}."
                   for failure in failures}
    rows = [row for row in read_grades(coursedir.db_url, assignment)
            if row.student == submitter.student]
    cells = read_cells(scratch / coursedir.source_directory / assignment,
                       Path(coursedir.format_path(coursedir.autograded_directory,
                                                  submitter.student, assignment)),
                       rows, not_graded)
    score = outcome.score if outcome and outcome.score is not None else 0.0
    penalty = outcome.late_penalty if outcome else 0.0
    student_lines = [
        protection.describe(),
        (f"Graded: {', '.join(sorted(matching.graded))}." if matching.graded else
         "No notebook of this assignment was found in your upload: nothing was graded."),
        *matching.notes,
        *(f"{finding.notebook}: {finding.detail}." for finding in findings),
        *(f"{flag.notebook}: {flag.detail}." for flag in flags if flag.kind == STOPPED),
        *(f"{failure.notebook}: not graded: {failure.reason}." for failure in failures),
        *_lateness(submitter, penalty),
        "Until the due date, each test shows its result on your notebook's own sizes; the "
        "hidden tests with other sizes and inputs, the points and your score are shown "
        "after it."]
    instructor_lines = [
        f"Student {submitter.student}" + (f" ({submitter.problem})" if submitter.problem
                                          else "") + f", assignment {assignment}.",
        *student_lines[:-1],
        *(f"{flag.notebook}: integrity: {flag.detail}" for flag in flags
          if flag.kind == INTEGRITY),
        *(f"  {cell.notebook} {cell.cell}: {cell.score:g}/{cell.max_score:g} "
          f"{cell.verdict.splitlines()[0] if cell.verdict else ''}" for cell in cells),
        f"Score {score:g}/{sum(cell.max_score for cell in cells):g} (late penalty "
        f"{penalty:g}) in {seconds:.1f} s.",
        "nbgrader's log:", *_tail(scratch / "grading.log", LOG_LINES)]
    print("\n".join(map(printable, instructor_lines)))
    return results_json(cells, score=score, output="\n".join(student_lines), seconds=seconds,
                        extra={"graded": True, "protection": protection.kind,
                               "kernel_uid": protection.uid, "student": submitter.student,
                               "late_penalty": penalty})


def _notebooks(scratch: Path, coursedir: CourseDirectory, assignment: str) -> list[str]:
    return [path.stem for path in (scratch / coursedir.source_directory / assignment).glob(
        "*.ipynb")]


def _lateness(submitter: Submitter, penalty: float) -> list[str]:
    """A line saying how late the submission was, and what it cost, if it was late."""
    if submitter.submitted_at is None or submitter.due is None:
        return []
    late = (submitter.submitted_at - submitter.due).total_seconds()
    if late <= 0:
        return []
    cost = (f"late penalty {penalty:g} point(s), charged once for the assignment" if penalty
            else "this course charges no late penalty for it")
    return [f"Submitted {_duration(late)} after the due date: {cost}."]


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    days, hours = minutes // 1440, minutes % 1440 // 60
    parts = [f"{days} day(s)"] * bool(days) + [f"{hours} hour(s)"] * bool(hours)
    return " ".join(parts + [f"{minutes % 60} minute(s)"] * (not days))


def _tail(path: Path, lines: int) -> Iterable[str]:
    try:
        return path.read_text(errors="replace").splitlines()[-lines:]
    except OSError:
        return []


def write_results(root: Path, results: dict[str, Any]) -> None:
    """Write ``ROOT/results/results.json`` whole or not at all."""
    folder = root / "results"
    folder.mkdir(exist_ok=True)
    temporary = folder / ".results.json.partial"
    temporary.write_text(json.dumps(results, indent=1), encoding="utf-8")
    os.replace(temporary, folder / "results.json")
