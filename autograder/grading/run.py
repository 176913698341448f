"""``python -m autograder grade``: autograde a class in parallel worker processes.

The parent process plans the run (which submissions are new or changed), scans them for
problems, hands students to ``jobs`` worker processes (:mod:`.worker`), shows progress, and
records the outcome of every student. A worker that dies or takes longer than
``student_timeout`` on one student is killed and replaced; that student is reported as
failed and the run goes on.

Concurrency and the gradebook: all workers write to the course's one gradebook, through
nbgrader. Each nbgrader step opens the gradebook, writes one student's rows and commits at
once, and no two workers ever grade the same student, so writers only contend for sqlite's
lock for milliseconds (sqlite waits up to 5 s for it; a student whose grading still hits a
lock is retried). ``tests/test_grading.py`` grades many students at once and checks every
row against a serial ``nbgrader autograde``.
"""

from __future__ import annotations

import fnmatch
import multiprocessing
import os
import queue
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from ..course_config import CommandError, open_course, require_assignment
from ..course_secret import course_secret
from ..sandbox.cgroups import limit_notes
from ..sandbox.preflight import FALLBACK, SandboxUnavailable
from ..sandbox.preflight import check as check_sandbox
from .inputs import grading_inputs, what_changed
from .outcome import NotebookFailure, Outcome, process_died, took_too_long
from .progress import Progress
from .scan import Finding, read_release, scan
from .state import (
    StudentRecord,
    fingerprint,
    load_state,
    needs_grading,
    save_state,
    state_path,
)
from .worker import WorkerSettings, serve

