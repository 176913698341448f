"""nbgrader's ``flagged`` mark, set and cleared by the grader without overriding a human's.

The formgrader shows one mark per submitted notebook, the "Flagged?" column
(``SubmittedNotebook.flagged``), which instructors also set by hand. The grader sets it when it
has findings about a notebook (its flags: :func:`autograder.verify.records.notebook_flags`)
and clears it when a regrade has none -- but only the mark it set itself. nbgrader keeps no
record of who set a mark, and the autograded notebook is deleted before each regrade, so the
grader keeps its own: a small file per submitted notebook under ``.autograder/flags/`` in the
course directory (:class:`MarkRecord`), holding the gradebook's id of that submitted notebook
(a new gradebook has new ids, so an old record never applies to it). :func:`decide` is the
policy:

- findings, and the notebook is not flagged: the grader flags it, and records that it did;
- findings, and a human flagged it first: the mark stays theirs (never cleared by the grader);
- the same findings as at the last grading: the mark is left as the instructor left it (a
  flag cleared after a review stays cleared);
- no findings: the grader clears the mark it set, and only that one.

What this cannot tell: a human who clears the grader's mark and then sets it again leaves it
as it was, the grader's, which a regrade without findings clears.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode
from nbformat.v4 import new_output

from .grading.state import STATE_DIRECTORY
from .verify.records import METADATA_KEY

MARKS_DIRECTORY = "flags"
"""Folder of the grader's records, under the course's ``.autograder`` folder."""


@dataclass(frozen=True)
class Mark:
    """What the grader found in a notebook at its last grading, and whether it set the flag
    for it (``False``: a human had flagged the notebook first)."""

    set_by_grader: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    """The flag after grading, what to record for the next grading, and what to say."""

    flagged: bool
    mark: Mark | None
    note: str


def decide(flagged: bool, previous: Mark | None, reasons: tuple[str, ...]) -> Decision:
    """The grader's move on a notebook flagged or not (``flagged``), given its record of the
    last grading (``previous``) and its findings now (``reasons``); see the module docstring."""
    if reasons:
        if previous is not None and previous.reasons == reasons:
            if flagged:
                return Decision(True, previous, "flagged" if previous.set_by_grader else
                                "flagged by hand before the grader's findings; left to you")
            return Decision(False, previous, "not flagged: the grader flagged the same "
                            "findings at an earlier grading and the flag was cleared since")
        if not flagged or (previous is not None and previous.set_by_grader):
            return Decision(True, Mark(True, reasons), "flagged")
        return Decision(True, Mark(False, reasons),
                        "flagged by hand before the grader's findings; left to you")
    if previous is not None and previous.set_by_grader and flagged:
        return Decision(False, None, "the grader's flag was cleared: its findings are gone")
    return Decision(flagged, None, "")


class MarkRecord:
    """The grader's record of one submitted notebook of the course at ``root``.

    Its file is named by a hash of the assignment, student and notebook names (any student id
    makes a safe file name), so that a notebook the grader never flagged costs no gradebook
    query; it holds the gradebook's id of the ``SubmittedNotebook``, so that a record made
    with another gradebook is never applied.
    """

    def __init__(self, root: Path, assignment: str, student: str, notebook: str) -> None:
        name = hashlib.sha256("\0".join([assignment, student, notebook]).encode()).hexdigest()
        self.path = Path(root) / STATE_DIRECTORY / MARKS_DIRECTORY / f"{name}.json"

    def exists(self) -> bool:
        return self.path.is_file()

    def read(self, submission_id: str) -> Mark | None:
        """The record of the submitted notebook ``submission_id``, or ``None`` (no record, a
        record of another gradebook, or one that cannot be read)."""
        try:
            data = json.loads(self.path.read_text())
            if data["submission"] != submission_id:
                return None
            return Mark(bool(data["set_by_grader"]), tuple(map(str, data["reasons"])))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, submission_id: str, mark: Mark | None) -> None:
        """Replace the record (``None``: delete it)."""
        if mark is None:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps({"submission": submission_id,
                                       "set_by_grader": mark.set_by_grader,
                                       "reasons": list(mark.reasons)}))
        os.replace(partial, self.path)


NOTE = "instructor_note"
"""``output.metadata.autograder`` of the note the grader shows the instructor."""


def add_note(nb: NotebookNode, text: str) -> None:
    """Show ``text`` above the outputs of the notebook's first code cell, where the formgrader
    shows it first."""
    first = next((cell for cell in nb.cells if cell.cell_type == "code"), None)
    if first is not None:
        first.outputs.insert(0, new_output("display_data", data={"text/plain": text},
                                           metadata={METADATA_KEY: NOTE}))


def drop_notes(nb: NotebookNode) -> None:
    """Remove every output marked as the grader's note (a kernel may have forged one)."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [output for output in cell.get("outputs", [])
                            if not _is_note(output.get("metadata"))]


def _is_note(metadata: object) -> bool:
    return isinstance(metadata, dict) and metadata.get(METADATA_KEY) == NOTE


def note_text(reasons: tuple[str, ...], decision: Decision) -> str:
    """What the instructor reads at the top of the autograded notebook."""
    lines = [f"Flagged for the instructor by the grader (the formgrader's \"Flagged?\" mark: "
             f"{decision.note}). Flags change no score; students do not see this note."
             if reasons else f"Not flagged by the grader ({decision.note})."]
    return "\n".join(lines + [f"- {reason}" for reason in reasons]) + "\n"
