"""A grading station: the warm grading state a cluster worker keeps between students.

The first time a Dask worker is asked to grade with a kit (:mod:`.kit`), it sets up a private
copy of the course in the Dask worker's folder -- the kit's files, and a local sqlite
gradebook made by nbgrader's own ``generate_assignment`` -- and grades there as a local run
does: a :class:`~autograder.grading.supervisor.GradingSupervisor` with one grading process,
with its sandboxed, forked kernels, under the same deadline. Each student's files are written
into that copy, graded, and the autograded notebooks sent back; the course's own gradebook is
written by the instructor's process alone (:mod:`.replay`).

The grading process is a fresh interpreter (:func:`autograder.grading.process.spawn`): a Dask
worker runs threads and may be a daemon process, which cannot fork safely or start children
of its own.
"""

from __future__ import annotations

import atexit
import json
import platform
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from traitlets.config import Config

from ..grading.backend import sandboxed
from ..grading.inputs import checks_fingerprint
from ..grading.outcome import NotebookFailure, Outcome
from ..grading.process import spawn
from ..grading.settings import RunSettings, config_to_json, grading_config
from ..grading.supervisor import GradingSupervisor
from ..stages import StageTime, add
from .kit import (
    Files,
    cells_fingerprint,
    kit_id,
    local_gradebook,
    make_local_gradebook,
    read_files,
    unpack_kit,
    write_files,
    write_links,
)


@dataclass(frozen=True)
class StationSettings:
    """How a station grades: the same for every student of a run.

    Attributes
    ----------
    assignment : str
    checks : str
        The instructor's :func:`grading_stack`: a worker with another refuses to grade (its
        verdicts could differ).
    config : Config
        The run's settings, over the kit's ``nbgrader_config.py``
        (:attr:`autograder.grading.settings.RunSettings.config`).
    """

    assignment: str
    checks: str
    config: Config = field(default_factory=Config)

    def key(self) -> str:
        """The same text for the same settings (a station is kept per kit and settings)."""
        return json.dumps([self.assignment, self.checks, config_to_json(self.config)],
                          sort_keys=True)


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
    tests : str
        What the station's gradebook holds of the assignment's cells
        (:func:`~.kit.cells_fingerprint`); empty if it has none, or if the station refused to
        grade (then the outcome says why, and the recording is not compared).
    """

    student: str
    outcome: dict[str, Any]
    notebooks: Files
    host: str
    tests: str


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
        key = kit_id(kit) + settings.key()
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


def grading_stack() -> str:
    """What a worker must share with the instructor's machine to give the same verdicts: the
    code of the checks and the grader, and the versions of Python, NumPy and nbgrader."""
    import nbgrader
    import numpy

    return (f"{checks_fingerprint()} python {platform.python_version()} numpy "
            f"{numpy.__version__} nbgrader {nbgrader.__version__}")


class Station:
    """A private copy of the course and its grading supervisor, on this machine."""

    def __init__(self, kit: bytes, settings: StationSettings, folder: str | None = None) -> None:
        """``folder``: where to make the course copy (default: the system's temporary one)."""
        self.settings = settings
        self.root = Path(tempfile.mkdtemp(prefix="autograder-station-", dir=folder))
        atexit.register(self.close)
        unpack_kit(kit, self.root)
        self.run = RunSettings(root=str(self.root), assignment=settings.assignment,
                               feedback=False, log=str(self.root / "grading.log"),
                               config=settings.config).with_config(local_gradebook(self.root))
        config = grading_config(self.run)
        self.supervisor = GradingSupervisor(self.run, spawn, 1, config=config)
        self.refusal = self._refusal(config)
        self.tests = ""
        if self.refusal is None:
            coursedir = make_local_gradebook(self.root, settings.assignment)
            self.submitted = self.root / coursedir.submitted_directory
            self.autograded = self.root / coursedir.autograded_directory
            self.tests = cells_fingerprint(coursedir.db_url, settings.assignment)

    def _refusal(self, config: Config) -> str | None:
        """Why this machine must not grade for the run, if it must not."""
        if grading_stack() != self.settings.checks:
            return (f"the worker on {socket.gethostname()} runs another version of the checks, "
                    f"the grader, Python, NumPy or nbgrader ({grading_stack()}) than the "
                    f"instructor's machine ({self.settings.checks}): install the same there")
        if sandboxed(config):
            from ..kernels.preflight import SandboxUnavailable
            from ..kernels.preflight import check as check_sandbox

            try:
                check_sandbox()
            except SandboxUnavailable as exc:
                return f"the worker on {socket.gethostname()} cannot run the sandbox: {exc}"
        return None

    def grade(self, student: str, files: Files, links: Sequence[str] = ()) -> Recording:
        """Grade one student; an :class:`Outcome` that says why if it could not.

        ``links``: the submission's symbolic links, made again here pointing nowhere, so that
        they are refused here as they are on the instructor's machine."""
        if self.refusal is not None:
            return self._recording(Outcome(student, "failed", failures=[
                NotebookFailure("*", self.refusal)]), {})
        started = time.monotonic()
        submission = self.submitted / student / self.settings.assignment
        autograded = self.autograded / student / self.settings.assignment
        shutil.rmtree(submission.parent, ignore_errors=True)
        shutil.rmtree(autograded.parent, ignore_errors=True)
        write_files(files, submission)
        write_links(links, submission)
        copied = time.monotonic()
        [outcome] = self.supervisor.grade([student])
        graded = time.monotonic()
        notebooks = {name: data for name, data in read_files(autograded).items()
                     if name.endswith(".ipynb") and "/" not in name}
        shutil.rmtree(submission.parent, ignore_errors=True)
        shutil.rmtree(autograded.parent, ignore_errors=True)
        stages = dict(outcome.stages)
        add(stages, "station copy", StageTime(copied - started + time.monotonic() - graded))
        return self._recording(replace(outcome, stages=stages), notebooks)

    def _recording(self, outcome: Outcome, notebooks: Files) -> Recording:
        return Recording(outcome.student, outcome.to_json(), notebooks, socket.gethostname(),
                         self.tests)

    def close(self) -> None:
        """Stop the grading process (letting it shut its kernels down) and delete the course
        copy."""
        self.supervisor.close()
        shutil.rmtree(self.root, ignore_errors=True)
