"""The grader against an independent bank of student answers (course/answer_bank).

Each answer's source is executed in a fresh namespace, then judged by the grader's own path
(:mod:`tests.trusted`: the probe's JSON and the grader's verdicts) on the public sizes (the
notebook's and the case's second set) and on the hidden runs of several students, drawn from
a test secret; the outcome must match the answer's ``expect``. A ``fails_hidden`` answer, a
size typed in, is right on the notebook's sizes and must fail on the second set already, at
home. Disagreements that we believe are the grader's fault are listed in
``GRADER_DISAGREEMENTS`` and run as strict xfails.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from autograder.verify.in_process import judge_once
from cases.registry import CASES
from course.answer_bank import (
    ANSWERS,
    APPLICABLE_MISTAKES,
    MISTAKES,
    PREDICTED_SHAPES,
    BankAnswer,
)
from jacobian_checks.public_case import VISIBLE_SEED
from tests.trusted import verdicts

STUDENTS = ("ada", "ben", "cam")
"""Students whose hidden runs each answer is judged on: 2 runs each."""

#: (case, name) -> reason, for answers on which we believe the grader is wrong.
GRADER_DISAGREEMENTS: dict[tuple[str, str], str] = {}


def _load(answer: BankAnswer) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": f"answer_bank_{answer.case}_{answer.name}"}
    exec(compile(answer.source, f"<{answer.case}/{answer.name}>", "exec"), namespace)
    return namespace


def _params(answers: tuple[BankAnswer, ...]) -> list[object]:
    params = []
    for answer in answers:
        reason = GRADER_DISAGREEMENTS.get((answer.case, answer.name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(answer, id=f"{answer.case}-{answer.name}", marks=marks))
    return params


@pytest.mark.parametrize("answer", _params(ANSWERS))
def test_graded_function(answer: BankAnswer) -> None:
    case = CASES[answer.case]
    namespace = _load(answer)
    namespace["jacobian_shape"] = lambda *sizes: case.layout.shape(
        dict(zip(case.size_names, sizes, strict=True)))
    runs = [verdicts(namespace, case, student=student) for student in STUDENTS]
    shape = [run[f"test_{case.function}_shape"] for run in runs]
    values = [run[f"test_{case.function}_values"] for run in runs]
    assert all(run["test_jacobian_shape"].passed for run in runs), "a right prediction failed"
    if answer.expect == "fails_shape":
        assert not shape[0].visible_passed, "shape check accepted a wrong shape"
        assert not values[0].visible_passed, "values check accepted a wrong shape"
    elif answer.expect == "fails_values":  # a right shape on the notebook's sizes at least
        assert _passes_on_the_notebooks_sizes(namespace, "shape", case.key), (
            "shape check rejected a right shape")
        assert not values[0].visible_passed, "values check accepted wrong values"
    elif answer.expect == "pass":
        rejected = [v.rejection for v in shape + values if not v.passed]
        assert not rejected, f"a right answer was rejected: {rejected[0]}"
    else:
        assert answer.expect == "fails_hidden"
        assert all(_passes_on_the_notebooks_sizes(namespace, check, case.key)
                   for check in ("shape", "values")), "rejected at the notebook's sizes"
        assert not values[0].visible_passed and not values[0].hidden, (
            "the second sizes did not catch it at home")


@pytest.mark.parametrize("answer", _params(PREDICTED_SHAPES))
def test_predicted_shape(answer: BankAnswer) -> None:
    case = CASES[answer.case]
    namespace = _load(answer)
    namespace[case.function] = lambda *arguments: None
    found = [verdicts(namespace, case, student=student)["test_jacobian_shape"]
             for student in STUDENTS]
    if answer.expect == "fails_shape":
        assert not found[0].visible_passed, "wrong predicted shape accepted"
    elif answer.expect == "pass":
        assert all(v.passed for v in found), f"right predicted shape rejected: {found}"
    else:
        assert answer.expect == "fails_hidden"
        assert _passes_on_the_notebooks_sizes(namespace, "predicted_shape", case.key), (
            "rejected at the notebook's sizes")
        assert not found[0].visible_passed and not found[0].hidden, (
            "the second sizes did not catch it at home")


def _passes_on_the_notebooks_sizes(namespace: dict[str, Any], check: str, case: str) -> bool:
    return judge_once(namespace, check, case, dict(CASES[case].visible_sizes),
                      VISIBLE_SEED) is None


def test_bank_is_large_and_varied() -> None:
    for case in CASES:
        answers = [a for a in ANSWERS if a.case == case]
        shapes = [a for a in PREDICTED_SHAPES if a.case == case]
        assert sum(a.expect == "pass" for a in answers) >= 15, case
        assert sum(a.expect != "pass" for a in answers) >= 15, case
        assert sum(a.expect == "pass" for a in shapes) >= 4, case
        assert sum(a.expect != "pass" for a in shapes) >= 4, case
        assert {"fails_shape", "fails_values", "fails_hidden"} <= {a.expect for a in answers}


@pytest.mark.parametrize("bank", [ANSWERS, PREDICTED_SHAPES], ids=["answers", "shapes"])
def test_names_unique_per_case(bank: tuple[BankAnswer, ...]) -> None:
    duplicates = [key for key, n in Counter((a.case, a.name) for a in bank).items() if n > 1]
    assert not duplicates


def test_every_applicable_mistake_is_covered() -> None:
    assert set(APPLICABLE_MISTAKES) == set(CASES)
    for case, labels in APPLICABLE_MISTAKES.items():
        assert labels <= set(MISTAKES), case
        used = {a.mistake for a in ANSWERS + PREDICTED_SHAPES if a.case == case}
        assert labels <= used, f"{case}: labels never used: {sorted(labels - used)}"
    used_anywhere = {a.mistake for a in ANSWERS + PREDICTED_SHAPES}
    assert set(MISTAKES) <= used_anywhere, sorted(set(MISTAKES) - used_anywhere)
    assert set().union(*APPLICABLE_MISTAKES.values()) == set(MISTAKES)


def test_answers_are_consistent() -> None:
    for answer in ANSWERS + PREDICTED_SHAPES:
        assert answer.case in CASES
        assert (answer.mistake is None) == (answer.expect == "pass"), answer.name
        if answer.expect == "fails_hidden":
            assert answer.mistake == "hardcoded_sizes", answer.name
        assert "import numpy as np" in answer.source or "np." not in answer.source, answer.name
