"""Diagnoses of failed checks: each names its mistake, and only its mistake.

- Every diagnosis: a wrong answer of the bank that gets it, asserted on the exact verdict line
  (the examples of docs/diagnoses.md, :mod:`course.diagnosis_examples`, which must be current).
- Near misses: wrong answers of another kind that must not get it.
- Correct answers in unusual styles: the checks pass, and nothing is diagnosed.
- The answer bank (course/answer_bank): every wrong answer labelled with a mistake we diagnose
  gets that diagnosis, and no other answer gets one, but where its decorator says otherwise and
  why (``undiagnosed=``, ``diagnosed_as=``, ``crashes_at_other_sizes=``).
- Hidden runs show a fixed text of their check, no diagnosis, size, index or value; the
  diagnosis is kept for the grader's records.
- End to end: release notebooks with a named mistake, executed in a real kernel.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from autograder import shape_diagnosis
from autograder.expectation import CaseExpectation
from autograder.hidden import HiddenRun
from autograder.references import reference_jacobian
from autograder.shape_diagnosis import diagnose_shape
from autograder.verify.in_process import judge_once
from cases.registry import CASES
from course.answer_bank import MISTAKES, BankAnswer, answer, case_answers, every_case
from course.diagnosis_examples import DOC, EXAMPLES, Example, render
from jacobian_checks import diagnosis_values
from jacobian_checks.compare import tolerance_for
from jacobian_checks.diagnosis import TITLES
from jacobian_checks.diagnosis_values import diagnose_values
from jacobian_checks.hidden_messages import hidden_message

RELEASE = Path(__file__).resolve().parents[1] / "release"

_INPUT_WHERE_OUTPUT_BELONGS = (
    "Your Jacobian uses the activation's derivative written with its output a, but with the "
    "input h in a's place.")

VERDICTS = {
    "missing_batch_axis":
        "Your Jacobian has no batch axis: it looks like the Jacobian of one example, or of an "
        "average over the batch.",
    "batch_axis_misplaced":
        "Your Jacobian's batch axis is in the wrong place: your shape has B at axis 2.",
    "transposed_axes":
        "Your Jacobian looks transposed: the input's axes come before the output's.",
    "transposed_axes_matrix":
        "Your Jacobian looks transposed: the input's axes come before the output's, and the "
        "axes of W are swapped.",
    "transposed_axes_predicted":
        "Your predicted Jacobian looks transposed: the axes of W are swapped, as in W.T.",
    "extra_unit_axis": "Your Jacobian has an extra axis of size 1.",
    "missing_unit_axis": "Your Jacobian is missing an axis of size 1.",
    "gradient_instead_of_jacobian":
        "Your Jacobian has the shape of yhat: it looks like the gradient, with no axis for the "
        "output.",
    "elementwise_instead_of_jacobian":
        "Your Jacobian has the shape of h: one number per entry, as if each output entry "
        "depended on its own input entry only.",
    "elementwise_instead_of_diagonal":
        "Your Jacobian has the shape of h: it looks like the elementwise derivative, only the "
        "diagonal of the Jacobian.",
    "function_shape":
        "Your Jacobian has the shape of the function's output: it looks like the function's "
        "value, not its derivative.",
    "per_example_instead_of_mean":
        "Your Jacobian looks like one gradient per example, but the loss is averaged over the "
        "batch.",
    "unexpected_batch_axis":
        "Your Jacobian has the batch axis twice: it looks like the Jacobian of the whole "
        "batch's output with respect to the whole batch's input.",
    "hardcoded_sizes_shape":
        "Your Jacobian has the shape (3, 1, 10): it looks like the notebook's D = 10 is typed "
        "in, where this test has D = 7.",
    "all_zeros": "Your Jacobian is all zeros.",
    "sign_flipped": "Your Jacobian has the wrong sign: its negative is right.",
    "scaled": "Your Jacobian is off by a constant factor: it is the right one times B = 256.",
    "hardcoded_sizes_values":
        "Your Jacobian is off by a constant factor: it is the right one times B/256 = 3/256, "
        "as if the notebook's B = 256 were typed in.",
    "transposed_values":
        "Your Jacobian's values look transposed: swapping its axes 1 (input axis output_dim) "
        "and 2 (input axis input_dim), both of size 4, makes them right.",
    "reshaped_not_transposed":
        "Your Jacobian has the right values in the wrong places: it looks computed with its axes "
        "in the order (1, input_dim, output_dim), then reshaped to (1, output_dim, input_dim).",
    "single_example":
        "Your gradient is the gradient of example 0 alone, not the mean over the batch of 256 "
        "examples.",
    "identity":
        "Your Jacobian is an identity pattern: 1 on the diagonal (output index = input index), "
        "0 elsewhere.",
    "function_values": "Your Jacobian holds the function's values where its derivatives belong.",
    "batch_permuted":
        "Your Jacobian has the right examples in the wrong order (the batch looks reversed): "
        "example b holds the Jacobian of example B - 1 - b.",
    "some_examples_wrong":
        "Only part of the batch is right: examples 0-127 of 256 are right, examples 128-255 "
        "are not.",
    "diagonal_only":
        "Your Jacobian's diagonal (output index = input index) is right, but 23040 of its 23040 "
        "entries off the diagonal are wrong.",
    "off_diagonal_only":
        "Your Jacobian is right off the diagonal, but 2560 of its 2560 diagonal entries (output "
        "index = input index) are wrong.",
    "some_examples_wrong_in_mean":
        "Only part of the batch is in your gradient: examples 1-255 of 256 are in its mean, "
        "example 0 is not.",
    "terms_instead_of_sum":
        "Your Jacobian looks like the Jacobian of each term of the loss, before their sum over "
        "the D components: it has an input axis where the output's belongs.",
    "jacobian_wrt_other_argument":
        "Your Jacobian has the shape of a derivative with respect to W2, not W1.",
    "softmax_over_batch_axis":
        "Your Jacobian looks computed from a softmax taken over the batch axis, each column of "
        "h normalised, where softmax normalises each example, each row of h, on its own.",
    "softmax_outer_product_missing":
        "Your Jacobian holds a = softmax(h) on its diagonal and zeros elsewhere: the term from "
        "the softmax's denominator, which makes every a_i depend on every h_j, is missing.",
    "softmax_outer_product_missing_in_chain":
        "Your gradient is -y alone: the term from the softmax's denominator is missing.",
    "softmax_outer_product_added":
        "Your Jacobian adds the term from the softmax's denominator where it is subtracted.",
    "log_softmax_jacobian":
        "Your Jacobian is the Jacobian of log a = log softmax(h), not of a = softmax(h).",
    "softmax_as_elementwise":
        "Your gradient is right at each example's label and zero elsewhere: as if the softmax's "
        "Jacobian were its diagonal alone, each a_i depending on h_i only.",
    "derivative_wrt_probabilities":
        "Your gradient is the loss's derivative with respect to the probabilities "
        "a = softmax(h), not the logits h.",
    "sigmoid_derivative_for_tanh":
        "Your Jacobian uses the sigmoid's derivative where tanh's belongs.",
    "tanh_derivative_for_sigmoid":
        "Your Jacobian uses tanh's derivative where the sigmoid's belongs.",
    "input_where_output_belongs": _INPUT_WHERE_OUTPUT_BELONGS,
    "input_where_output_belongs_sigmoid": _INPUT_WHERE_OUTPUT_BELONGS,
    "input_where_output_belongs_in_chain": _INPUT_WHERE_OUTPUT_BELONGS,
    "derivative_at_output":
        "Your Jacobian takes the activation's derivative at its output a = f(h), where it "
        "belongs at its input h.",
    "square_forgotten":
        "Your Jacobian looks like the activation's derivative with a square, or a factor, left "
        "out.",
    "derivative_at_zero":
        "Your Jacobian holds the activation's derivative at h = 0 on every diagonal entry, "
        "whatever h is.",
    "activation_derivative_missing":
        "Your gradient leaves the activation's Jacobian out of the chain, as if a = h.",
    "activation_left_out":
        "Your gradient is that of the network without its activation, as if yhat were "
        "computed from h instead of a.",
}


# --- every diagnosis: a wrong answer that gets it ------------------------------------------------

def test_every_diagnosis_has_an_example_and_a_verdict():
    keys = set(shape_diagnosis.KEYS) | set(diagnosis_values.KEYS)
    assert {example.key for example in EXAMPLES} == keys
    assert set(VERDICTS) == {example.id for example in EXAMPLES}


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_each_example_gets_its_diagnosis_first_then_the_report(example: Example):
    rejection = example.rejection()
    verdict, pointer, report, *_ = rejection.lines
    assert verdict == VERDICTS[example.id]
    assert pointer and "expected" not in pointer.lower()
    function = "jacobian_shape(" if example.check == "predicted_shape" else (
        CASES[example.case].function + "(")
    assert report.startswith("On the check's second sizes" if example.second else function)
    assert rejection.diagnosis == example.key


def test_a_message_about_a_part_names_the_part_its_bracket_describes():
    """"(output index = input index)" describes the diagonal: it follows the words for the
    diagonal or its entries, never "off the diagonal"."""
    brackets = 0
    for example in EXAMPLES:
        message = example.rejection().message
        for match in re.finditer(r" \(output index = input index\)", message):
            brackets += 1
            before = message[:match.start()]
            assert re.search(r"(?<!off the )diagonal( entries)?$", before), (example.id, before)
    assert brackets >= 3


def test_the_doc_shows_the_current_messages():
    assert DOC.read_text() == render(DOC.read_text()), (
        "docs/diagnoses.md is out of date: run .venv/bin/python -m course.diagnosis_examples")


# --- no false diagnosis --------------------------------------------------------------------------

def _right_dloss_dyhat(y, yhat):
    return (yhat - y)[:, None, :]


def _dsigmoid(h):
    s = 1 / (1 + np.exp(-h))
    return s * (1 - s)


def _half_negated(y, yhat):
    J = _right_dloss_dyhat(y, yhat)
    J[len(y) // 2:] *= -1
    return J


def _first_component_negated(y, yhat):
    J = _right_dloss_dyhat(y, yhat)
    J[:, :, 0] *= -1
    return J


def _factor_per_example(y, yhat):
    return _right_dloss_dyhat(y, yhat) * (2 + np.arange(len(y)) / len(y))[:, None, None]


def _zeros_but_one(y, yhat):
    J = np.zeros((len(y), 1, y.shape[1]))
    J[0, 0, 0] = yhat[0, 0] - y[0, 0]
    return J


def _every_other_example(y, yhat):
    J = _right_dloss_dyhat(y, yhat)
    J[::2] = 0.0
    return J


def _first_example_everywhere(y, yhat):
    return np.broadcast_to(_right_dloss_dyhat(y, yhat)[:1], (len(y), 1, y.shape[1]))


def _transposed_and_negated(y, W, x):
    return -(x.T @ (x @ W.T - y) / len(x))[None]


SQUARE = {"B": 7, "output_dim": 4, "input_dim": 4}

#: (name, case, answer, sizes, diagnosis it must not get, diagnosis it gets)
NEAR_MISSES = [
    ("half_negated", "scalar_wrt_vector", _half_negated, None,
     "sign_flipped", "some_examples_wrong"),
    ("first_component_negated", "scalar_wrt_vector", _first_component_negated, None,
     "sign_flipped", None),
    ("factor_per_example", "scalar_wrt_vector", _factor_per_example, None, "scaled", None),
    ("zeros_but_one", "scalar_wrt_vector", _zeros_but_one, None, "all_zeros", None),
    ("every_other_example", "scalar_wrt_vector", _every_other_example, None,
     "some_examples_wrong", None),
    ("first_example_everywhere", "scalar_wrt_vector", _first_example_everywhere, None,
     "batch_permuted", "some_examples_wrong"),
    ("transposed_and_negated", "scalar_wrt_matrix", _transposed_and_negated, SQUARE,
     "transposed_values", None),
    ("twice_the_identity", "elementwise_nonlinearity",
     lambda h: 2 * np.tile(np.eye(h.shape[1]), (len(h), 1, 1)), None,
     "identity", "off_diagonal_only"),
    ("one_minus_sigmoid", "elementwise_nonlinearity",
     lambda h: np.einsum("bi,ij->bij", 1 / (1 + np.exp(h)), np.eye(h.shape[1])), None,
     "function_instead_of_derivative", "square_forgotten"),
    ("one_minus_eye", "elementwise_nonlinearity",
     lambda h: _dsigmoid(h)[:, :, None] * (1 - np.eye(h.shape[1])), None,
     "diagonal_only", None),
    ("no_eye", "elementwise_nonlinearity",
     lambda h: _dsigmoid(h)[:, :, None] * np.ones(h.shape[1]), None,
     "off_diagonal_only", "diagonal_only"),
]


@pytest.mark.parametrize(("case", "answer", "sizes", "avoided", "diagnosis"),
                         [row[1:] for row in NEAR_MISSES], ids=[row[0] for row in NEAR_MISSES])
def test_a_wrong_answer_of_another_kind_is_not_misdiagnosed(case, answer, sizes, avoided,
                                                            diagnosis):
    namespace = {CASES[case].function: answer}
    rejection = judge_once(namespace, "values", case, sizes or CASES[case].visible_sizes, 0)
    assert rejection is not None and rejection.verdict == "wrong_values"
    assert rejection.diagnosis != avoided
    assert rejection.diagnosis == diagnosis


def test_a_huge_answer_is_not_diagnosed_and_raises_no_overflow_warning():
    def huge(h):  # 1e300 everywhere: its transformations overflow to inf
        return np.full((len(h), h.shape[1], h.shape[1]), 1e300)

    rejection = judge_once({"da_dh": huge}, "values", "elementwise_nonlinearity",
                           {"B": 256, "D": 10}, 0)  # filterwarnings = error
    assert rejection is not None and rejection.diagnosis is None


@pytest.mark.parametrize(("case", "found", "sizes"), [
    ("scalar_wrt_vector", (2560,), None),
    ("scalar_wrt_vector", (10, 1, 256), None),  # transposed and the batch moved
    ("scalar_wrt_vector", (256, 10, 2), None),
    ("scalar_wrt_matrix", (256, 20, 10), None),  # per example and transposed
    ("elementwise_nonlinearity", (256, 100), None),
    ("vector_wrt_matrix", (256, 10, 10), None),
    # sizes that coincide: two mistakes fit, so neither is named
    ("scalar_wrt_vector", (1, 10, 10), {"B": 10, "D": 10}),  # batch moved to axis 1 or 2
    ("scalar_wrt_scalar", (1, 1), {"B": 1}),  # no batch axis, or the gradient
    # no batch axis (output_dim, output_dim, input_dim), or only the diagonal (B, ...)
    ("vector_wrt_matrix", (10, 10, 20), {"B": 10, "output_dim": 10, "input_dim": 20}),
])
def test_a_shape_no_single_mistake_explains_gets_no_diagnosis(case, found, sizes):
    assert diagnose_shape(found, CASES[case], sizes or CASES[case].visible_sizes) is None


def test_with_coinciding_sizes_a_shape_only_one_mistake_explains_is_still_named():
    diagnosis = diagnose_shape((10, 10, 1), CASES["scalar_wrt_vector"], {"B": 10, "D": 10})
    assert diagnosis is not None and diagnosis.key == "transposed_axes"


# --- correct answers in unusual styles -----------------------------------------------------------

UNUSUAL_BUT_RIGHT = [
    ("scalar_wrt_scalar", ("python_loops", "tuple_of_tuples", "float32", "np_diff")),
    ("scalar_wrt_vector", ("nested_list", "swapaxes_of_column", "broadcast_to_readonly",
                           "own_central_differences")),
    ("vector_wrt_matrix", ("swapped_symmetric_axes", "kron_batched", "float32", "nested_list")),
    ("scalar_wrt_matrix", ("column_convention_matmul", "multi_dot", "float32", "nested_list")),
    ("elementwise_nonlinearity", ("transposed_symmetric", "strided_diagonal_write",
                                  "lambda_assignment", "own_central_differences")),
]


HIDDEN_RUN = HiddenRun({"B": 37, "D": 23, "output_dim": 29, "input_dim": 31, "hidden_dim": 19},
                       seed=7)
"""A hidden run with sizes that no message writes by chance."""


def _sizes(case: str, run: HiddenRun) -> dict[str, int]:
    return {name: run.sizes[name] for name in CASES[case].size_names}


@pytest.mark.parametrize(("case", "name"), [(case, name) for case, names in UNUSUAL_BUT_RIGHT
                                            for name in names])
def test_a_correct_answer_in_an_unusual_style_triggers_nothing(case, name):
    right = answer(case, name)
    assert right.expect == "pass"
    the_case = CASES[case]
    namespace = right.namespace()
    for seed, sizes in [(0, dict(the_case.visible_sizes)), (7, _sizes(case, HIDDEN_RUN))]:
        for check in ("shape", "values"):
            assert judge_once(namespace, check, case, sizes, seed) is None
        inputs = the_case.sample_inputs(sizes, seed)
        values = np.asarray(namespace[the_case.function](*inputs.values()), dtype=np.float64)
        reference = reference_jacobian(the_case, inputs)
        tolerance = tolerance_for(reference)
        assert diagnose_shape(values.shape, the_case, sizes) is None
        expected = CaseExpectation(the_case, sizes, seed, has_inputs=True).expected(values.shape)
        assert diagnose_values(values, expected, the_case, sizes, tolerance) is None


# --- hidden runs ---------------------------------------------------------------------------------

HIDDEN_EXAMPLES = [example for example in EXAMPLES if example.key != "hardcoded_sizes"]


@pytest.mark.parametrize("example", HIDDEN_EXAMPLES, ids=[e.id for e in HIDDEN_EXAMPLES])
def test_a_hidden_run_records_the_diagnosis_but_shows_its_checks_fixed_text(example: Example):
    sizes = _sizes(example.case, HIDDEN_RUN)
    if example.key == "transposed_values":  # needs two input axes of equal size
        sizes = {"B": 37, "output_dim": 23, "input_dim": 23}
    hidden = dataclasses.replace(example, sizes=sizes, seed=HIDDEN_RUN.seed, hidden=True)
    rejection = hidden.rejection()
    assert rejection.diagnosis == example.key
    case = CASES[example.case]
    call = (f"jacobian_shape({', '.join(case.size_names)})"
            if example.check == "predicted_shape"
            else f"{case.function}({', '.join(case.arguments)})")
    assert rejection.lines == hidden_message(call, example.check, rejection.verdict)
    assert TITLES[example.key] not in rejection.message
    message = rejection.message
    assert all(int(number) <= 3 for number in re.findall(r"\d+", message)), message
    assert not re.search(r"\d\.\d|\de-", message), message


# --- the answer bank -----------------------------------------------------------------------------

#: Mistake labels of the answer bank that are also diagnosis keys.
DIAGNOSED = frozenset(MISTAKES) & (set(shape_diagnosis.KEYS) | set(diagnosis_values.KEYS))

#: The answers of the bank for the graded functions, then for ``jacobian_shape``.
ANSWERS = tuple(a for case in every_case() for a in case.answers)
PREDICTED_SHAPES = tuple(a for case in every_case() for a in case.predicted_shapes)


def _diagnoses(answer: BankAnswer) -> set[str | None] | None:
    """The diagnoses of the failed checks of a wrong answer, judged as the grader judges a
    run: the notebook's sizes, and every run of OTHER_SIZES with two seeds for predicted
    shapes, or those runs alone for ``fails_hidden`` answers. ``None`` if every failure is an
    exception raised in the student's own code."""
    case = CASES[answer.case]
    namespace = answer.namespace()
    predicted = answer.graded == "jacobian_shape"
    checks = ["predicted_shape"] if predicted else ["shape", "values"]
    others = [(sizes, seed) for sizes in case_answers(answer.case).other_sizes for seed in (1, 2)]
    runs = [(dict(case.visible_sizes), 0)]
    if predicted:
        runs += others
    elif answer.expect == "fails_hidden":
        runs = others
    rejections = [judge_once(namespace, check, answer.case, sizes, seed, hidden=seed > 0)
                  for check in checks for sizes, seed in runs]
    found = {r.diagnosis for r in rejections if r is not None and r.verdict != "raised"}
    return found or None


