"""The grading process of a station (:mod:`.station`), started as
``python -m autograder.cluster.grading_process SETTINGS_JSON FD``.

It runs the local grading loop, :func:`autograder.grading.worker.serve`, on student ids read
from stdin (one per line, until stdin closes), and writes that loop's messages as JSON lines
to the file descriptor ``FD``.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, BinaryIO, TextIO

from ..grading.worker import WorkerSettings, serve


class LineTasks:
    """Student ids, one per line; ``None`` once the input is closed."""

    def __init__(self, lines: TextIO) -> None:
        self.lines = lines

    def get(self) -> str | None:
        line = self.lines.readline()
        return line.strip() or None


class LineResults:
    """Messages written as JSON lines."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out

    def put(self, message: Any) -> None:
        self.out.write(json.dumps(message).encode() + b"\n")
        self.out.flush()


def main(argv: list[str]) -> None:
    settings = WorkerSettings(**json.loads(argv[1]))
    with os.fdopen(int(argv[2]), "wb") as out:
        serve(settings, LineTasks(sys.stdin), LineResults(out))


if __name__ == "__main__":
    main(sys.argv)
