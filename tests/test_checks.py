"""The checks the test cells call in the student's kernel: each rejects a wrong answer with
the intended message and accepts correct answers in unusual styles, on the notebook's sizes
and on the case's second, public sizes. (The grader's own verdicts, on hidden runs too, are
tested in ``test_verify.py``; the checks in a real kernel in ``test_student_view.py``.)"""

import re
import warnings

import numpy as np
import pytest

from cases.registry import CASES
from jacobian_checks import (
    JacobianCheckError,
    check_jacobian_shape,
    check_jacobian_values,
    check_predicted_shape,
)
from jacobian_checks.diagnosis import HARDCODED_POINTER
from jacobian_checks.display import WIDTH, wrap
from jacobian_checks.layout import format_shape
from jacobian_checks.verdicts import PREDICTED_HARDCODED_POINTER, RULE, UNRECOGNISED

VECTOR = {"B": 256, "D": 10}
SECOND = dict(CASES["scalar_wrt_vector"].second_sizes)
SECOND_TEXT = ", ".join(f"{name}={size}" for name, size in SECOND.items())


def right_dloss_dyhat(y, yhat):
    return (yhat - y)[:, None, :]


def failure(check, *args, **kwargs) -> JacobianCheckError:
    with pytest.raises(JacobianCheckError) as caught:
        check(*args, **kwargs)
    return caught.value


# --- predicted shape ----------------------------------------------------------------------

@pytest.mark.parametrize("predict", [
    lambda B, D: (B, 1, D),
    lambda B, D: [B, 1, D],
    lambda B, D: np.zeros((B, 1, D)).shape,
    lambda B, D: tuple(np.array([B, 1, D])),      # numpy integers
    lambda B, D: np.array([B, 1, D]),
])
def test_predicted_shape_accepts_any_sequence_of_ints(predict):
    check_predicted_shape(predict, "scalar_wrt_vector", **VECTOR)


def test_predicted_shape_rejects_a_transposed_shape_naming_the_mistake():
    error = failure(check_predicted_shape, lambda B, D: (B, D, 1), "scalar_wrt_vector", **VECTOR)
    assert str(error) == "\n".join([
        "Your predicted Jacobian looks transposed: the input's axes come before the output's.",
        "The axes go in the rule's order: check the order of the subscripts after '->' in your "
        "einsum, or your transpose or reshape.",
        "jacobian_shape(256, 10) returned (256, 10, 1).",
        "Rule: a leading batch axis B when the output is per example, then the axes of one "
        "example's output, then the axes of the input.",
    ])
    assert (error.case, error.check, error.verdict, error.diagnosis) == (
        "scalar_wrt_vector", "predicted_shape", "wrong_shape", "transposed_axes")


def test_a_shape_no_mistake_explains_is_pointed_at_the_rule():
    error = failure(check_predicted_shape, lambda B, D: (B, 1, D, 3), "scalar_wrt_vector",
                    **VECTOR)
    assert str(error) == "\n".join([
        "jacobian_shape(256, 10) returned (256, 1, 10, 3).",
        "That is not this Jacobian's shape, nor one of the mistakes the checks name.",
        "Rule: a leading batch axis B when the output is per example, then the axes of one "
        "example's output, then the axes of the input."])
    assert (error.verdict, error.diagnosis) == ("wrong_shape", None)


ANSWER_SPELLINGS = ("(256, 1, 10)", "(3, 1, 7)", "(B, 1, D)", "[256, 1, 10]", "(1, D)",
                    "(1, 10)", "(1, 7)", "1 batch axis", "3 axes", "has 3")
"""How the shape part 1 asks for (``(B, 1, D)`` at B=256, D=10 and B=3, D=7) or part of it
could be spelled in a message."""


@pytest.mark.parametrize("predicted", [
    (256, 10), (256, 10, 1), (1, 1, 10), (10,), (256, 1, 1, 10), (1, 10), (256, 256, 10),
    (256, 1, 10, 3), (3, 1, 7), (256, 1, 7), (10, 1, 256), (256, 7, 1), (2560,), ()])