WRONG = [a for a in ANSWERS + PREDICTED_SHAPES if a.expect != "pass"]


@pytest.mark.parametrize("answer", WRONG, ids=[f"{a.case}-{a.name}" for a in WRONG])
def test_the_answer_banks_wrong_answers_get_their_diagnosis(answer: BankAnswer):
    found = _diagnoses(answer)
    if answer.crashes_at_other_sizes:
        assert found is None
        return
    expected, reason = expected_diagnosis(answer), ""
    if answer.other_diagnosis is not None:
        reason = answer.other_diagnosis.reason
    assert found == {expected}, reason


def expected_diagnosis(answer: BankAnswer) -> str | None:
    """The diagnosis a wrong answer of the bank gets: its mistake's, if the mistake has one,
    but where its decorator says otherwise."""
    if answer.other_diagnosis is not None:
        return answer.other_diagnosis.key
    return answer.mistake if answer.mistake in DIAGNOSED else None


def test_an_answer_said_to_get_another_diagnosis_would_not_get_its_own():
    """An exception that its label's diagnosis would fit is no exception."""
    for wrong in (a for a in WRONG if a.other_diagnosis is not None):
        assert wrong.other_diagnosis is not None and wrong.other_diagnosis.reason
        assert wrong.other_diagnosis.key != (
            wrong.mistake if wrong.mistake in DIAGNOSED else None), wrong.name


