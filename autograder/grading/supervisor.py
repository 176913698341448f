"""The one supervisor of grading processes, wherever they run: a deadline per student, a kill,
and a death that costs one student only.

A local run's pool (:mod:`.backend`) and a cluster worker's station
(:mod:`autograder.cluster.station`) both grade through a :class:`GradingSupervisor`: it starts
grading processes (:mod:`.process`) as students need them, hands each idle one the next
student, and yields each student's :class:`~.outcome.Outcome` as it arrives. A process that
takes longer than ``student_timeout`` on one student is killed with everything it started, and
one that dies (or answers for another student) is dropped; either way that student is reported
as failed with the reason, and a new process takes the next student.
"""

from __future__ import annotations

import json
import selectors
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from traitlets import Float
from traitlets.config import Configurable

from ..stages import StageTime, add
from .outcome import NotebookFailure, Outcome, process_broken, process_died, took_too_long
from .process import GradingProcess
from .settings import RunSettings

StartProcess = Callable[[RunSettings, list[int]], GradingProcess]
"""How to start a grading process: :func:`.process.fork` or :func:`.process.spawn`; it is
given the descriptors of the others, which it must not keep."""

CLOSE_GRACE = 30.0
"""Seconds an idle grading process may take to shut its kernels down once told to stop."""


class GradingSupervisor(Configurable):
    """Grades students in up to ``processes`` grading processes (see the module docstring)."""

    student_timeout = Float(900.0, help="Seconds the grading of one student may take; past "
                            "them its grading process is killed, and the student is reported "
                            "as not graded.").tag(config=True)

    def __init__(self, settings: RunSettings, start: StartProcess, processes: int,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.settings, self.start, self.processes = settings, start, processes
        self.selector = selectors.DefaultSelector()
        self.running: list[GradingProcess] = []
        self.closed = False

    def grade(self, students: Iterable[str]) -> Iterator[Outcome]:
        """Yield the outcome of each of ``students``, in the order they finish."""
        waiting = deque(students)
        while waiting or self._busy():
            for process in self.running:
                if waiting and process.student is None:
                    process.hand(waiting.popleft(), time.monotonic())
            while waiting and len(self.running) < self.processes:
                self._start().hand(waiting.popleft(), time.monotonic())
            for key, _ in self.selector.select(timeout=self._until_a_deadline()):
                process, ended = key.data
                if process in self.running:
                    yield from self._ended(process) if ended else self._received(process)
            now = time.monotonic()
            for process in self._busy():
                if now - process.since > self.student_timeout:
                    yield self._drop(process, took_too_long(self.student_timeout))

    def close(self, *, graceful: bool = True) -> None:
        """Stop every grading process: ``graceful``, let them finish and shut their kernels
        down first (for up to :data:`CLOSE_GRACE` seconds in all); else kill them at once."""
        if self.closed:
            return
        self.closed = True
        if graceful:
            for process in self.running:
                process.finish()
                self.selector.unregister(process.results)
            deadline = time.monotonic() + CLOSE_GRACE
            while self.running and time.monotonic() < deadline:
                for key, _ in self.selector.select(timeout=deadline - time.monotonic()):
                    process, _ = key.data
                    self._forget(process)
        for process in list(self.running):
            self._forget(process)
        self.selector.close()

    def __enter__(self) -> GradingSupervisor:
        return self

    def __exit__(self, kind: object, *rest: object) -> None:
        self.close(graceful=kind is None)

    def _busy(self) -> list[GradingProcess]:
        return [process for process in self.running if process.student is not None]

    def _until_a_deadline(self) -> float:
        deadlines = [process.since + self.student_timeout for process in self._busy()]
        return max(min(deadlines) - time.monotonic(), 0.0) if deadlines else 0.0

    def _start(self) -> GradingProcess:
        inherited = [self.selector.fileno(), *(descriptor for process in self.running
                                               for descriptor in process.descriptors())]
        process = self.start(self.settings, inherited)
        self.selector.register(process.results, selectors.EVENT_READ, (process, False))
        self.selector.register(process.ended, selectors.EVENT_READ, (process, True))
        self.running.append(process)
        return process

    def _received(self, process: GradingProcess) -> Iterator[Outcome]:
        """The outcomes the process sent whole since."""
        lines = process.read()
        if lines is None:  # it closed its end: it is ending
            yield from self._ended(process)
        else:
            yield from self._outcomes(process, lines)

    def _outcomes(self, process: GradingProcess, lines: list[bytes]) -> Iterator[Outcome]:
        for line in lines:
            try:
                outcome = Outcome.from_json(json.loads(line))
            except (ValueError, TypeError, KeyError):
                yield self._drop(process, process_broken("a message that cannot be read"))
                return
            if process.student is None or outcome.student != process.student:
                yield from self._dropped(process, process_broken(
                    f"an outcome for {outcome.student!r}, whom it was not grading"))
                return
            yield self._supervised(outcome, process.since)
            process.student = None

    def _ended(self, process: GradingProcess) -> Iterator[Outcome]:
        """What a process that ended sent before it did, and its student's failure if it was
        grading one."""
        yield from self._outcomes(process, process.read() or [])
        if process in self.running:
            process.kill()  # what it started, if anything is left
            code = process.wait()
            if process.student is not None:
                yield self._failed(process, process_died(code))
            self._forget(process)

    def _drop(self, process: GradingProcess, reason: str) -> Outcome:
        """Kill ``process``; its student's failure for ``reason``."""
        outcome = self._failed(process, reason)
        self._forget(process)
        return outcome

    def _dropped(self, process: GradingProcess, reason: str) -> Iterator[Outcome]:
        """Kill ``process``; its student's failure for ``reason``, if it was grading one."""
        if process.student is not None:
            yield self._failed(process, reason)
        self._forget(process)

    def _failed(self, process: GradingProcess, reason: str) -> Outcome:
        assert process.student is not None
        outcome = Outcome(student=process.student, status="failed",
                          failures=[NotebookFailure("*", reason)],
                          seconds=time.monotonic() - process.since)
        process.student = None
        return outcome

    def _supervised(self, outcome: Outcome, since: float) -> Outcome:
        """``outcome`` with the time it spent outside its grader (hand-off, a new process
        starting, the message) as the stage ``supervision``."""
        stages = dict(outcome.stages)
        add(stages, "supervision",
            StageTime(max(time.monotonic() - since - outcome.seconds, 0.0)))
        return replace(outcome, stages=stages)

    def _forget(self, process: GradingProcess) -> None:
        """Kill ``process`` and what it started, reap it, release its descriptors."""
        for descriptor in (process.results, process.ended):
            try:
                self.selector.unregister(descriptor)
            except (KeyError, ValueError):
                pass
        process.kill()
        process.wait()
        process.close()
        self.running.remove(process)