def test_no_wrong_shape_is_told_the_right_one(predicted):
    """Wrong predictions and wrong arrays of every kind: the message names a mistake or the
    rule, and spells no part of the shape the notebook's part 1 asks for."""
    for check, answer in ((check_predicted_shape, lambda B, D: predicted),
                          (check_jacobian_shape, lambda y, yhat: np.zeros(predicted))):
        message = str(failure(check, answer, "scalar_wrt_vector", **VECTOR))
        assert RULE in message.splitlines()
        told = message.replace(format_shape(predicted), "")  # the student's own shape
        assert not [spelled for spelled in ANSWER_SPELLINGS if spelled in told], message


@pytest.mark.parametrize(("returned", "what"), [
    (None, "None. Did you forget the `return` statement?"),
    ("(256, 1, 10)", "a string"),
    ((256.0, 1.0, 10.0), "entries that are not all ints (floats, bools or arrays?)"),
    (2560, "a single value, not a tuple"),
    ((True, 1, 10), "entries that are not all ints (floats, bools or arrays?)"),
])
def test_predicted_shape_must_be_ints(returned, what):
    error = failure(check_predicted_shape, lambda B, D: returned, "scalar_wrt_vector", **VECTOR)
    end = "" if what.endswith("?") else "."
    assert str(error) == (f"jacobian_shape(256, 10) returned {what}{end}\n"
                          "It should return a tuple of ints, one per axis, like (2, 3).")
    assert error.verdict == "wrong_type"


def test_a_diagnosis_of_a_predicted_shape_speaks_of_the_prediction():
    error = failure(check_predicted_shape, lambda B, D: (B, D), "scalar_wrt_vector", **VECTOR)
    assert error.diagnosis == "gradient_instead_of_jacobian"
    assert str(error).splitlines()[0] == (
        "Your predicted Jacobian has the shape of yhat: it looks like the gradient, with no "
        "axis for the output.")


# --- type and shape -------------------------------------------------------------------------

def test_shape_check_names_the_mistake_and_the_rule_never_the_answer():
    error = failure(check_jacobian_shape, lambda y, yhat: yhat - y, "scalar_wrt_vector", **VECTOR)
    assert str(error) == "\n".join([
        "Your Jacobian has the shape of yhat: it looks like the gradient, with no axis for the "
        "output.",
        "A Jacobian has axes for the output too, even for a scalar one: how does the rule keep "
        "a scalar output?",
        "dloss_dyhat(y, yhat) returned an array of shape (256, 10) "
        "(inputs: y (256, 10), yhat (256, 10)).",
        "Rule: a leading batch axis B when the output is per example, then the axes of one "
        "example's output, then the axes of the input.",
    ])
    assert UNRECOGNISED not in str(error)


def test_values_check_repeats_the_shape_check():
    error = failure(check_jacobian_values, lambda y, yhat: yhat - y, "scalar_wrt_vector", **VECTOR)
    assert error.check == "values" and error.verdict == "wrong_shape"


def test_a_scalar_is_not_accepted_by_broadcasting():
    error = failure(check_jacobian_values, lambda y, yhat: 0.0, "scalar_wrt_vector", **VECTOR)
    assert "returned an array of shape ()" in str(error)


@pytest.mark.parametrize(("returned", "found"), [
    (None, "returned None. Did you forget the `return` statement?"),
    ("J", "returned a string, not numbers"),
    ([[1.0, 2.0], [3.0]], "returned something NumPy cannot turn into an array"),
    ([None, 1.0], "returned values that are not numbers"),
    (np.ones((256, 1, 10)) * 1j, "returned complex numbers; a Jacobian of real functions is real"),
])
def test_what_is_not_an_array_is_named(returned, found):
    error = failure(check_jacobian_shape, lambda y, yhat: returned, "scalar_wrt_vector", **VECTOR)
    first, second = str(error).splitlines()
    assert first.startswith("dloss_dyhat(y, yhat) " + found)
    assert first.endswith((".", "?")) and not first.endswith(("?.", ".."))
    assert second == ("It should return a NumPy array: the Jacobian, with the shape you "
                      "predicted in part 1.")
    assert error.verdict == "wrong_type"


