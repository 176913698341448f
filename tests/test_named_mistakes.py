"""Each named mistake of each case: its answers get that diagnosis, no right answer gets it.

For every pair (case, diagnosis) that the answer bank (``course/answer_bank``) labels a wrong
answer with, one test:

- every wrong answer of that case with that label (but those whose decorator says they get
  another diagnosis, or crash at other sizes) gets exactly that diagnosis, on the notebook's
  sizes and on a hidden run (other sizes for a size typed in, or a predicted shape), where it
  is recorded for the report and the message is the check's fixed hidden text;
- every right answer of that case in the bank (float32, loops, lists, tensordot, stable or
  naive softmax, forms that look like the mistake) passes on the notebook's sizes and on a
  hidden run, gets no diagnosis, and the rule that names the mistake, applied to it without
  the checks' margin, finds nothing.

The mistakes a case lists (``Case.mistakes``) are named in the notebook too, from the answers
the package stores: the notebook's own check gives the grader's diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

import numpy as np
import pytest

from autograder.expectation import CaseExpectation
from autograder.verify.in_process import judge_once
from cases.registry import CASES
from course.answer_bank import BankAnswer, case_answers
from jacobian_checks import check_jacobian_values, diagnosis_named
from jacobian_checks.coerce import as_answer, as_array
from jacobian_checks.compare import tolerance_for
from jacobian_checks.diagnosis import TITLES, Diagnosis, Failure
from jacobian_checks.diagnosis_named import named_mistake
from jacobian_checks.diagnosis_values import diagnose_values
from jacobian_checks.errors import JacobianCheckError
from jacobian_checks.expected import Expected, NamedAnswer
from jacobian_checks.hidden_messages import HIDDEN
from tests.test_diagnosis import DIAGNOSED, HIDDEN_RUN, WRONG

RULES: dict[str, Callable[[Failure], Diagnosis | None]] = dict.fromkeys(
    (*diagnosis_named.SOFTMAX, *diagnosis_named.LISTED), named_mistake)
"""The rule naming each mistake of one kind of function; the others are general rules,
which name an answer only when it is off by more than the checks' margin."""


def _labelled(case: str, key: str) -> list[BankAnswer]:
    return [answer for answer in WRONG if (answer.case, answer.mistake) == (case, key)
            and answer.other_diagnosis is None and not answer.crashes_at_other_sizes]


NAMED = sorted({(answer.case, str(answer.mistake)) for answer in WRONG
                if answer.mistake in DIAGNOSED and _labelled(answer.case, answer.mistake)})
"""Every (case, diagnosis) the bank labels a wrong answer with, but for the exceptions."""


@pytest.mark.parametrize(("case", "key"), NAMED, ids=[f"{case}-{key}" for case, key in NAMED])
def test_a_named_mistake_gets_its_diagnosis(case: str, key: str):
    for answer in _labelled(case, key):
        namespace = answer.namespace()
        predicted = answer.graded == "jacobian_shape"
        checks = ["predicted_shape"] if predicted else ["shape", "values"]
        visible = dict(CASES[case].visible_sizes)
        runs = [] if answer.expect == "fails_hidden" else [(visible, 0, False), (visible, 1, True)]
        if predicted or answer.expect == "fails_hidden":  # sizes, as the bank's test
            runs += [(sizes, 1, True) for sizes in case_answers(case).other_sizes]
        rejections = [(hidden, judge_once(namespace, check, case, sizes, seed, hidden=hidden))
                      for check in checks for sizes, seed, hidden in runs]
        named = [r for _, r in rejections if r is not None and r.verdict != "raised"]
        assert named and {r.diagnosis for r in named} == {key}, answer.name
        on_hidden = [r for hidden, r in rejections
                     if hidden and r is not None and r.verdict != "raised"]
        assert on_hidden, f"{answer.name}: no hidden run rejects it"
        for rejection in on_hidden:  # recorded for the report; shown as the check's fixed text
            assert rejection.lines[0].startswith(HIDDEN), rejection.lines
            assert TITLES[key] not in "\n".join(rejection.lines)


