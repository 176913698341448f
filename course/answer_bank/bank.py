"""Each case's answers, collected from its module, with what a case's bank must hold.

A case's answers are the module ``answers.py`` of its folder, ``cases/<assignment>/<key>/``
(:func:`answers_module`): its functions under the
decorators of :mod:`.declare`, ``APPLICABLE_MISTAKES`` (the labels of :mod:`.mistakes` that make
sense for the case, each used by an answer) and ``OTHER_SIZES`` (runs on other sizes than the
notebook's, some smaller and some larger, where the wrong answers are diagnosed too). A module
that is missing, or holds too few answers, stops with a :class:`~.cells.BankError` that names
its file and what is missing.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from cases.case import Case
from cases.registry import CASES, CASES_DIR, NEW_CASE, where

from .cells import BankError, cell_text, shown_path
from .declare import OtherDiagnosis, declaration
from .mistakes import MISTAKES

TEMPLATE = shown_path(Path(__file__).parents[1] / "case_template" / "answers.py.tmpl")
"""The skeleton of a case's answers, which ``python -m course new-case`` writes."""

SETUP = "import numpy as np"
"""The notebooks' setup cell, run before a graded cell."""

PREDICTION = "jacobian_shape"
"""The graded name of a prediction of the Jacobian's shape."""

AT_LEAST = {"right answers": 15, "wrong answers": 15, "right predictions": 4,
            "wrong predictions": 4}
"""How many answers of each kind every case needs, at least."""

_DECORATOR = {"right answers": "@right", "wrong answers": "@wrong(mistake)",
              "right predictions": "@right_prediction",
              "wrong predictions": "@wrong_prediction(mistake)"}


@dataclass(frozen=True)
class BankAnswer:
    """One answer a student could leave in a graded cell.

    Attributes
    ----------
    case : str
        The case's key, e.g. ``"scalar_wrt_vector"``.
    name : str
        The answer's function in the case's module; unique within the case.
    graded : str
        The name the cell defines: the case's function, or ``"jacobian_shape"``.
    source : str
        The cell: the imports, helpers and constants it uses, then the graded function.
    expect : str
        One of :data:`~.mistakes.EXPECTATIONS`.
    mistake : str or None
        One of :data:`~.mistakes.MISTAKES` for a wrong answer, ``None`` for a right one.
    other_diagnosis : OtherDiagnosis or None
        Set where it does not get the diagnosis of its mistake.
    crashes_at_other_sizes : bool
        A size typed in that raises in its own code at other sizes than the notebook's.
    """

    case: str
    name: str
    graded: str
    source: str
    expect: str
    mistake: str | None = None
    other_diagnosis: OtherDiagnosis | None = None
    crashes_at_other_sizes: bool = False

    def namespace(self) -> dict[str, Any]:
        """What the cell defines, run as the notebook runs it: in a fresh namespace, after the
        notebook's :data:`SETUP`."""
        namespace: dict[str, Any] = {"__name__": "__main__"}
        exec(SETUP, namespace)
        exec(compile(self.source, f"<{self.case}/{self.name}>", "exec"), namespace)
        return namespace


@dataclass(frozen=True)
class CaseAnswers:
    """Everything the bank holds for one case.

    Attributes
    ----------
    case : str
    path : str
        Its module's file, as shown in messages.
    answers : tuple of BankAnswer
        For the case's function, in the module's order.
    predicted_shapes : tuple of BankAnswer
        For ``jacobian_shape``.
    applicable_mistakes : frozenset of str
    other_sizes : tuple of dict of str to int
    """

    case: str
    path: str
    answers: tuple[BankAnswer, ...]
    predicted_shapes: tuple[BankAnswer, ...]
    applicable_mistakes: frozenset[str]
    other_sizes: tuple[dict[str, int], ...]


def every_case() -> tuple[CaseAnswers, ...]:
    """The answers of every case of the course."""
    return tuple(case_answers(key) for key in CASES)


@cache
def case_answers(key: str) -> CaseAnswers:
    """The answers of the course's case ``key``."""
    return load_case_answers(CASES[key])


def answer(case: str, name: str) -> BankAnswer:
    """The answer ``name`` (for the function or a prediction) of ``case``."""
    bank = case_answers(case)
    for found in bank.answers + bank.predicted_shapes:
        if found.name == name:
            return found
    raise BankError(f"{bank.path} has no answer {name}")


def answers_module(case: Case) -> str:
    """The module of ``case``'s answers: ``answers`` in its folder."""
    return f"cases.{case.assignment}.{case.key}.answers"