def test_a_variable_instead_of_a_function_is_named():
    error = failure(check_jacobian_shape, np.zeros((256, 1, 10)), "scalar_wrt_vector", **VECTOR)
    assert str(error) == ("dloss_dyhat should be a function "
                          "(def dloss_dyhat(...): ... return ...); it is not.")


# --- finiteness and values --------------------------------------------------------------------

def test_nan_entries_are_located():
    def with_nan(y, yhat):
        J = right_dloss_dyhat(y, yhat)
        J[3, 0, 7] = np.nan
        return J

    error = failure(check_jacobian_values, with_nan, "scalar_wrt_vector", **VECTOR)
    assert str(error).splitlines()[0] == (
        "dloss_dyhat(y, yhat) returned 1 entry that is NaN or infinite, out of 2560; "
        "the first at batch (3,) | output (0,) | input (7,) is nan.")
    assert error.verdict == "not_finite"


def test_wrong_values_get_a_numpy_style_report():
    error = failure(check_jacobian_values, lambda y, yhat: -right_dloss_dyhat(y, yhat),
                    "scalar_wrt_vector", **VECTOR)
    verdict, pointer, *lines = str(error).splitlines()
    assert verdict == "Your Jacobian has the wrong sign: its negative is right."
    assert pointer.startswith("Check each sign: ")
    assert lines[0] == ("dloss_dyhat(y, yhat) returned the right shape but wrong values "
                        "(inputs: y (256, 10), yhat (256, 10)).")
    assert re.fullmatch(r"Not equal to the finite-difference Jacobian within rtol=0\.0001, "
                        r"atol=\S+\.", lines[1])
    assert lines[2] == "Mismatched entries: 2560 / 2560 (100%)"
    assert lines[3] == "Largest differences (batch | output | input):"
    assert re.fullmatch(r"  batch \(\d+,\) \| output \(0,\) \| input \(\d,\): "
                        r"yours \S+ vs expected \S+", lines[4])
    assert error.diagnosis == "sign_flipped"


def test_a_gradient_of_one_example_is_named_in_the_notebook_too():
    def first_example(y, W, x):
        return np.outer(W @ x[0] - y[0], x[0])[None]

    error = failure(check_jacobian_values, first_example, "scalar_wrt_matrix",
                    B=256, output_dim=10, input_dim=20)
    assert error.diagnosis == "single_example"


@pytest.mark.parametrize("check", [check_predicted_shape, check_jacobian_shape,
                                   check_jacobian_values])
def test_checks_run_only_at_the_sizes_the_package_stores(check):
    """The package tells a shape only at the notebook's public sizes: at other sizes a check
    says where it runs, before calling the student's function."""
    with pytest.raises(ValueError) as raised:
        check(lambda *arguments: 1 / 0, "scalar_wrt_vector", B=29, D=6)
    assert str(raised.value) == (
        "the checks of case 'scalar_wrt_vector' run here at the notebook's sizes and its "
        f"second sizes, (B=256, D=10) and ({SECOND_TEXT}), not at B=29, D=6; when grading, "
        "the grader checks other sizes too")


# --- the student's own errors ---------------------------------------------------------------

def test_an_exception_in_the_students_function_is_theirs_with_a_note():
    def broken(y, yhat):
        return y @ yhat  # (256, 10) @ (256, 10): a shape error in their code

    with pytest.raises(ValueError) as caught:
        check_jacobian_shape(broken, "scalar_wrt_vector", **VECTOR)
    assert caught.value.__notes__ == [
        "This error was raised inside your function dloss_dyhat, called by the check "
        "with y (256, 10), yhat (256, 10)."]
    assert caught.traceback[-1].name == "broken"
    assert callable(caught.value._render_traceback_)  # IPython shows the student's frames


