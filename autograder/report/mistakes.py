"""The mistakes behind failed test cells, read from autograded notebooks.

The grader records its verdict on every test cell in ``cell.metadata.autograder``
(:mod:`autograder.verify.executor`): failures are counted by ``(case, diagnosis)`` when the
check diagnosed the mistake, by ``(case, verdict)`` and the message's first line with its
numbers normalised away when it did not, and by ``(case, exception name)`` when the student's
code raised. One mistake is one row whatever check found it: a wrong shape fails both the
shape test cell and the values test cell (which checks the shape first) with one diagnosis,
said once, with both checks. A failed cell without that record (a notebook graded otherwise)
is counted by the name of its error. A hidden run's message is one of a few fixed texts that
name no mistake (:mod:`jacobian_checks.hidden_messages`): a mistake's example is taken from
public runs, or else is its diagnosis's title.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from jacobian_checks.diagnosis import TITLES

from ..timeouts import TIMEOUT_ERRORS
from ..verify.plan import CHECKS
from ..verify.records import METADATA_KEY

MistakeKind = Literal["diagnosis", "verdict", "error"]
_MistakeKey = tuple[str, str, MistakeKind, str, str]
"""``(notebook, case, kind, name, normalised message or "")``."""
_CHECK_ORDER = list(CHECKS.values())

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?")
_NUMBERS_OF_SYMBOLS = re.compile(r"\s*=\s*\(\s*\d+(?:\s*,\s*\d+)*\s*,?\s*\)")
"""`` = (256, 1, 10)``: the numbers a message gives after a shape in symbols."""
_SYMBOLIC_SHAPE = re.compile(r"\([^()]*?(?<![\d.])[A-Za-z_][^()]*\)")
"""A shape written with symbols, ``(B, 1, D)``: its literal 1s are part of the shape."""


@dataclass(frozen=True)
class FailedCell:
    """The first error output of one failed test cell of one student's notebook, and the
    grader's record of the verdict (``case``, ``check``, ``verdict``, ``diagnosis``), if any."""

    student: str
    notebook: str
    cell: str
    ename: str
    evalue: str
    verdict: Mapping[str, Any] | None = None


@dataclass(frozen=True)
class Mistake:
    """One kind of failure, and who made it.

    Attributes
    ----------
    notebook : str
    case : str
        The case whose check failed (``""`` for a failed cell without the grader's record).
    checks : tuple of str
        The checks that failed with this mistake, in the order a notebook runs them
        (``predicted_shape``, ``shape``, ``values``); empty without the grader's record.
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
    checks: tuple[str, ...]
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
    :func:`autograder.timeouts.timed_out`).
    """
    failed = []
    for cell in notebook.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        outputs = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if meta.get("grade") and outputs:
            first = outputs[0]
            record = cell.get("metadata", {}).get(METADATA_KEY)
            failed.append(FailedCell(
                student, notebook_name, str(meta.get("grade_id", "")), str(first.get("ename")),
                str(first.get("evalue", "")), record if isinstance(record, dict) else None))
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
    groups: dict[_MistakeKey, list[tuple[FailedCell, str]]] = defaultdict(list)
    for error in errors:
        keyed = _mistake_key(error)
        if keyed is not None:
            groups[keyed[0]].append((error, keyed[1]))
    mistakes = []
    for (notebook, case, kind, name, _), found in groups.items():
        members = [error for error, _ in found]
        public = [e for e in members if not (e.verdict or {}).get("hidden")]
        examples = Counter(normalise_message(e.evalue) for e in public or members)
        example = examples.most_common(1)[0][0]
        if kind == "diagnosis" and not public:
            example = TITLES.get(name, example)
        checks = sorted({check for _, check in found if check}, key=_check_position)
        mistakes.append(Mistake(notebook, case, tuple(checks), kind, name, example,
                                len(members), tuple(sorted({e.student for e in members}))))
    return sorted(mistakes, key=lambda m: (m.notebook, m.kind == "error", -len(m.students),
                                           -m.failures, m.case, m.checks, m.name, m.example))


def _mistake_key(error: FailedCell) -> tuple[_MistakeKey, str] | None:
    """The mistake a failed cell counts for and the check that failed; ``None`` for a
    timeout."""
    tag = error.verdict
    if error.ename in TIMEOUT_ERRORS or (tag and tag.get("verdict") == "timed_out"):
        return None
    if not tag or not tag.get("verdict"):
        return (error.notebook, "", "error", error.ename, ""), ""
    case, check = str(tag.get("case") or ""), str(tag.get("check") or "")
    if tag["verdict"] == "raised":
        return (error.notebook, case, "error", str(tag.get("error") or "an exception"), ""), check
    if tag.get("diagnosis"):
        return (error.notebook, case, "diagnosis", str(tag["diagnosis"]), ""), check
    return (error.notebook, case, "verdict", str(tag["verdict"]),
            normalise_message(error.evalue)), check


def _check_position(check: str) -> tuple[int, str]:
    return (_CHECK_ORDER.index(check) if check in _CHECK_ORDER else len(_CHECK_ORDER), check)
