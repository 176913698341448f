"""What a student uploaded to Gradescope, matched to the assignment's notebooks, and who and
when, from ``submission_metadata.json``.

Gradescope puts the upload in ``/autograder/submission`` (files as uploaded, or the files of
a repository). A notebook is graded when its file name is one of the assignment's,
``01_scalar_wrt_scalar.ipynb``, in any folder; everything else is reported, not graded: a
second copy of a notebook, a notebook under another name (the nearest expected name is
suggested), other files, symbolic links, files over :data:`MAX_NOTEBOOK_BYTES`. The walk is
bounded (:data:`MAX_ENTRIES`, :data:`MAX_DEPTH`) and follows no link.
"""

from __future__ import annotations

import difflib
import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

MAX_NOTEBOOK_BYTES = 25 * 2**20
MAX_ENTRIES = 2000
MAX_DEPTH = 8
IGNORED = ("__MACOSX",)
"""Folders an archiver adds, skipped (as is anything whose name starts with a dot, e.g.
``.ipynb_checkpoints``)."""


@dataclass(frozen=True)
class Entry:
    """A file or link of an upload: its path relative to the upload folder."""

    path: str
    kind: str  # "file", "link" or "other"
    size: int = 0


@dataclass
class Matching:
    """The upload's notebooks by the assignment's notebook name, and a note per file that is
    not graded (or per notebook not submitted), for the student."""

    graded: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def list_upload(folder: Path) -> tuple[list[Entry], bool]:
    """The entries under ``folder`` (not under an ignored or hidden folder), and whether the
    walk stopped at :data:`MAX_ENTRIES` or :data:`MAX_DEPTH`."""
    entries: list[Entry] = []
    cut = False

    def walk(directory: Path, depth: int) -> None:
        nonlocal cut
        try:
            children = sorted(os.scandir(directory), key=lambda child: child.name)
        except OSError:
            return
        for child in children:
            if child.name.startswith(".") or child.name in IGNORED:
                continue
            if len(entries) >= MAX_ENTRIES:
                cut = True
                return
            relative = Path(child.path).relative_to(folder).as_posix()
            info = child.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                if depth < MAX_DEPTH:
                    walk(Path(child.path), depth + 1)
                else:
                    cut = True
            elif stat.S_ISREG(info.st_mode):
                entries.append(Entry(relative, "file", info.st_size))
            else:
                entries.append(Entry(relative, "link" if stat.S_ISLNK(info.st_mode)
                                     else "other"))

    walk(folder, 0)
    return entries, cut


def match(entries: Sequence[Entry], cut: bool = False, *,
          notebooks: Sequence[str]) -> Matching:
    """Match uploaded ``entries`` to the assignment's ``notebooks`` (names without
    ``.ipynb``): for each, the shallowest file of that name."""
    matching = Matching()
    expected = {f"{name}.ipynb": name for name in notebooks}
    by_name: dict[str, list[Entry]] = {}
    for entry in entries:
        name = PurePosixPath(entry.path).name
        if entry.kind == "link":
            matching.notes.append(f"{entry.path} is a symbolic link, not a file: not graded.")
        elif entry.kind != "file":
            matching.notes.append(f"{entry.path} is not a regular file: not graded.")
        elif name in expected and entry.size > MAX_NOTEBOOK_BYTES:
            matching.notes.append(f"{entry.path} is larger than "
                                  f"{MAX_NOTEBOOK_BYTES // 2**20} MiB: not graded.")
        elif name in expected:
            by_name.setdefault(name, []).append(entry)
        elif name.endswith(".ipynb"):
            nearest = difflib.get_close_matches(name, list(expected), n=1, cutoff=0.6)
            hint = (f" If it is {nearest[0]}, rename it to exactly that and submit again."
                    if nearest else "")
            matching.notes.append(f"{entry.path} is not a notebook of this assignment: not "
                                  f"graded.{hint}")
        else:
            matching.notes.append(f"{entry.path} is not graded (only the assignment's "
                                  "notebooks are).")
    for file_name, name in expected.items():
        found = sorted(by_name.get(file_name, []),
                       key=lambda entry: (entry.path.count("/"), entry.path))
        if not found:
            matching.notes.append(f"{file_name} was not submitted: its tests score 0.")
            continue
        matching.graded[name] = found[0].path
        matching.notes += [f"{other.path} is a second copy of {file_name}: not graded "
                           f"({found[0].path} is)." for other in found[1:]]
    if cut:
        matching.notes.append(f"The upload has more than {MAX_ENTRIES} files or "
                              f"{MAX_DEPTH} levels of folders: the rest was not looked at.")
    return matching


@dataclass(frozen=True)
class Submitter:
    """Who submitted, when, and the due date, from ``submission_metadata.json``.

    ``student`` is the nbgrader student id: the Gradescope user id, or the ids of a group
    joined by ``-`` (the hidden inputs are drawn for it). Times are aware datetimes, or
    ``None`` where the metadata has none.
    """

    student: str
    submitted_at: datetime | None
    due: datetime | None
    problem: str | None = None


UNKNOWN_STUDENT = "gradescope-student"


def read_submitter(path: Path) -> Submitter:
    """Read ``submission_metadata.json``; a :class:`Submitter` saying what was wrong (and
    without dates) if it cannot be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        users = data.get("users") or []
        ids = sorted({str(user["id"]) for user in users})
        if not ids or not all(user_id.isdigit() for user_id in ids):
            raise ValueError(f"no numeric user ids in 'users': {ids}")
        assignment = data.get("assignment") or {}
        return Submitter("-".join(ids), _time(data.get("created_at")),
                         _time(assignment.get("due_date")))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        return Submitter(UNKNOWN_STUDENT, None, None, f"cannot read {path.name}: {exc}")


def _time(value: Any) -> datetime | None:
    """An ISO 8601 time with its offset, as Gradescope writes them (``None`` stays ``None``)."""
    if value is None:
        return None
    moment = datetime.fromisoformat(str(value))
    if moment.tzinfo is None:
        raise ValueError(f"the time {value!r} has no time zone")
    return moment


def nbgrader_time(moment: datetime) -> str:
    """``moment`` as nbgrader writes a submission's ``timestamp.txt``, in UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