def test_the_untouched_stub_says_what_to_do():
    def stub(y, yhat):
        raise NotImplementedError()

    with pytest.raises(NotImplementedError) as caught:
        check_jacobian_values(stub, "scalar_wrt_vector", **VECTOR)
    assert caught.value.__notes__ == [
        "dloss_dyhat is not implemented yet: replace `raise NotImplementedError()` in its "
        "cell with your code, then run that cell again."]


def test_students_cannot_corrupt_the_reference_by_mutating_their_inputs():
    def mutating(y, yhat):
        J = (yhat - y)[:, None, :].copy()
        y[...] = 0.0
        yhat[...] = 0.0
        return J

    check_jacobian_values(mutating, "scalar_wrt_vector", **VECTOR)
    check_jacobian_values(mutating, "scalar_wrt_vector", **VECTOR)


# --- correct answers in unusual styles ---------------------------------------------------------

def loops(y, yhat):
    B, D = y.shape
    J = np.zeros((B, 1, D))
    for b in range(B):
        for j in range(D):
            J[b, 0, j] = -(y[b, j] - yhat[b, j])
    return J


def nested_list(y, yhat):
    return [[list(row)] for row in (yhat - y)]


def float32(y, yhat):
    return np.einsum("bj->bj", (yhat - y).astype(np.float32))[:, np.newaxis, :]


def broadcasting(y, yhat):
    return np.ones((1, 1, 1)) * (yhat - y).reshape(y.shape[0], 1, -1)


@pytest.mark.parametrize("answer", [loops, nested_list, float32, broadcasting])
def test_correct_answers_in_unusual_styles_pass_on_both_sets_of_sizes(answer, capsys):
    check_jacobian_shape(answer, "scalar_wrt_vector", **VECTOR)
    check_jacobian_values(answer, "scalar_wrt_vector", **VECTOR)
    printed = " ".join(capsys.readouterr().out.split())
    assert printed.count("Passed:") == 2 and printed.count(f"at {SECOND_TEXT}") == 2


def test_a_float16_answer_is_told_its_precision_is_too_coarse():
    def float16(y, yhat):
        return right_dloss_dyhat(y, yhat).astype(np.float16)

    error = failure(check_jacobian_values, float16, "scalar_wrt_vector", **VECTOR)
    assert str(error) == (
        "dloss_dyhat(y, yhat) returned float16 values, which keep about 3 significant digits: "
        "too few to check a Jacobian. Return float64 (or float32) values, e.g. with "
        ".astype(np.float64).")
    assert (error.verdict, error.diagnosis) == ("too_coarse", None)
    check_jacobian_shape(float16, "scalar_wrt_vector", **VECTOR)  # its shape is right


def test_float32_rounding_inside_a_float64_answer_is_accepted():
    def sigmoid_in_float32(h):  # returns float64, with float32-sized errors
        s = 1 / (1 + np.exp(-h.astype(np.float32)))
        return (s * (1 - s))[:, :, None] * np.eye(h.shape[1])

    check_jacobian_values(sigmoid_in_float32, "elementwise_nonlinearity", B=256, D=10)


def test_a_correct_float32_answer_raises_no_warning_in_the_checker():
    def float32_sigmoid(h):
        s = 1 / (1 + np.exp(-h.astype(np.float32)))
        return np.einsum("bi,ij->bij", s * (1 - s), np.eye(h.shape[1], dtype=np.float32))

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check_jacobian_values(float32_sigmoid, "elementwise_nonlinearity", B=256, D=10)


