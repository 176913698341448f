"""Where a run grades: the one interface of grading backends, and the local pool.

:func:`autograder.grading.run.grade_assignment` plans a run, then hands the students to a
:class:`Backend`, which yields each one's :class:`~.outcome.Outcome` once it is recorded in the
course's gradebook. Two implement it, over the same grader (:class:`.worker.Grader`), the same
supervisor (:class:`.supervisor.GradingSupervisor`) and the same walk of a submission's files
(:mod:`autograder.submission_files`):

- :class:`LocalPool`: grading processes forked on this machine, writing the gradebook
  themselves;
- :class:`autograder.cluster.dispatch.DaskCluster`: the workers of a Dask cluster, each with a
  copy of the course and a supervisor of its own, their results recorded here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from traitlets.config import Config

from ..command_error import CommandError
from ..kernels.preflight import FALLBACK, SandboxUnavailable
from ..kernels.preflight import check as check_sandbox
from ..sandbox.cgroups import limit_notes
from ..verify.executor import VerifiedExecute
from .outcome import Outcome
from .process import fork
from .settings import RunSettings, grading_config
from .supervisor import GradingSupervisor

Say = Callable[[str], None]
"""Shows the instructor a line while a run goes on."""


class Backend(Protocol):
    """Grades the students of a run somewhere."""

    def check(self, config: Config) -> list[str]:
        """Fail with a :class:`CommandError` that says why if this backend cannot grade with
        ``config`` (the run's, over the course's: :func:`.settings.grading_config`); else
        what the instructor should know about it."""

    def where(self, students: int) -> str:
        """Where ``students`` students are graded, as the summary says it ("with 2
        worker(s)")."""

    def grade(self, settings: RunSettings, students: Sequence[str],
              say: Say) -> Iterator[Outcome]:
        """Yield the outcome of each of ``students``, as they finish, once recorded in the
        course's gradebook."""


def sandboxed(config: Config) -> bool:
    """Whether kernels run in the sandbox with ``config`` (``VerifiedExecute.sandbox``)."""
    return bool(VerifiedExecute(config=config).sandbox)


class LocalPool:
    """Grading processes on this machine, ``jobs`` of them (default: one per core)."""

    def __init__(self, jobs: int | None = None) -> None:
        self.jobs = jobs or os.cpu_count() or 1

    def check(self, config: Config) -> list[str]:
        """This machine must run the sandbox if the run uses it; what it cannot limit."""
        if not sandboxed(config):
            return []
        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            raise CommandError(f"{exc.reason} {FALLBACK.format(switch='pass --no-sandbox')}"
                               f"\n{exc.details}") from None
        return limit_notes()

    def where(self, students: int) -> str:
        return f"with {self._processes(students)} worker(s)"

    def grade(self, settings: RunSettings, students: Sequence[str],
              say: Say) -> Iterator[Outcome]:
        """Grading processes are forked from this one, which has imported nbgrader already
        (a fresh interpreter would spend seconds importing it again); it runs no threads."""
        if not students:
            return
        with GradingSupervisor(settings, fork, self._processes(len(students)),
                               config=grading_config(settings)) as supervisor:
            yield from supervisor.grade(students)

    def _processes(self, students: int) -> int:
        return min(self.jobs, max(students, 1))