@pytest.mark.parametrize(("case", "key"), NAMED, ids=[f"{case}-{key}" for case, key in NAMED])
def test_no_right_answer_gets_a_named_mistake(case: str, key: str):
    rule = RULES.get(key)
    for name, (failure, expected) in _right_answers(case):
        assert diagnose_values(failure.yours, expected, failure.case, failure.sizes,
                               failure.tolerance) is None, name
        if rule is not None:
            assert rule(failure) is None, name


LISTED = [answer for answer in WRONG if answer.mistake in diagnosis_named.LISTED
          and answer.expect == "fails_values"]


@pytest.mark.parametrize("answer", LISTED, ids=[f"{a.case}-{a.name}" for a in LISTED])
def test_a_listed_mistake_is_named_in_the_notebook_from_the_stored_answers(answer: BankAnswer):
    case = CASES[answer.case]
    function = answer.namespace()[case.function]
    assert callable(function)
    with pytest.raises(JacobianCheckError) as raised:
        check_jacobian_values(function, case.key, **case.visible_sizes)
    assert raised.value.diagnosis == answer.mistake
    assert str(raised.value).splitlines()[0] == TITLES[str(answer.mistake)]


def test_answers_stored_for_other_sizes_are_not_compared():
    """A package whose stored answers do not fit these sizes names nothing from them, and
    does not fail."""
    case = CASES["tanh"]
    inputs, failure_of = _evidence(case.key, tuple(case.visible_sizes.items()), 0)
    h = inputs["h"]
    failure, _ = failure_of(np.einsum("bi,ij->bij", 1 - h**2, np.eye(h.shape[1])))
    assert named_mistake(failure) is not None
    assert failure.named is not None
    cut = [[NamedAnswer(named.key, named.verdict, named.answer[:, :3]) for named in family]
           for family in failure.named()]
    mismatched = Failure(failure.yours, failure.reference, case, failure.layout, failure.sizes,
                         failure.tolerance, named=lambda: cut)
    assert named_mistake(mismatched) is None


@cache
def _right_answers(case: str) -> list[tuple[str, tuple[Failure, Expected]]]:
    """Every right answer of ``case`` in the bank, judged on the notebook's sizes and on a
    hidden run (they pass), as the evidence a value rule gets."""
    the_case = CASES[case]
    runs = [(dict(the_case.visible_sizes), 0),
            ({name: HIDDEN_RUN.sizes[name] for name in the_case.size_names}, HIDDEN_RUN.seed)]
    evidence = [_evidence(case, tuple(sizes.items()), seed) for sizes, seed in runs]
    right = []
    for answer in (a for a in case_answers(case).answers if a.expect == "pass"):
        namespace = answer.namespace()
        for (sizes, seed), (inputs, failure_of) in zip(runs, evidence, strict=True):
            for check in ("shape", "values"):
                assert judge_once(namespace, check, case, sizes, seed) is None, answer.name
            function = namespace[the_case.function]
            assert callable(function)
            returned = function(*(inputs[name].copy() for name in the_case.arguments))
            right.append((f"{answer.name} at {sizes}",
                          failure_of(as_answer(as_array(returned)).values)))
    return right


@cache
def _evidence(case: str, sizes: tuple[tuple[str, int], ...], seed: int
              ) -> tuple[dict[str, np.ndarray],
                         Callable[[np.ndarray], tuple[Failure, Expected]]]:
    """The inputs of a run, and the :class:`Failure` of any answer to it, with what the
    answer is compared with (the grader's, every piece of evidence computed once)."""
    the_case = CASES[case]
    inputs = the_case.sample_inputs(dict(sizes), seed)
    computed = CaseExpectation(the_case, dict(sizes), seed, has_inputs=True).expected(
        the_case.jacobian_shape(dict(sizes)))
    examples = computed.examples() if computed.examples is not None else None
    named = list(computed.named()) if computed.named is not None else []
    expected = Expected(computed.layout, computed.reference, lambda: examples, lambda: named)
    return inputs, lambda values: (Failure(
        values, expected.reference.values, the_case, expected.layout, dict(sizes),
        tolerance_for(expected.reference), expected.examples, expected.named), expected)
