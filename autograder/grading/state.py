"""What the last grading runs left: per student, the submission graded and the outcome.

Stored as JSON in ``<course>/.autograder/<assignment>.json`` (a versioned record,
:mod:`autograder.typed_json`); it decides which submissions are new or changed, and the course
report reads it for failed and timed-out students. A file this grader cannot read (another
version's, or not the grader's) is reported and read as nothing graded yet: the next grading
grades everyone and replaces it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..submission_files import RefusedFile, read_chunks, walk
from ..typed_json import RecordError, read_file, write_file
from .outcome import Outcome
from .scan import Finding

STATE_DIRECTORY = ".autograder"


def fingerprint(submission: Path) -> str:
    """SHA-256 over what grading reads of a submission directory: the names and contents of
    its files, the targets of its links (never followed) and why anything else is refused
    (:func:`autograder.submission_files.walk`); bounded as the walk is."""
    found = walk(submission)
    digest = hashlib.sha256()
    for path in found.files:
        digest.update(b"file\0" + _name(path))
        try:
            for chunk in read_chunks(submission, path):
                digest.update(chunk)
        except RefusedFile as exc:  # changed since it was listed
            digest.update(b"\0refused\0" + _name(str(exc)))
        digest.update(b"\0")
    for link in found.links:
        digest.update(b"link\0" + _name(link.path) + _name(link.target))
    for refused in found.refused:
        digest.update(b"refused\0" + _name(refused.path) + _name(refused.reason))
    return digest.hexdigest()


def _name(text: str) -> bytes:
    return text.encode(errors="surrogateescape") + b"\0"


@dataclass
class StudentRecord:
    """The last grading of one student: the submission's fingerprint, the outcome, the
    findings, and the course's grading inputs then (:mod:`autograder.grading.inputs`)."""

    fingerprint: str
    outcome: Outcome
    findings: list[Finding] = field(default_factory=list)
    inputs: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GradingState:
    """The file of :func:`load_state`: the records by student."""

    students: dict[str, StudentRecord]


def state_path(root: Path, assignment: str) -> Path:
    return root / STATE_DIRECTORY / f"{assignment}.json"


def load_state(root: Path, assignment: str, *,
               on_problem: Callable[[str], object]) -> dict[str, StudentRecord]:
    """Records by student; empty if nothing was graded yet, or if the file cannot be read,
    which ``on_problem`` is told in one line naming the file."""
    try:
        state = read_file(GradingState, state_path(root, assignment))
    except RecordError as error:
        on_problem(f"the grading records are not read: {error}; they count as none (so no "
                   "submission counts as graded before, and the next grading replaces them)")
        return {}
    return {} if state is None else state.students


def save_state(root: Path, assignment: str, records: dict[str, StudentRecord]) -> None:
    """Write atomically: a crash mid-write leaves the previous state intact."""
    write_file(state_path(root, assignment), GradingState(dict(sorted(records.items()))))


def needs_grading(record: StudentRecord | None, current: str, autograded: Path,
                  inputs: dict[str, str]) -> bool:
    """New, changed, graded with other grading inputs, not fully graded last time, or its
    autograded output is gone."""
    return (record is None or record.fingerprint != current or record.inputs != inputs
            or record.outcome.status != "graded" or not autograded.exists())
