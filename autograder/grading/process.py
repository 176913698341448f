"""A grading process: a long-lived process that grades the students it is handed, one at a time.

A :class:`~.supervisor.GradingSupervisor` starts it in one of two ways, and talks to it in one:

- :func:`fork`: forked from the supervisor's process, which has imported nbgrader already (a
  fresh interpreter spends seconds importing it again): the local pool's way;
- :func:`spawn`: a fresh interpreter, ``python -m autograder.grading.process TASKS RESULTS``,
  for a supervisor whose process runs threads and must not fork (a Dask worker's).

Either way it runs in a session of its own, so that killing its process group stops what it
started; reads from the file descriptor TASKS one JSON value per line -- first the run's
:class:`~.settings.RunSettings` (a spawned process only), then student ids -- until TASKS
closes; and writes each student's :class:`~.outcome.Outcome` as one JSON line to RESULTS.
"""

from __future__ import annotations

import functools
import json
import multiprocessing
import os
import select
import signal
import subprocess
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from .settings import RunSettings
from .warm_nbgrader import warm_nbgrader
from .worker import Grader, log_nbgrader_to


def serve(settings: RunSettings | None, tasks: BinaryIO, results: BinaryIO) -> None:
    """The body of a grading process (see the module docstring); ``settings`` ``None``: read
    them first from ``tasks``."""
    if settings is None:
        settings = RunSettings.from_json(json.loads(tasks.readline()))
    _log_to(Path(settings.log))
    # A process forked from one with strict warning filters (a test run) would turn
    # nbgrader's harmless warnings into errors: warnings are logged, never raised.
    warnings.resetwarnings()
    grader = Grader(settings)
    try:
        with warm_nbgrader():
            for line in tasks:
                student = json.loads(line)
                results.write(json.dumps(grader.grade(student).to_json()).encode() + b"\n")
                results.flush()
    finally:
        from ..kernels.fork import shutdown_zygotes

        shutdown_zygotes()


def _log_to(path: Path) -> None:
    """Send this process's stderr (inherited by its kernels) and nbgrader's log to ``path``,
    so that the supervisor's terminal shows only the progress."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(descriptor, 2)
    os.close(descriptor)
    log_nbgrader_to(path)


class GradingProcess:
    """The supervisor's end of a grading process.

    Attributes
    ----------
    pid : int
    tasks : int
        Where to write (:meth:`hand`).
    results : int
        Where its outcomes arrive, non-blocking.
    ended : int
        A descriptor that becomes readable when the process has ended (a pidfd).
    student : str or None
        The student it is grading, if any; ``since``: when it was handed them.
    """

    def __init__(self, pid: int, tasks: int, results: int, reap: Callable[[], int | None]):
        self.pid, self.tasks, self.results = pid, tasks, results
        self.ended = os.pidfd_open(pid)
        self.reap = reap
        self.code: int | None = None
        self.student: str | None = None
        self.since = 0.0
        self.received = b""
        os.set_blocking(results, False)

    def descriptors(self) -> list[int]:
        return [self.tasks, self.results, self.ended]

    def hand(self, student: str, now: float) -> None:
        """Give it ``student`` to grade (it is idle)."""
        os.write(self.tasks, json.dumps(student).encode() + b"\n")
        self.student, self.since = student, now

    def read(self) -> list[bytes] | None:
        """The complete lines it has written since; ``None`` once it closed RESULTS."""
        chunks: list[bytes] = []
        while True:
            try:
                chunk = os.read(self.results, 1 << 16)
            except BlockingIOError:
                break
            if not chunk:
                if not chunks:
                    return None
                break
            chunks.append(chunk)
        self.received += b"".join(chunks)
        *lines, self.received = self.received.split(b"\n")
        return lines

    def finish(self) -> None:
        """Close TASKS: an idle grading process shuts its kernels down and exits."""
        if self.tasks >= 0:
            os.close(self.tasks)
            self.tasks = -1

    def kill(self) -> None:
        """Kill it and everything in its process group (unless it was reaped: its id may be
        another process's by now)."""
        if self.code is not None:
            return
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # not (yet) the leader of a group of its own
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout: float = 5.0) -> int | None:
        """Its exit code (negative: the signal that ended it), once it ended and was reaped,
        waiting up to ``timeout`` seconds; ``None`` if it is still running."""
        if self.code is None:
            select.select([self.ended], [], [], timeout)
            self.code = self.reap()
        return self.code

    def close(self) -> None:
        """Release the descriptors (after it ended)."""
        self.finish()
        for descriptor in (self.results, self.ended):
            os.close(descriptor)


def fork(settings: RunSettings, inherited: Iterable[int]) -> GradingProcess:
    """A grading process forked from this one; it closes the descriptors ``inherited`` (the
    other grading processes')."""
    return forked(functools.partial(serve, settings), inherited)


def forked(body: Callable[[BinaryIO, BinaryIO], None], inherited: Iterable[int]
           ) -> GradingProcess:
    """A process forked from this one that runs ``body(tasks, results)`` in a session of its
    own, having closed the descriptors ``inherited``."""
    tasks_read, tasks_write = os.pipe()
    results_read, results_write = os.pipe()
    context = multiprocessing.get_context("fork")
    process = context.Process(target=_forked, daemon=True, args=(
        body, tasks_read, results_write, [tasks_write, results_read, *inherited]))
    process.start()
    os.close(tasks_read)
    os.close(results_write)
    assert process.pid is not None

    def reap() -> int | None:
        process.join(timeout=0)
        return process.exitcode

    return GradingProcess(process.pid, tasks_write, results_read, reap)


def _forked(body: Callable[[BinaryIO, BinaryIO], None], tasks: int, results: int,
            inherited: list[int]) -> None:
    os.setsid()
    for descriptor in inherited:
        os.close(descriptor)
    with os.fdopen(tasks, "rb") as task_file, os.fdopen(results, "wb") as result_file:
        body(task_file, result_file)


def spawn(settings: RunSettings, inherited: Iterable[int] = ()) -> GradingProcess:
    """A grading process in a fresh interpreter (``inherited``: not passed on, whatever it
    holds)."""
    tasks_read, tasks_write = os.pipe()
    results_read, results_write = os.pipe()
    process = subprocess.Popen(
        [sys.executable, "-m", "autograder.grading.process", str(tasks_read),
         str(results_write)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        pass_fds=(tasks_read, results_write), start_new_session=True)
    os.close(tasks_read)
    os.close(results_write)
    os.write(tasks_write, json.dumps(settings.to_json()).encode() + b"\n")
    return GradingProcess(process.pid, tasks_write, results_read, process.poll)


def main(argv: list[str]) -> None:
    with os.fdopen(int(argv[1]), "rb") as tasks, os.fdopen(int(argv[2]), "wb") as results:
        serve(None, tasks, results)


if __name__ == "__main__":
    main(sys.argv)