def load_case_answers(case: Case, name: str | None = None) -> CaseAnswers:
    """Collect and check the answers of ``case`` from the module ``name`` (by default
    :func:`answers_module`, ``cases/<assignment>/<key>/answers.py``)."""
    if name is None:
        name = answers_module(case)
        path = shown_path(CASES_DIR / case.assignment / case.key / "answers.py")
    else:
        package, _, last = name.rpartition(".")
        path = shown_path(Path(*importlib.import_module(package).__path__) / f"{last}.py")
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name is None or not f"{name}.".startswith(f"{error.name}."):
            raise
        raise BankError(f"{path} is missing: every case needs answers: "
                        f"`{NEW_CASE} {case.assignment} {case.key}` writes its skeleton "
                        f"({TEMPLATE}) into {where(case.assignment, case.key)}/") from None
    declared = {key: (value, found) for key, value in vars(module).items()
                if (found := declaration(value)) is not None
                and getattr(value, "__module__", None) == name}
    names: dict[int, list[str]] = {}
    for key, (value, _) in declared.items():
        names.setdefault(id(value), []).append(key)
    for twice in (keys for keys in names.values() if len(keys) > 1):
        raise BankError(f"{path} binds {' and '.join(twice)} to one function: give each "
                        "answer a function of its own")
    collected = []
    for key, (_, found) in declared.items():
        graded = PREDICTION if found.prediction else case.function
        collected.append(BankAnswer(
            case.key, key, graded, cell_text(module, key, graded, answers=declared),
            found.expect, found.mistake, found.other_diagnosis, found.crashes_at_other_sizes))
    applicable = getattr(module, "APPLICABLE_MISTAKES", None)
    if not isinstance(applicable, frozenset):
        raise BankError(f"{path} has no APPLICABLE_MISTAKES: a frozenset of the labels of "
                        f"course/answer_bank/mistakes.py that make sense for {case.key}")
    other_sizes = getattr(module, "OTHER_SIZES", None)
    if not isinstance(other_sizes, tuple):
        raise BankError(f"{path} has no OTHER_SIZES: a tuple of runs on other sizes than the "
                        f"notebook's ({', '.join(case.size_names)}), some smaller, some larger")
    bank = CaseAnswers(case.key, path, tuple(a for a in collected if a.graded != PREDICTION),
                       tuple(a for a in collected if a.graded == PREDICTION),
                       applicable, other_sizes)
    _check(bank, case)
    return bank


def _check(bank: CaseAnswers, case: Case) -> None:
    """Raise :class:`BankError` with what ``bank`` lacks, if anything."""
    counts = {"right answers": sum(a.expect == "pass" for a in bank.answers),
              "wrong answers": sum(a.expect != "pass" for a in bank.answers),
              "right predictions": sum(a.expect == "pass" for a in bank.predicted_shapes),
              "wrong predictions": sum(a.expect != "pass" for a in bank.predicted_shapes)}
    lacking = [f"{counts[kind]} {kind} (at least {least}: functions under {_DECORATOR[kind]})"
               for kind, least in AT_LEAST.items() if counts[kind] < least]
    expected = Counter(a.expect for a in bank.answers)
    lacking += [f"no wrong answer of {case.function} that {kind}"
                for kind in ("fails_shape", "fails_values", "fails_hidden") if not expected[kind]]
    labels = {a.mistake for a in bank.answers + bank.predicted_shapes if a.mistake}
    if bank.applicable_mistakes - labels:
        lacking.append(f"APPLICABLE_MISTAKES that no answer is labelled with: "
                       f"{sorted(bank.applicable_mistakes - labels)}")
    if labels - bank.applicable_mistakes:
        lacking.append(f"answers labelled with mistakes not in APPLICABLE_MISTAKES: "
                       f"{sorted(labels - bank.applicable_mistakes)}")
    if bank.applicable_mistakes - set(MISTAKES):
        lacking.append(f"APPLICABLE_MISTAKES that course/answer_bank/mistakes.py does not name: "
                       f"{sorted(bank.applicable_mistakes - set(MISTAKES))}")
    lacking += [f"OTHER_SIZES[{index}] with the sizes {sorted(sizes)}, not "
                f"{', '.join(case.size_names)}" for index, sizes in enumerate(bank.other_sizes)
                if not isinstance(sizes, dict) or set(sizes) != set(case.size_names)]
    if not bank.other_sizes:
        lacking.append("no OTHER_SIZES")
    if lacking:
        raise BankError(f"{bank.path} has " + "; ".join(lacking))
