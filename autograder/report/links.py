"""Links from the report page to the students' feedback pages.

A link's target is built from the gradebook's ids, never from a file name found on disk: the
course's ``feedback/<student>/<assignment>/<notebook>.html``, where ``nbgrader
generate_feedback`` writes it, relative to the page, each part percent-encoded. A student id
is a name chosen outside the course (an LMS's, a login); it gets a link only if it is one
plain path part (not ``.``, ``..``, nor holding ``/`` or a NUL byte) and the page it names is a
regular file under ``feedback/`` (no symbolic link on the way). So no id can point a link
elsewhere: not up the tree, not to another scheme (``javascript:``), not to another student.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePath
from urllib.parse import quote

FeedbackLinks = Mapping[tuple[str, str], str]
"""``{(student, notebook): relative URL of the feedback page}``."""


def feedback_links(feedback: Path, page_directory: Path, assignment: str,
                   notebooks: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The links to the feedback pages that exist.

    Parameters
    ----------
    feedback : Path
        The course's feedback directory (``CourseDirectory.feedback_directory``).
    page_directory : Path
        Where the report page is written: links are relative to it.
    assignment : str
    notebooks : iterable of (str, str)
        ``(student, notebook)`` pairs, from the gradebook.
    """
    feedback = Path(os.path.abspath(feedback))
    up = PurePath(os.path.relpath(feedback, os.path.abspath(page_directory))).parts
    links = {}
    for student, notebook in notebooks:
        parts = (student, assignment, f"{notebook}.html")
        if all(map(plain_part, parts)) and _regular_file_below(feedback, parts):
            links[student, notebook] = "/".join(quote(part, safe="") for part in (*up, *parts))
    return links


def plain_part(name: str) -> bool:
    """Whether ``name`` names one entry of a directory, nothing above or below it."""
    return name not in ("", ".", "..") and "/" not in name and "\0" not in name


def _regular_file_below(directory: Path, parts: tuple[str, ...]) -> bool:
    """Whether ``directory/parts...`` is a regular file reached through directories only."""
    path = directory
    try:
        for index, part in enumerate(parts):
            path = path / part
            mode = os.lstat(path).st_mode
            if not (stat.S_ISREG(mode) if index == len(parts) - 1 else stat.S_ISDIR(mode)):
                return False
    except (OSError, ValueError):
        return False
    return True