def test_unknown_case_and_sizes_are_instructor_errors():
    with pytest.raises(KeyError, match="unknown case 'nope': this notebook needs a newer "
                                       "jacobian_checks: install the wheel of the new bundle"):
        check_jacobian_shape(loops, "nope", B=1)
    with pytest.raises(ValueError, match=re.escape("missing ['D'], unknown ['E']")):
        check_jacobian_shape(loops, "scalar_wrt_vector", B=3, E=2)


# --- a passed check confirms the shape, on both sets of sizes ----------------------------------

def test_a_passed_check_confirms_the_shape_in_symbols_and_numbers(capsys):
    check_predicted_shape(lambda B, D: (B, 1, D), "scalar_wrt_vector", **VECTOR)
    check_jacobian_shape(right_dloss_dyhat, "scalar_wrt_vector", **VECTOR)
    check_jacobian_values(right_dloss_dyhat, "scalar_wrt_vector", **VECTOR)
    lines = [" ".join(line.split()) for line in
             capsys.readouterr().out.replace("\n    ", " ").splitlines()]
    assert lines == [
        "Passed: your predicted shape (B, 1, D) is right: (256, 1, 10) at B=256, D=10, and "
        f"(3, 1, 7) at {SECOND_TEXT}.",
        "Passed: dloss_dyhat(y, yhat) has the shape (B, 1, D): (256, 1, 10) at B=256, D=10, "
        f"and (3, 1, 7) at {SECOND_TEXT}.",
        "Passed: the values of dloss_dyhat(y, yhat), of shape (B, 1, D), match finite "
        f"differences at B=256, D=10, and at {SECOND_TEXT}.",
    ]


# --- sizes typed in fail at home ----------------------------------------------------------------

def test_a_shape_typed_in_fails_on_the_second_sizes_with_the_hard_coded_diagnosis():
    error = failure(check_jacobian_shape, lambda y, yhat: np.zeros((256, 1, 10)),
                    "scalar_wrt_vector", **VECTOR)
    assert (error.check, error.verdict, error.diagnosis) == (
        "shape", "wrong_shape", "hardcoded_sizes")
    verdict, pointer, found, rule = str(error).splitlines()
    assert verdict == ("Your Jacobian has the shape (256, 1, 10): it looks like the notebook's "
                       f"B = 256, D = 10 are typed in, where this test has "
                       f"{SECOND_TEXT.replace('=', ' = ')}.")
    assert pointer == HARDCODED_POINTER
    assert found == (f"On the check's second sizes, {SECOND_TEXT} (after passing on B=256, "
                     "D=10), dloss_dyhat(y, yhat) returned an array of shape (256, 1, 10) "
                     "(inputs: y (3, 7), yhat (3, 7)).")
    assert rule == RULE


@pytest.mark.parametrize(("case", "predict", "sizes"), [
    ("scalar_wrt_scalar", lambda B: (256, 1, 1), {"B": 256}),
    ("scalar_wrt_vector", lambda B, D: (B, 1, 10), VECTOR),
    ("vector_wrt_matrix", lambda B, n, m: (B, 10, 10, m),
     {"B": 256, "output_dim": 10, "input_dim": 20}),
])
def test_a_constant_in_a_predicted_shape_fails_at_home(case, predict, sizes):
    error = failure(check_predicted_shape, predict, case, **sizes)
    assert (error.verdict, error.diagnosis) == ("wrong_shape", "hardcoded_sizes")
    verdict, pointer, found, *_ = str(error).splitlines()
    assert verdict.startswith("Your predicted Jacobian has the shape ")
    assert pointer == PREDICTED_HARDCODED_POINTER
    assert found.startswith("On the check's second sizes")


def test_a_reshape_with_sizes_typed_in_fails_at_home_naming_the_typed_in_size():
    def typed_in(y, yhat):
        return (yhat - y).reshape(256, 1, 10)

    with pytest.raises(ValueError, match="cannot reshape") as caught:
        check_jacobian_shape(typed_in, "scalar_wrt_vector", **VECTOR)
    assert caught.value.__notes__ == [
        "This error was raised inside your function dloss_dyhat, called by the check on its "
        f"second sizes, {SECOND_TEXT}, with y (3, 7), yhat (3, 7), after it passed on B=256, "
        f"D=10. A size typed in would do that. {HARDCODED_POINTER}"]


