"""A grading station: the warm grading state a cluster worker keeps between students.

The first time a Dask worker is asked to grade with a kit (:mod:`.kit`), it sets up a private
copy of the course in the Dask worker's folder -- the kit's files, and a local sqlite
gradebook made by nbgrader's own ``generate_assignment`` -- and starts a grading process
there: the same :func:`autograder.grading.worker.serve` as a local run, with its sandboxed,
forked kernels. Each student's files are written into that copy, graded, and the autograded
notebooks sent back; the course's own gradebook is written by the instructor's process alone
(:mod:`.replay`).

The grading process is a fresh interpreter (a Dask worker runs threads and may be a daemon
process, which cannot fork safely or start children of its own): it reads student ids on its
stdin and writes its messages as JSON lines to a pipe of its own.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import platform
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory

from ..course_config import load_course_config
from ..grading.inputs import checks_fingerprint
from ..grading.outcome import NotebookFailure, Outcome, process_died, took_too_long
from ..grading.worker import LOGGER, WorkerSettings, log_nbgrader_to
from .kit import Files, kit_id, read_files, unpack_kit, write_files, write_links


@dataclass(frozen=True)
class StationSettings:
    """How a station grades: the same for every student of a run."""

    assignment: str
    fork_kernels: bool
    sandbox: bool
    student_timeout: float
    checks: str
    """The instructor's :func:`grading_stack`: a worker with another refuses to grade (its
    verdicts could differ)."""


@dataclass(frozen=True)
class Recording:
    """What a station sends back for one student.

    Attributes
    ----------
    outcome : dict
        The station's :class:`Outcome`, as JSON.
    notebooks : Files
        The autograded notebooks, by file name.
    host : str
        The machine that graded.
    """

    student: str
    outcome: dict[str, Any]
    notebooks: Files
    host: str


_STATIONS: dict[str, Station] = {}
_LOCK = threading.Lock()


def grade_remotely(kit: bytes, settings: StationSettings, student: str, files: Files,
                   links: Sequence[str] = ()) -> Recording:
    """The task a Dask worker runs: grade one student's ``files`` (and ``links``) with the
    course of ``kit``.

    One student at a time per worker process (a lock): start workers with ``--nthreads 1``
    and as many processes as cores. The course copy lives in the Dask worker's own folder,
    which Dask deletes when the worker stops or, after a crash, when the next one starts.
    """
    with _LOCK:
        key = kit_id(kit) + json.dumps(asdict(settings), sort_keys=True)
        if key not in _STATIONS:
            for old in _STATIONS.values():
                old.close()
            _STATIONS.clear()
            _STATIONS[key] = Station(kit, settings, folder=_worker_folder())
        return _STATIONS[key].grade(student, files, links)


def _worker_folder() -> str | None:
    """The Dask worker's local folder, if this runs in a Dask worker."""
    try:
        from distributed import get_worker

        return str(get_worker().local_directory)
    except (ImportError, ValueError):
        return None


def _plain_id(student: str) -> bool:
    """Whether ``student`` can travel as one line (no spaces or control characters)."""
    return bool(student) and all(character.isprintable() and not character.isspace()
                                 for character in student)


def grading_stack() -> str:
    """What a worker must share with the instructor's machine to give the same verdicts: the
    code of the checks and the grader, and the versions of Python, NumPy and nbgrader."""
    import nbgrader
    import numpy

    return (f"{checks_fingerprint()} python {platform.python_version()} numpy "
            f"{numpy.__version__} nbgrader {nbgrader.__version__}")


def make_local_gradebook(root: Path, assignment: str) -> CourseDirectory:
    """Make the copy of a course at ``root`` (its kit's files, :mod:`.kit`) gradable here: a
    local sqlite gradebook holding ``assignment``, made by nbgrader from the kit's source
    notebooks (the course's own gradebook may be a database server). Returns the copy's
    course directory; nbgrader's log goes to the :data:`LOGGER` of the grading worker."""
    coursedir = use_local_gradebook(root)
    coursedir.assignment_id = assignment
    with warnings.catch_warnings():  # nbgrader's warnings: logged, never shown
        warnings.simplefilter("ignore")
        GenerateAssignment(coursedir=coursedir, config=coursedir.config, force=True,
                           log=logging.getLogger(LOGGER)).start()
    return coursedir


def use_local_gradebook(root: Path) -> CourseDirectory:
    """Point the ``nbgrader_config.py`` of the course copy at ``root`` to its own gradebook,
    ``root/gradebook.db``; the copy's course directory."""
    with (root / "nbgrader_config.py").open("a") as file:
        file.write(f"\n# This copy's own gradebook.\nc.CourseDirectory.db_url = "
                   f"{'sqlite:///' + str(root / 'gradebook.db')!r}\n")
    return CourseDirectory(config=load_course_config(root))


