"""Progress of a grading run: a live bar on a terminal, plain log lines otherwise."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

from ..terminal import printable
from ..verify.records import NO_SANDBOX
from .outcome import NotebookFlag, Outcome

BAR_WIDTH = 24


def format_duration(seconds: float) -> str:
    """``0:42``, ``12:05``, ``1:02:05``."""
    seconds = max(0, round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def status_line(done: int, total: int, failed: int, elapsed: float) -> str:
    """``[########----------------]  12/40 students  3 failed  2.1/s  ETA 0:13``."""
    filled = BAR_WIDTH * done // total if total else BAR_WIDTH
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = format_duration((total - done) / rate) if rate > 0 else "?"
    parts = [f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}]",
             f"{done:>{len(str(total))}}/{total} students"]
    if failed:
        parts.append(f"{failed} failed")
    parts += [f"{rate:.1f}/s", f"ETA {eta}"]
    return "  ".join(parts)


def outcome_line(outcome: Outcome) -> str:
    """One student's result: ``alice: 18/20 (1.3 s)``, or what failed."""
    score = (f"{outcome.score:g}/{outcome.max_score:g}" if outcome.score is not None
             and outcome.max_score is not None else "no score")
    late = f", late penalty {outcome.late_penalty:g}" if outcome.late_penalty else ""
    line = f"{outcome.student}: {score} ({outcome.seconds:.1f} s{late})"
    if outcome.failures:
        problems = "; ".join(f"{f.notebook}: {f.reason}" for f in outcome.failures)
        line += f"  {outcome.status.upper()}: {problems}"
    if outcome.timed_out:
        line += f"  timed out in {', '.join(outcome.timed_out)}"
    flagged = sorted({f"{flag.kind} in {flag.notebook}" for flag in _worth_a_line(outcome)})
    if flagged:
        line += f"  {', '.join(flagged)}"
    return printable(line)


def _worth_a_line(outcome: Outcome) -> list[NotebookFlag]:
    """The flags a student's line names: not ``no_sandbox``, which the run's header says once
    for every student."""
    return [flag for flag in outcome.flags if flag.kind != NO_SANDBOX]


class Progress:
    """Reports each finished student on ``stream``.

    On a terminal, a single bar line is redrawn in place, and only students with problems
    get a line of their own; elsewhere (a log file, CI), every student gets a plain line
    with the counts, rate and ETA.
    """

    def __init__(self, total: int, stream: TextIO, *, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.stream, self.clock = total, stream, clock
        self.tty = stream.isatty() if tty is None else tty
        self.started = clock()
        self.done = self.failed = 0
        if self.tty:
            self._redraw()

    def finished(self, outcome: Outcome) -> None:
        self.done += 1
        self.failed += outcome.status != "graded"
        elapsed = self.clock() - self.started
        if self.tty:
            if outcome.failures or outcome.timed_out or _worth_a_line(outcome):
                self.stream.write("\r\033[K" + outcome_line(outcome) + "\n")
            self._redraw()
        else:
            self.stream.write(f"{status_line(self.done, self.total, self.failed, elapsed)}  "
                              f"{outcome_line(outcome)}\n")
        self.stream.flush()

    def note(self, text: str) -> None:
        """Show a line of the run's own (above the bar, on a terminal)."""
        self.stream.write(("\r\033[K" if self.tty else "") + text + "\n")
        if self.tty:
            self._redraw()
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _redraw(self) -> None:
        elapsed = self.clock() - self.started
        self.stream.write("\r\033[K" + status_line(self.done, self.total, self.failed, elapsed))
        self.stream.flush()
