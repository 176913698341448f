"""The grader against an independent bank of student answers (course/answer_bank).

Each answer's cell is executed in a fresh namespace, then judged by the grader's own path
(:mod:`tests.trusted`: the probe's JSON and the grader's verdicts) on the public sizes (the
notebook's and the case's second set) and on the hidden runs of several students, drawn from
a test secret; the outcome must match the answer's ``expect``. A ``fails_hidden`` answer, a
size typed in, is right on the notebook's sizes and must fail on the second set already, at
home. Disagreements that we believe are the grader's fault are listed in
``GRADER_DISAGREEMENTS`` and run as strict xfails.

The bank itself: each case's module holds enough answers of every kind, and says so by name
when it does not; each answer's cell is what a student would write, runs alone, and computes
what the answer's function computes; no two answers of a case are the same code.
"""

from __future__ import annotations

from typing import Any

import pytest

from autograder.verify.in_process import judge_once
from cases.registry import CASES
from course.answer_bank import MISTAKES, BankAnswer, every_case
from jacobian_checks.public_case import VISIBLE_SEED
from tests.trusted import verdicts

ANSWERS = tuple(answer for case in every_case() for answer in case.answers)
PREDICTED_SHAPES = tuple(answer for case in every_case() for answer in case.predicted_shapes)

STUDENTS = ("ada", "ben", "cam")
"""Students whose hidden runs each answer is judged on: 2 runs each."""

#: (case, name) -> reason, for answers on which we believe the grader is wrong.
GRADER_DISAGREEMENTS: dict[tuple[str, str], str] = {}


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
    namespace = answer.namespace()
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
    namespace = answer.namespace()
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


def test_every_mistake_is_applicable_somewhere_and_used():
    applicable = [bank.applicable_mistakes for bank in every_case()]
    assert set().union(*applicable) == set(MISTAKES)
    used_anywhere = {a.mistake for a in ANSWERS + PREDICTED_SHAPES}
    assert set(MISTAKES) <= used_anywhere, sorted(set(MISTAKES) - used_anywhere)