class Station:
    """A private copy of the course and a grading process, in this process's machine."""

    def __init__(self, kit: bytes, settings: StationSettings, folder: str | None = None) -> None:
        """``folder``: where to make the course copy (default: the system's temporary one)."""
        self.settings = settings
        self.root = Path(tempfile.mkdtemp(prefix="autograder-station-", dir=folder))
        self.process: subprocess.Popen[bytes] | None = None
        atexit.register(self.close)
        unpack_kit(kit, self.root)
        self.refusal = self._refusal()
        if self.refusal is None:
            self._make_gradebook()

    def _refusal(self) -> str | None:
        """Why this machine must not grade for the run, if it must not."""
        if grading_stack() != self.settings.checks:
            return (f"the worker on {socket.gethostname()} runs another version of the checks, "
                    f"the grader, Python, NumPy or nbgrader ({grading_stack()}) than the "
                    f"instructor's machine ({self.settings.checks}): install the same there")
        if self.settings.sandbox:
            from ..sandbox.preflight import SandboxUnavailable
            from ..sandbox.preflight import check as check_sandbox

            try:
                check_sandbox()
            except SandboxUnavailable as exc:
                return f"the worker on {socket.gethostname()} cannot run the sandbox: {exc}"
        return None

    def _make_gradebook(self) -> None:
        """The course copy's own gradebook (:func:`make_local_gradebook`)."""
        log_nbgrader_to(self.root / "grading.log")
        coursedir = make_local_gradebook(self.root, self.settings.assignment)
        self.submitted = self.root / coursedir.submitted_directory
        self.autograded = self.root / coursedir.autograded_directory

    def grade(self, student: str, files: Files, links: Sequence[str] = ()) -> Recording:
        """Grade one student; an :class:`Outcome` that says why if it could not.

        ``links``: the submission's symbolic links, made again here pointing nowhere, so that
        they are refused here as they are on the instructor's machine."""
        refusal = self.refusal or (None if _plain_id(student) else
                                   "a student id with spaces or control characters")
        if refusal is not None:
            return self._recording(Outcome(student, "failed", failures=[
                NotebookFailure("*", refusal)]), {})
        submission = self.submitted / student / self.settings.assignment
        autograded = self.autograded / student / self.settings.assignment
        shutil.rmtree(submission.parent, ignore_errors=True)
        shutil.rmtree(autograded.parent, ignore_errors=True)
        write_files(files, submission)
        write_links(links, submission)
        outcome = self._run(student)
        notebooks = {name: data for name, data in read_files(autograded).items()
                     if name.endswith(".ipynb") and "/" not in name}
        shutil.rmtree(submission.parent, ignore_errors=True)
        shutil.rmtree(autograded.parent, ignore_errors=True)
        return self._recording(outcome, notebooks)

    def _recording(self, outcome: Outcome, notebooks: Files) -> Recording:
        return Recording(outcome.student, outcome.to_json(), notebooks, socket.gethostname())

    def _run(self, student: str) -> Outcome:
        """Hand ``student`` to the grading process and wait for its outcome."""
        started = time.monotonic()
        deadline = started + self.settings.student_timeout
        process = self._process()
        assert process.stdin is not None
        try:
            process.stdin.write(student.encode() + b"\n")
            process.stdin.flush()
            while (message := self._message(deadline)) is not None:
                if message[0] == "done":
                    outcome = Outcome.from_json(message[2])
                    if outcome.student == student:
                        return outcome
                    break  # not this student's: the process cannot be trusted any more
        except (OSError, ValueError, TypeError, KeyError):
            pass  # a broken pipe or message: the process is stopped below
        if process.poll() is None and time.monotonic() >= deadline:
            reason = took_too_long(self.settings.student_timeout)
        else:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            reason = process_died(process.returncode)
        self._stop()
        return Outcome(student, "failed", failures=[NotebookFailure("*", reason)],
                       seconds=time.monotonic() - started)

    def _process(self) -> subprocess.Popen[bytes]:
        if self.process is None or self.process.poll() is not None:
            self._stop()
            read, write = os.pipe()
            settings = WorkerSettings(
                root=str(self.root), assignment=self.settings.assignment, feedback=False,
                fork_kernels=self.settings.fork_kernels, sandbox=self.settings.sandbox,
                log=str(self.root / "grading.log"))
            self.process = subprocess.Popen(
                [sys.executable, "-m", "autograder.cluster.grading_process",
                 json.dumps(asdict(settings)), str(write)],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, pass_fds=(write,),
                start_new_session=True)
            os.close(write)
            self.messages, self.received = read, b""
            self.selector = selectors.DefaultSelector()
            self.selector.register(read, selectors.EVENT_READ)
        return self.process

    def _message(self, deadline: float) -> list[Any] | None:
        """The grading process's next message; ``None`` at the deadline or if it ended."""
        while b"\n" not in self.received:
            if not self.selector.select(timeout=max(deadline - time.monotonic(), 0)):
                return None
            chunk = os.read(self.messages, 1 << 16)
            if not chunk:
                return None
            self.received += chunk
        line, self.received = self.received.split(b"\n", 1)
        message = json.loads(line)
        if not isinstance(message, list) or len(message) != 3:
            raise ValueError("not a message of the grading loop")
        return message

    def _stop(self) -> None:
        """Stop the grading process and everything it started."""
        if self.process is not None:
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            self.selector.close()
            os.close(self.messages)
        self.process = None

    def close(self) -> None:
        """Stop the grading process and delete the course copy."""
        if self.process is not None and self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.close()  # it shuts its kernels down and exits
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
        self._stop()
        shutil.rmtree(self.root, ignore_errors=True)
