"""One instructor command at a time on a course: ``grade``, ``report``, ``collect``,
``release-solutions``.

Two ``grade --force`` runs on one course would both write the same ``autograded/`` folders and
gradebook rows. Each of these commands holds the course's lock while it runs: a POSIX record
lock (``fcntl.lockf``) on ``.autograder/run.lock``, which also records who holds it. The
kernel releases such a lock when its process ends, however it ends, and a forked worker never
inherits it; so a lock left by a run that was killed is stale by construction: the next command
takes it, and says that the previous one did not finish.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .command_error import CommandError
from .course_config import check_course_dir

LOCK_FILE = Path(".autograder") / "run.lock"
"""The lock, relative to the course directory."""

_HOLDER_BYTES = 4096


@dataclass(frozen=True)
class Holder:
    """Who holds (or last held) a course's lock."""

    command: str
    pid: int
    started: str

    def describe(self) -> str:
        return f"`{self.command}` (process {self.pid}, started {self.started})"


@contextmanager
def course_lock(root: Path, command: str, *,
                on_stale: Callable[[Holder], None] | None = None) -> Iterator[None]:
    """Hold the lock of the course at ``root`` while running ``command``.

    Raises :class:`CommandError`, naming the running command's process id and start time, if
    another process holds it. ``on_stale(holder)`` is called when the previous holder ended
    without releasing it (killed, or its machine stopped).
    """
    check_course_dir(root)
    path = root / LOCK_FILE
    path.parent.mkdir(exist_ok=True)
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as error:
        raise CommandError(f"cannot open the course's lock {path}: {error.strerror} (it must "
                           "be a regular file: remove it)") from None
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_holder(descriptor)
            running = holder.describe() if holder else "another instructor command"
            raise CommandError(f"{running} is running on this course: wait for it to end, or "
                               "stop it, then run this command again") from None
        previous = _read_holder(descriptor)
        if previous is not None and on_stale is not None:
            on_stale(previous)
        _write_holder(descriptor, Holder(command, os.getpid(),
                                         time.strftime("%Y-%m-%d %H:%M:%S %Z")))
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)  # a clean end: nothing stale is left behind
    finally:
        os.close(descriptor)  # releases the lock


def _read_holder(descriptor: int) -> Holder | None:
    try:
        record = json.loads(os.pread(descriptor, _HOLDER_BYTES, 0) or b"null")
        return Holder(str(record["command"]), int(record["pid"]), str(record["started"]))
    except (ValueError, TypeError, KeyError):
        return None


def _write_holder(descriptor: int, holder: Holder) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, json.dumps(holder.__dict__).encode(), 0)
