"""Naming the step of a jail's set-up that failed, for the report to the parent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class SetupFailure(Exception):
    """A set-up step failed: ``step``, the ``path`` it worked on, the ``errno`` if any."""

    def __init__(self, step: str, path: str | None, exc: BaseException) -> None:
        super().__init__(str(exc))
        self.step, self.path = step, path
        self.errno = exc.errno if isinstance(exc, OSError) else None


@contextmanager
def step(name: str, path: str | None = None) -> Iterator[None]:
    """Label failures inside the block with the setup step and path they happened at."""
    try:
        yield
    except SetupFailure:
        raise
    except Exception as exc:
        raise SetupFailure(name, path, exc) from exc