@pytest.mark.parametrize("typed_in", [
    "lambda h: (s := 1 / (1 + np.exp(-h))) [:, :, None] * (1 - s)[:, :, None] * np.eye(10)",
    "lambda h: np.einsum('bi,ij->bij', (s := 1 / (1 + np.exp(-h))) * (1 - s), np.eye(10))",
])
def test_an_identity_of_a_size_typed_in_fails_at_home(typed_in):
    function = eval(typed_in, {"np": np})  # noqa: S307 -- the test's own text
    with pytest.raises(ValueError) as caught:
        check_jacobian_values(function, "elementwise_nonlinearity", B=256, D=10)
    assert "A size typed in would do that." in caught.value.__notes__[0]


def test_a_mean_over_a_batch_size_typed_in_fails_at_home_with_its_diagnosis():
    def mean_over_256(y, W, x):
        return (np.einsum("bi,bj->ij", x @ W.T - y, x) / 256)[None]

    error = failure(check_jacobian_values, mean_over_256, "scalar_wrt_matrix",
                    B=256, output_dim=10, input_dim=20)
    assert (error.verdict, error.diagnosis) == ("wrong_values", "hardcoded_sizes")
    assert "as if the notebook's B = 256 were typed in" in str(error).splitlines()[0]


# --- a function right at one set of sizes only never passes ------------------------------------

def first_sizes_only(right):
    """``right``, but only at the sizes of its first call: elsewhere it answers what it
    answered then (a function that memorised one answer)."""
    memory = {}

    def function(*arguments):
        shapes = tuple(np.shape(argument) or argument for argument in arguments)
        first = memory.setdefault("shapes", shapes)
        if shapes == first:
            memory["answer"] = right(*arguments)
        return memory["answer"]
    return function


@pytest.mark.parametrize(("check", "right"), [
    (check_predicted_shape, lambda B, D: (B, 1, D)),
    (check_jacobian_shape, right_dloss_dyhat),
    (check_jacobian_values, right_dloss_dyhat),
])
def test_a_function_right_only_at_its_first_calls_sizes_never_passes(check, right, capsys):
    with pytest.raises(JacobianCheckError) as caught:
        check(first_sizes_only(right), "scalar_wrt_vector", **VECTOR)
    assert "On the check's second sizes" in str(caught.value)
    assert "Passed" not in capsys.readouterr().out


# --- how messages show --------------------------------------------------------------------------

def test_wrap_keeps_shapes_whole_and_lines_short():
    line = ("dloss_dyhat(y, yhat) returned an array of shape (256, 10) (inputs: y (256, 10), "
            "yhat (256, 10)); Expected (B, output_dim, output_dim, input_dim) = (3, 7, 7, 5).")
    lines = wrap(line, width=50)
    assert " ".join(part.strip() for part in lines) == line
    assert all(len(part) <= 50 for part in lines)
    assert all(part.startswith("    ") for part in lines[1:])
    assert "(B, output_dim, output_dim, input_dim)" in "".join(lines)
    assert wrap("short") == ["short"] and wrap("  indented") == ["  indented"]


def test_every_line_of_a_failure_as_shown_fits_the_width():
    from jacobian_checks.display import message_lines

    error = failure(check_jacobian_values, lambda y, yhat: -right_dloss_dyhat(y, yhat),
                    "scalar_wrt_vector", **VECTOR)
    shown = message_lines(error)
    assert all(len(re.sub(r"\x1b\[[0-9;]*m", "", line)) <= WIDTH for line in shown)
    assert " ".join(" ".join(shown).split()).endswith(" ".join(str(error).split()[-4:]))
