"""What the last grading runs left: per student, the submission graded and the outcome.

Stored as JSON in ``<course>/.autograder/<assignment>.json``; it decides which submissions
are new or changed, and the course report reads it for failed and timed-out students.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..submission_files import RefusedFile, read_chunks, walk
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

    def to_json(self) -> dict[str, Any]:
        return {"fingerprint": self.fingerprint, "outcome": self.outcome.to_json(),
                "findings": [vars(f) for f in self.findings], "inputs": self.inputs}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StudentRecord:
        return cls(fingerprint=data["fingerprint"], outcome=Outcome.from_json(data["outcome"]),
                   findings=[Finding(**f) for f in data.get("findings", [])],
                   inputs=dict(data.get("inputs", {})))


def state_path(root: Path, assignment: str) -> Path:
    return root / STATE_DIRECTORY / f"{assignment}.json"


def load_state(root: Path, assignment: str) -> dict[str, StudentRecord]:
    """Records by student; empty if nothing was graded yet."""
    path = state_path(root, assignment)
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    return {student: StudentRecord.from_json(record)
            for student, record in data["students"].items()}


def save_state(root: Path, assignment: str, records: dict[str, StudentRecord]) -> None:
    """Write atomically: a crash mid-write leaves the previous state intact."""
    path = state_path(root, assignment)
    path.parent.mkdir(exist_ok=True)
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(
        {"students": {s: r.to_json() for s, r in sorted(records.items())}}, indent=1))
    os.replace(temporary, path)


def needs_grading(record: StudentRecord | None, current: str, autograded: Path,
                  inputs: dict[str, str]) -> bool:
    """New, changed, graded with other grading inputs, not fully graded last time, or its
    autograded output is gone."""
    return (record is None or record.fingerprint != current or record.inputs != inputs
            or record.outcome.status != "graded" or not autograded.exists())