# --- end to end ----------------------------------------------------------------------------------

#: (notebook, graded cell, a wrong answer of the bank, the example of the same diagnosis): a
#: mistake named from a transformed answer, and two named from the answers the package stores.
IN_A_KERNEL = [
    ("jacobians/02_scalar_wrt_vector", "dloss_dyhat",
     answer("scalar_wrt_vector", "forgot_minus").source, "sign_flipped"),
    ("backprop/05_tanh", "da_dh", answer("tanh", "formula_applied_to_h").source,
     "input_where_output_belongs"),
    ("backprop/06_two_layer_network", "dloss_dW1",
     answer("two_layer_network", "forgot_tanh_derivative").source,
     "activation_derivative_missing"),
]


@pytest.mark.parametrize(("notebook", "cell", "source", "example"), IN_A_KERNEL,
                         ids=[row[0] for row in IN_A_KERNEL])
def test_a_release_notebook_shows_the_diagnosis_in_the_test_cell(
        tmp_path: Path, notebook: str, cell: str, source: str, example: str):
    release = nbformat.read(RELEASE / f"{notebook}.ipynb", as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
    cells[cell].source = source
    NotebookClient(release, kernel_name="python3", timeout=120, allow_errors=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()

    assert not [o for o in cells[f"test_{cell}_shape"].outputs if o.output_type == "error"]
    (error,) = [o for o in cells[f"test_{cell}_values"].outputs if o.output_type == "error"]
    assert error.ename == "JacobianCheckError"
    assert error.evalue.splitlines()[0] == VERDICTS[example]
