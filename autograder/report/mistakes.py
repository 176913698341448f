"""The mistakes behind failed test cells, read from autograded notebooks.

The grader records its verdict on every test cell in ``cell.metadata.autograder``
(:mod:`autograder.verify.executor`): failures are counted by ``(case, check, diagnosis)`` when
the check diagnosed the mistake, else by ``(case, check, verdict)`` and the message's first
line with its numbers normalised away. A failed cell without that record (a notebook graded
otherwise) is counted by the name of its error. A hidden run's message is one of a few fixed
texts that name no mistake (:mod:`jacobian_checks.hidden_messages`): a mistake's example is
taken from public runs, or else is its diagnosis's title.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jacobian_checks.diagnosis import TITLES

from ..verify.records import TIMEOUT_ERRORS, TIMEOUT_VERDICT, CellRecord, cell_record

MistakeKind = Literal["diagnosis", "verdict", "error"]

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
_NUMBERS_OF_SYMBOLS = re.compile(r"\s*=\s*\(\s*\d+(?:\s*,\s*\d+)*\s*,?\s*\)")
"""`` = (256, 1, 10)``: the numbers a message gives after a shape in symbols."""
_SYMBOLIC_SHAPE = re.compile(r"\([^()]*?(?<![\d.])[A-Za-z_][^()]*\)")
"""A shape written with symbols, ``(B, 1, D)``: its literal 1s are part of the shape."""


@dataclass(frozen=True)
class FailedCell:
    """The first error output of one failed test cell of one student's notebook, and the
    grader's record of the verdict, if any."""

    student: str
    notebook: str
    cell: str
    ename: str
    evalue: str
    verdict: CellRecord | None = None


@dataclass(frozen=True)
class Mistake:
    """One kind of failure, and who made it.

    Attributes
    ----------
    notebook : str
    case, check : str
        From the tag line (``""`` for errors raised by the student's code).
    kind : {"diagnosis", "verdict", "error"}
        What ``name`` is: a diagnosis key (``sign_flipped``), a check's verdict when no
        diagnosis was made (``wrong_values``), or an exception name (``NameError``).
    name : str
    example : str
        The most common first line of the messages of public runs, numbers replaced by
        ``N``; for a diagnosis seen on hidden runs only, its title.
    failures : int
        Failed test cells.
    students : tuple of str
        The students who made it, sorted.
    """

    notebook: str
    case: str
    check: str
    kind: MistakeKind
    name: str
    example: str
    failures: int
    students: tuple[str, ...]


def failed_cells(student: str, notebook_name: str,
                 notebook: Mapping[str, Any]) -> list[FailedCell]:
    """The error of every failed test cell (nbgrader ``grade`` cell) of a notebook.

    ``notebook`` is the parsed JSON of an autograded notebook. A cell cut off by the
    execution timeout is returned with the timeout's exception name (see
    :func:`autograder.verify.records.timed_out`).
    """
    failed = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        outputs = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if meta.get("grade") and outputs:
            first = outputs[0]
            failed.append(FailedCell(
                student, notebook_name, str(meta.get("grade_id", "")), str(first.get("ename")),
                str(first.get("evalue", "")), cell_record(cell)))
    return failed


def normalise_message(text: str) -> str:
    """The first non-empty line of ``text`` with every number replaced by ``N``, but for the
    shapes written in symbols, which stay as they are (the numbers after them go).

    Examples: ``"returned an array of shape (256, 10)"`` gives ``"returned an array of shape
    (N, N)"``; ``"the shape of yhat, (B, D) = (256, 10): ..."`` gives ``"the shape of yhat,
    (B, D): ..."``.
    """
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    first = _NUMBERS_OF_SYMBOLS.sub("", first)
    parts = _SYMBOLIC_SHAPE.split(first)
    shapes = _SYMBOLIC_SHAPE.findall(first)
    return "".join(_NUMBER.sub("N", part) + (shapes[k] if k < len(shapes) else "")
                   for k, part in enumerate(parts))


def count_mistakes(errors: Iterable[FailedCell]) -> list[Mistake]:
    """Group failed test cells by mistake; timeouts are left out (they are run problems).

    Sorted by notebook; in a notebook, the checks' failures before the errors of the
    students' code, each by the number of students, most first.
    """
    groups: dict[tuple[str, str, str, MistakeKind, str, str], list[FailedCell]] = (
        defaultdict(list))
    for error in errors:
        if error.ename in TIMEOUT_ERRORS:
            continue
        tag = error.verdict
        key: tuple[str, str, str, MistakeKind, str, str]
        if tag and tag.verdict == TIMEOUT_VERDICT:
            continue
        if not tag or not tag.verdict:
            key = (error.notebook, "", "", "error", error.ename, "")
        elif tag.verdict == "raised":
            key = (error.notebook, "", "", "error", tag.error or "an exception", "")
        elif tag.diagnosis:
            key = (error.notebook, tag.case, str(tag.check), "diagnosis", tag.diagnosis, "")
        else:
            key = (error.notebook, tag.case, str(tag.check), "verdict", tag.verdict,
                   normalise_message(error.evalue))
        groups[key].append(error)
    mistakes = []
    for (notebook, case, check, kind, name, _), members in groups.items():
        public = [e for e in members if not (e.verdict and e.verdict.hidden)]
        examples = Counter(normalise_message(e.evalue) for e in public or members)
        example = examples.most_common(1)[0][0]
        if kind == "diagnosis" and not public:
            example = TITLES.get(name, example)
        mistakes.append(Mistake(notebook, case, check, kind, name, example, len(members),
                                tuple(sorted({e.student for e in members}))))
    return sorted(mistakes, key=lambda m: (m.notebook, m.kind == "error", -len(m.students),
                                           -m.failures, m.case, m.check, m.name, m.example))