NO_SANDBOX_WARNING = ("WARNING: grading WITHOUT the sandbox (--no-sandbox): student code runs "
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
    jobs : int
    sandbox : bool
        Whether the kernels ran in the sandbox.
    scheduler : str or None
        The Dask scheduler the run graded on (``"local"``: a cluster on this machine).
    regrading : str or None
        Why students graded before were graded again (the course's grading inputs changed).
    """

    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    findings: dict[str, list[Finding]] = field(default_factory=dict)
    seconds: float = 0.0
    jobs: int = 0
    sandbox: bool = True
    scheduler: str | None = None
    regrading: str | None = None

    @property
    def ok(self) -> bool:
        return all(outcome.status == "graded" for outcome in self.outcomes)


def grade_assignment(root: Path, assignment: str, *, jobs: int | None = None,
                     students: Sequence[str] = (), force: bool = False,
                     feedback: bool = False, fork_kernels: bool = True, sandbox: bool = True,
                     student_timeout: float = 900.0, scheduler: str | None = None,
                     stream: TextIO = sys.stderr) -> GradeRun:
    """Autograde the submissions of ``assignment`` in the course directory ``root``.

    Parameters
    ----------
    jobs : int, optional
        Worker processes; default: the number of CPU cores (with ``scheduler="local"``, the
        local cluster's workers; ignored with another scheduler).
    students : sequence of str
        Glob patterns of student ids; default: every student with a submission.
    force : bool
        Grade every selected submission, even if unchanged since it was last graded.
    feedback : bool
        Also generate feedback for the graded students.
    fork_kernels : bool
        Fork each notebook's kernel from a warm process (fast); otherwise start each
        kernel from scratch, as nbgrader does.
    sandbox : bool
        Run every kernel in a jail (:mod:`autograder.sandbox`). If this machine cannot, the
        run stops with a :class:`CommandError` that says what is missing. Without it, student
        code runs with the grader's rights, and the run says so loudly.
    student_timeout : float
        Seconds after which a worker stuck on one student is killed.
    scheduler : str, optional
        Grade on the Dask distributed cluster whose scheduler is at this address
        (``tcp://host:8786``), or on a ``LocalCluster`` of ``jobs`` workers if ``"local"``
        (:mod:`autograder.cluster`). Each worker checks that it can run the sandbox.
    """
    started = time.monotonic()
    root = root.resolve()
    coursedir = open_course(root)
    require_assignment(coursedir, assignment)
    if not sandbox:
        stream.write(NO_SANDBOX_WARNING + "\n")
    elif scheduler is None:  # on a cluster, each worker checks its own machine
        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            raise CommandError(f"{exc.reason} {FALLBACK.format(switch='pass --no-sandbox')}"
                               f"\n{exc.details}") from None
        for note in limit_notes():  # what the host cannot limit per kernel
            stream.write(note + "\n")
    course_secret(root)  # created once, before the workers start
    submitted = root / coursedir.submitted_directory
    autograded = root / coursedir.autograded_directory
    everyone = _students_with_submissions(submitted, assignment)
    selected = [s for s in everyone if not students or any(
        fnmatch.fnmatchcase(s, pattern) for pattern in students)]
    if not selected:
        raise CommandError(f"no submissions of {assignment!r} match "
                           f"{list(students) or '*'} in {submitted}")
    records = load_state(root, assignment)
    inputs = grading_inputs(root, assignment, coursedir.db_url)
    prints = {s: fingerprint(submitted / s / assignment) for s in selected}
    to_grade = [s for s in selected if force or needs_grading(
        records.get(s), prints[s], autograded / s / assignment, inputs)]
    release = read_release(root / coursedir.release_directory / assignment)
    run = GradeRun(skipped=[s for s in selected if s not in to_grade],
                   findings={s: scan(submitted / s / assignment, release) for s in to_grade},
                   jobs=min(jobs or os.cpu_count() or 1, max(len(to_grade), 1)),
                   sandbox=sandbox, scheduler=scheduler,
                   regrading=_regrading(records, selected, inputs))
    if run.regrading:
        stream.write(run.regrading + "\n")
    settings = WorkerSettings(root=str(root), assignment=assignment, feedback=feedback,
                              fork_kernels=fork_kernels, sandbox=sandbox,
                              log=str(state_path(root, assignment).with_suffix(".log")))
    if scheduler is None:
        outcomes = _run_workers(settings, to_grade, run.jobs, student_timeout, stream)
    else:
        from ..cluster.dispatch import grade_on_cluster  # Dask: only when a cluster is asked for

        outcomes = grade_on_cluster(scheduler, settings, submitted, to_grade, run.jobs,
                                    student_timeout, stream)
    for outcome in outcomes:
        run.outcomes.append(outcome)
        records[outcome.student] = StudentRecord(prints[outcome.student], outcome,
                                                 run.findings[outcome.student], inputs)
        save_state(root, assignment, records)
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


def _run_workers(settings: WorkerSettings, students: list[str], jobs: int,
                 student_timeout: float, stream: TextIO):
    """Yield each student's :class:`Outcome` as workers finish them.

    Workers are forked from this process, which has imported nbgrader already (a fresh
    interpreter would spend seconds importing it again). This process runs no threads when it
    forks: it only ever puts on ``tasks``, a ``SimpleQueue`` that writes synchronously, and
    only reads ``results``, whose feeder threads live in the workers.
    """
    if not students:
        return
    context = multiprocessing.get_context("fork")
    tasks, results = context.SimpleQueue(), context.Queue()

    def start_worker():
        process = context.Process(target=serve, args=(settings, tasks, results), daemon=True)
        process.start()
        return process

    workers = {process.pid: process for process in (start_worker() for _ in range(jobs))}
    for name in students:
        tasks.put(name)
    for _ in range(jobs):
        tasks.put(None)
    current: dict[int, tuple[str, float]] = {}
    pending = set(students)
    progress = Progress(len(students), stream)
    crashes = 0

    def received(timeout: float) -> Iterator[Outcome]:
        """Handle every message waiting (waiting up to ``timeout`` for the first)."""
        while True:
            try:
                kind, pid, payload = results.get(timeout=timeout) if timeout else (
                    results.get_nowait())
            except queue.Empty:
                return
            timeout = 0
            if kind == "start":
                current[pid] = (payload, time.monotonic())
            else:
                current.pop(pid, None)
                outcome = Outcome.from_json(payload)
                pending.discard(outcome.student)
                progress.finished(outcome)
                yield outcome

    try:
        while pending:
            yield from received(0.5)
            exited = {pid for pid, process in workers.items() if not process.is_alive()}
            if exited:
                yield from received(0)  # what they sent just before they exited
            for pid, process in list(workers.items()):
                student, since = current.get(pid) or (None, 0.0)
                stuck = student is not None and time.monotonic() - since > student_timeout
                if pid not in exited and not stuck:
                    continue
                if pid not in exited:
                    process.kill()
                process.join()
                del workers[pid]
                if student is None and process.exitcode == 0:
                    continue  # finished its share of the work
                crashes += 1
                if student is not None:
                    current.pop(pid)
                    reason = (took_too_long(student_timeout) if stuck else
                              process_died(process.exitcode))
                    outcome = Outcome(student=student, status="failed",
                                      failures=[NotebookFailure("*", reason)],
                                      seconds=time.monotonic() - since)
                    pending.discard(student)
                    progress.finished(outcome)
                    yield outcome
                if crashes > len(students) + jobs:
                    raise CommandError("grading processes keep dying; see the worker log")
                replacement = start_worker()
                workers[replacement.pid] = replacement
            if not workers:  # every worker took its stop signal, yet students are left
                for student in sorted(pending):
                    outcome = Outcome(student=student, status="failed", failures=[
                        NotebookFailure("*", "not graded: its grading process was lost")])
                    progress.finished(outcome)
                    yield outcome
                pending.clear()
    finally:
        progress.close()
        for process in workers.values():
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
