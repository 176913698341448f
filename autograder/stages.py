"""Where grading time goes: wall and CPU time per stage of grading a student.

Code on the grading path marks a stage with ``with stage("cells"):``; while a grading process
collects (:func:`collecting`, around one student), the time of every stage entered meanwhile
is added up by name, whatever module entered it (nbgrader's preprocessors included). A stage
entered when nothing collects only costs the two clock readings. The totals travel with the
student's :class:`~autograder.grading.outcome.Outcome` (``stages``), and each layer around the
grading process adds its own (supervision, a cluster's transfers and replay).

CPU time is this process's (``time.process_time``): a kernel's own CPU is not in it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class StageTime:
    """The time spent in one stage, in all.

    Attributes
    ----------
    wall, cpu : float
        Seconds of wall-clock time, and of this process's CPU time.
    count : int
        How many times the stage was entered (per notebook, say).
    """

    wall: float
    cpu: float = 0.0
    count: int = 1

    def __add__(self, other: StageTime) -> StageTime:
        return StageTime(self.wall + other.wall, self.cpu + other.cpu, self.count + other.count)


Stages = dict[str, StageTime]
"""Time per stage, by name."""

_collecting: list[Stages] = []


@contextmanager
def collecting() -> Iterator[Stages]:
    """Collect the stages entered meanwhile, in this process, into the dict yielded."""
    stages: Stages = {}
    _collecting.append(stages)
    try:
        yield stages
    finally:
        _collecting.remove(stages)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Count the time of the block as stage ``name`` (see the module docstring)."""
    wall, cpu = time.monotonic(), time.process_time()
    try:
        yield
    finally:
        if _collecting:
            add(_collecting[-1], name, StageTime(time.monotonic() - wall,
                                                 time.process_time() - cpu))


def add(stages: Stages, name: str, spent: StageTime) -> None:
    """Add ``spent`` to the stage ``name`` of ``stages``."""
    stages[name] = stages[name] + spent if name in stages else spent
