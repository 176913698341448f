"""A submission of some of an assignment's notebooks: a notebook not handed in scores 0
without running, so a test whose property needs only some notebooks grades only those."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from course.classroom import Answers, write_submission


def hand_in(course: Path, assignment: str, student: str, answers: Answers,
            notebooks: Collection[str], timestamp: str) -> Path:
    """Write ``submitted/<student>/<assignment>/`` as :func:`course.classroom.write_submission`
    does (``answers`` filled in, the other notebooks as released), then remove every notebook
    not named in ``notebooks`` (release names, without ``.ipynb``); the folder."""
    folder = write_submission(course, assignment, student, answers, timestamp=timestamp)
    for path in folder.glob("*.ipynb"):
        if path.stem not in notebooks:
            path.unlink()
    return folder
