"""Grade a class on a Dask distributed cluster: ``python -m autograder grade --scheduler``.

The instructor's process packs the kit once (:mod:`.kit`) and submits one task per student
with the kit and that student's files, keeping a few tasks per worker in
flight rather than the whole class in memory. Each task runs on a worker's warm station
(:mod:`.station`); each result is recorded here, in the course's gradebook, by nbgrader
(:mod:`.replay`), and shown on the progress bar.

A worker that dies mid-task (killed, out of memory, its machine lost) has its tasks run again
on another worker by the Dask scheduler; a student whose tasks killed several workers in turn
is reported as failed, and the run goes on.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

from traitlets.config import Config

from ..command_error import CommandError
from ..course_config import load_course_config
from ..grading.backend import Say
from ..grading.outcome import NotebookFailure, Outcome
from ..grading.settings import RunSettings
from ..grading.warm_nbgrader import warm_nbgrader
from ..grading.worker import Grader, log_nbgrader_to
from ..stages import StageTime, add
from .kit import cells_fingerprint, pack_kit, read_files, read_links, write_files
from .replay import ReplayingAutograde, replaying
from .station import Recording, StationSettings, grade_remotely, grading_stack

IN_FLIGHT_PER_WORKER = 2
"""Tasks handed to the scheduler per worker at once: enough to keep workers busy, few enough
that a large class's files are not all in memory."""

LOCAL = "local"
"""The address that asks for a private cluster on this machine (:mod:`.private`)."""


class DaskCluster:
    """The workers of the Dask cluster whose scheduler is at ``address`` (reached with Dask's
    settings: :mod:`.access`), or of a private cluster of ``jobs`` workers on this machine if
    ``address`` is ``"local"`` (default: one per core); a :class:`~autograder.grading.backend.
    Backend`."""

    def __init__(self, address: str, jobs: int | None = None) -> None:
        self.address = address
        self.jobs = jobs or os.cpu_count() or 1

    def check(self, config: Config) -> list[str]:
        """Nothing here: each worker checks its own machine (:class:`.station.Station`)."""
        return []

    def where(self, students: int) -> str:
        return (f"on a local Dask cluster of {self._workers(students)} worker(s)"
                if self.address == LOCAL else f"on the Dask cluster at {self.address}")

    def _workers(self, students: int) -> int:
        return min(self.jobs, max(students, 1))

    def grade(self, settings: RunSettings, students: Sequence[str],
              say: Say) -> Iterator[Outcome]:
        """Yield each student's :class:`Outcome`, graded on the cluster and recorded in the
        course's gradebook; the submissions are ``submitted/<student>/<assignment>/``."""
        if not students:
            return
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker

        from .private import private_local_cluster

        root = Path(settings.root)
        station = StationSettings(assignment=settings.assignment, checks=grading_stack(),
                                  config=settings.config)
        with ExitStack() as stack:
            try:
                if self.address == LOCAL:
                    client = stack.enter_context(
                        private_local_cluster(self._workers(len(students))))
                else:
                    client = stack.enter_context(Client(self.address, timeout=30))
            except OSError as exc:
                raise CommandError(f"cannot reach the Dask scheduler at {self.address}: "
                                   f"{exc}") from None
            if not client.scheduler_info()["workers"]:
                say(f"No worker has joined the Dask scheduler at {self.address} yet: the run "
                    f"waits for one (dask worker {self.address} --nworkers auto "
                    "--nthreads 1, with its TLS files: README).")
            recorder = stack.enter_context(Recorder(settings))
            submitted = recorder.grader.submitted
            # With each task rather than scattered: data scattered to a worker that dies is
            # lost for good, and the kit is about the size of one student's files.
            kit = pack_kit(root, settings.assignment)
            run_id = uuid.uuid4().hex[:8]
            waiting = list(reversed(students))
            futures: dict[Any, str] = {}
            running = as_completed()

            def top_up() -> None:
                """Keep IN_FLIGHT_PER_WORKER tasks per worker, counting workers that joined."""
                target = max(len(client.scheduler_info()["workers"]), 1) * IN_FLIGHT_PER_WORKER
                while waiting and len(futures) < target:
                    student = waiting.pop()
                    folder = submitted / student / settings.assignment
                    future = client.submit(
                        grade_remotely, kit, station, student, read_files(folder),
                        read_links(folder), pure=False,
                        key=f"grade-{settings.assignment}-{student}-{run_id}")
                    futures[future] = student
                    running.add(future)

            top_up()
            while futures:
                future = next(running)
                student = futures.pop(future)
                yield recorder.record(student, _result(future, KilledWorker))
                top_up()


def _result(future: Any, killed_worker: type[Exception]) -> Recording | str:
    """The task's recording, or why the cluster could not grade the student."""
    try:
        return future.result()
    except killed_worker:
        return "its grading killed several Dask workers in turn"
    except Exception as exc:  # the cluster's failure, reported for this student
        return f"the cluster could not grade it ({type(exc).__name__}: {exc})"


class Recorder:
    """Records what workers graded in the course's gradebook, as a local run would; within,
    nbgrader in this process shares its engines and checked schemas
    (:mod:`autograder.grading.warm_nbgrader`)."""

    def __init__(self, settings: RunSettings) -> None:
        self.recordings = Path(tempfile.mkdtemp(prefix="autograder-recordings-"))
        course = replaying(load_course_config(Path(settings.root)), self.recordings)
        self.grader = Grader(settings, course, autograde=ReplayingAutograde)
        self.tests = cells_fingerprint(self.grader.db_url, settings.assignment)
        self.warm = ExitStack()
        log_nbgrader_to(Path(settings.log))

    def __enter__(self) -> Recorder:
        self.warm.enter_context(warm_nbgrader())
        return self

    def __exit__(self, *exc: object) -> None:
        self.warm.close()
        shutil.rmtree(self.recordings, ignore_errors=True)

    def record(self, student: str, recording: Recording | str) -> Outcome:
        """The student's outcome once recorded: scores and flags from the gradebook and the
        autograded notebooks, as written here; failures, time, attempts and stages from the
        worker, with the time of recording (stage ``replay``).

        A student the worker could not grade at all is not recorded: the gradebook keeps
        what it held, as when a local grading process dies."""
        if isinstance(recording, str):
            return Outcome(student, "failed", failures=[NotebookFailure("*", recording)])
        graded = Outcome.from_json(recording.outcome)
        if any(failure.notebook == "*" for failure in graded.failures):
            return graded
        if recording.tests != self.tests:
            return Outcome(student, "failed", failures=[NotebookFailure("*", (
                f"the worker on {recording.host} graded with other tests than the course's "
                "gradebook holds: was source/ changed without generate_assignment?"))])
        started = time.monotonic()
        write_files(recording.notebooks, self.recordings / student)
        with warnings.catch_warnings():  # nbgrader's warnings: logged, never shown
            warnings.simplefilter("ignore")
            here = self.grader.grade(student)
        shutil.rmtree(self.recordings / student, ignore_errors=True)
        failed = {failure.notebook for failure in graded.failures}
        extra = [failure for failure in here.failures if failure.notebook not in failed]
        stages = dict(graded.stages)
        add(stages, "replay", StageTime(time.monotonic() - started))
        return replace(here, failures=graded.failures + extra, seconds=graded.seconds,
                       attempts=graded.attempts, stages=stages)
