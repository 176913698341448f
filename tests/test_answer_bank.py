"""The grader against an independent bank of student answers (course/answer_bank).

Each answer's source is executed in a fresh namespace, then graded with the public checks at the
visible sizes (seed 0) and at every hidden size (seeds 1 and 2); the outcome must match the
answer's ``expect``.  Disagreements that we believe are the grader's fault are listed in
``GRADER_DISAGREEMENTS`` and run as strict xfails.
"""

from __future__ import annotations

import contextlib
import io
from collections import Counter
from collections.abc import Callable

import numpy as np
import pytest

from autograder import (
    JacobianCheckError,
    check_jacobian_shape,
    check_jacobian_values,
    check_predicted_shape,
)
from autograder.cases import CASES
from course.answer_bank import (
    ANSWERS,
    APPLICABLE_MISTAKES,
    MISTAKES,
    PREDICTED_SHAPES,
    BankAnswer,
)

HIDDEN_SEEDS = (1, 2)

#: (case, name) -> reason, for answers on which we believe the grader is wrong.
GRADER_DISAGREEMENTS: dict[tuple[str, str], str] = {}


def _load(answer: BankAnswer, function_name: str) -> Callable[..., object]:
    namespace: dict[str, object] = {"__name__": f"answer_bank_{answer.case}_{answer.name}"}
    exec(compile(answer.source, f"<{answer.case}/{answer.name}>", "exec"), namespace)
    function = namespace[function_name]
    assert callable(function)
    return function


def _params(answers: tuple[BankAnswer, ...]) -> list[object]:
    params = []
    for answer in answers:
        reason = GRADER_DISAGREEMENTS.get((answer.case, answer.name))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(answer, id=f"{answer.case}-{answer.name}", marks=marks))
    return params


def _raises(check: Callable[[], None], *, any_exception: bool = False) -> bool:
    """Run one check; True if it rejected the answer, False if it accepted it."""
    random_state = np.random.get_state()  # some students reseed the global generator
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # some students leave prints in
            check()
    except JacobianCheckError:
        return True
    except Exception:
        if any_exception:  # a crash inside the student's code at a hidden size is a failure too
            return True
        raise
    finally:
        np.random.set_state(random_state)
    return False


def _hidden_runs(case: str) -> list[tuple[int, dict[str, int]]]:
    return [(seed, dict(sizes)) for sizes in CASES[case].hidden_sizes for seed in HIDDEN_SEEDS]


@pytest.mark.parametrize("answer", _params(ANSWERS))
def test_graded_function(answer: BankAnswer) -> None:
    case = CASES[answer.case]
    fn = _load(answer, case.function)
    visible = dict(case.visible_sizes)

    def shape(seed: int, sizes: dict[str, int]) -> Callable[[], None]:
        return lambda: check_jacobian_shape(fn, answer.case, seed=seed, **sizes)

    def values(seed: int, sizes: dict[str, int], hidden: bool) -> Callable[[], None]:
        return lambda: check_jacobian_values(fn, answer.case, seed=seed, hidden=hidden, **sizes)

    if answer.expect == "fails_shape":
        assert _raises(shape(0, visible)), "shape check accepted a wrong shape"
        assert _raises(values(0, visible, False)), "values check accepted a wrong shape"
        return
    if answer.expect == "fails_values":
        assert not _raises(shape(0, visible)), "shape check rejected a right shape"
        assert _raises(values(0, visible, False)), "values check accepted wrong values"
        return

    # "pass" and "fails_hidden" must both pass everything at the visible sizes.
    assert not _raises(shape(0, visible)), "shape check rejected at the visible sizes"
    assert not _raises(values(0, visible, False)), "values check rejected at the visible sizes"
    if answer.expect == "pass":
        for seed, sizes in _hidden_runs(answer.case):
            assert not _raises(shape(seed, sizes)), f"shape check rejected at {sizes}, seed {seed}"
            assert not _raises(values(seed, sizes, True)), (
                f"values rejected at {sizes}, seed {seed}"
            )
    else:
        assert answer.expect == "fails_hidden"
        rejected = [
            (seed, sizes)
            for seed, sizes in _hidden_runs(answer.case)
            if _raises(shape(seed, sizes), any_exception=True)
            or _raises(values(seed, sizes, True), any_exception=True)
        ]
        assert rejected, "no hidden size/seed rejected this answer"


@pytest.mark.parametrize("answer", _params(PREDICTED_SHAPES))
def test_predicted_shape(answer: BankAnswer) -> None:
    case = CASES[answer.case]
    fn = _load(answer, "jacobian_shape")

    def check(sizes: dict[str, int]) -> Callable[[], None]:
        return lambda: check_predicted_shape(fn, answer.case, **sizes)

    visible = dict(case.visible_sizes)
    hidden = [dict(sizes) for sizes in case.hidden_sizes]
    if answer.expect == "fails_shape":
        assert _raises(check(visible)), "wrong predicted shape accepted"
    elif answer.expect == "pass":
        for sizes in [visible, *hidden]:
            assert not _raises(check(sizes)), f"right predicted shape rejected at {sizes}"
    else:
        assert answer.expect == "fails_hidden"
        assert not _raises(check(visible)), "rejected at the visible sizes"
        assert any(_raises(check(s), any_exception=True) for s in hidden), "no hidden size failed"


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
