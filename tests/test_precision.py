"""One band for every precision: properties over cases, sizes, inputs and answers.

Every check here is the grader's own (``judge_once``: the probe's JSON, the verdicts, a
reference computed for the drawn inputs), on the notebook's sizes or on hidden runs drawn from
random secrets, with many inputs:

- every right answer of the bank, computed in float64, on float32 inputs (so in float32
  throughout), or cast to float32 at the end, is accepted;
- the solution times every factor the course names (2, 1/2, each size and its inverse,
  B/(B - 1)) and times ``1 +- 1e-3``, in float64 or float32, is rejected;
- every wrong answer of the bank, cast to float32, is still rejected, and cast to float16 is
  told that float16 is too coarse;
- a right answer in float16 is told so too, never judged on a wider band.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.hidden import hidden_runs
from autograder.verify.in_process import judge_once
from cases.case import Case
from cases.registry import CASES
from course.answer_bank import BankAnswer, every_case
from course.classroom import solution_answers
from course.workspace import ROOT
from jacobian_checks.public_case import VISIBLE_SEED

SETTINGS = settings(max_examples=60, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow])

ANSWERS = [answer for case in every_case() for answer in case.answers]
RIGHT = [a for a in ANSWERS if a.expect == "pass"]
WRONG = [a for a in ANSWERS if a.expect in ("fails_values", "fails_shape")]

CASTS: dict[str, Callable[[Callable[..., Any]], Callable[..., Any]]] = {
    "float64": lambda f: f,
    "float32 inputs": lambda f: lambda *a: f(*[np.asarray(x, dtype=np.float32) for x in a]),
    "float32 output": lambda f: lambda *a: np.asarray(f(*a), dtype=np.float32),
}


def load(answer: BankAnswer) -> Callable[..., Any]:
    return answer.namespace()[answer.graded]


@st.composite
def runs(draw: st.DrawFn, case: Case) -> tuple[dict[str, int], int]:
    """The notebook's sizes with a random input seed, or a hidden run of a random secret."""
    if draw(st.booleans()):
        return dict(case.visible_sizes), draw(st.integers(0, 2**32))
    run = hidden_runs(draw(st.binary(min_size=32, max_size=32)), case.assignment, "s", case)[0]
    return run.sizes, run.seed


def values_rejection(case: Case, function: Callable[..., Any], run: tuple[dict[str, int], int]):
    sizes, seed = run
    return judge_once({case.function: function}, "values", case.key, sizes, seed,
                      hidden=seed != VISIBLE_SEED)


@SETTINGS
@given(data=st.data())
def test_right_answers_are_accepted_in_float64_and_float32(data):
    answer = data.draw(st.sampled_from(RIGHT))
    cast = data.draw(st.sampled_from(sorted(CASTS)))
    case = CASES[answer.case]
    rejection = values_rejection(case, CASTS[cast](load(answer)), data.draw(runs(case)))
    assert rejection is None, (answer.name, cast, rejection)


def _solution(case: Case) -> Callable[..., Any]:
    """The notebook's own solution of ``case``."""
    namespace: dict[str, Any] = {"np": np}
    exec(solution_answers(ROOT, case.assignment)[case.notebook][case.function], namespace)
    return namespace[case.function]


def _named_factors(sizes: dict[str, int]) -> list[float]:
    factors = [2.0, 0.5, 1 + 1e-3, 1 - 1e-3]
    for size in sizes.values():
        factors += [size, 1 / size] if size > 1 else []
    batch = sizes.get("B", 0)
    return factors + ([batch / (batch - 1)] if batch > 2 else [])


@SETTINGS
@given(data=st.data())
def test_named_factors_and_one_per_mille_are_rejected_in_float64_and_float32(data):
    case = data.draw(st.sampled_from(list(CASES.values())))
    run = data.draw(runs(case))
    factor = data.draw(st.sampled_from(_named_factors(run[0])))
    dtype = data.draw(st.sampled_from([np.float64, np.float32]))
    solution = _solution(case)

    def scaled(*arguments: Any) -> np.ndarray:
        return (np.asarray(solution(*arguments)) * factor).astype(dtype)

    rejection = values_rejection(case, scaled, run)
    assert rejection is not None and rejection.verdict == "wrong_values", (case.key, factor)


@pytest.mark.parametrize("answer", WRONG, ids=[f"{a.case}-{a.name}" for a in WRONG])
@pytest.mark.parametrize("dtype", [np.float32, np.float16])
def test_wrong_answers_of_the_bank_stay_rejected_in_float32_and_float16(answer, dtype):
    case = CASES[answer.case]
    function = load(answer)

    def cast(*arguments: Any) -> Any:
        returned = function(*arguments)
        try:
            return np.asarray(returned, dtype=dtype)
        except (TypeError, ValueError):
            return returned  # not an array at all: rejected as such

    rejection = values_rejection(case, cast, (dict(case.visible_sizes), VISIBLE_SEED))
    assert rejection is not None
    if dtype == np.float16 and rejection.verdict not in ("wrong_shape", "wrong_type", "raised"):
        assert rejection.verdict == "too_coarse"


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_a_right_answer_in_float16_is_told_it_is_too_coarse_never_judged_on_a_wider_band(case):
    solution = _solution(case)
    rejection = values_rejection(
        case, lambda *a: np.asarray(solution(*a), dtype=np.float16),
        (dict(case.visible_sizes), VISIBLE_SEED))
    assert rejection is not None and rejection.verdict == "too_coarse"
    assert rejection.message.endswith("values, e.g. with .astype(np.float64).")
