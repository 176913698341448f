"""The verdicts of the checks: pure functions from what a student's function gave back to a
:class:`Rejection`, or ``None`` when the check passes.

The notebook's own test cells (:mod:`jacobian_checks.checks`) and the grader use the same
functions, so a student reads the same message while working and in their feedback. Each
verdict is about one :class:`Run`: one call of the student's function, on the notebook's sizes,
on the case's second, public sizes (right after the notebook's), or, when grading, on a
*hidden* run whose sizes and inputs are kept secret. The message of a hidden run is one of a
few fixed texts per check (:mod:`jacobian_checks.hidden_messages`): what the function did
there, which could spell the secret sizes out, is kept for the grader's records only.

Checks run in order, and the first failure is the verdict: type, shape, finiteness, values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .coerce import NOT_A_SHAPE, Answer, NotAnArray, as_answer
from .compare import find_mismatch, format_mismatch, tolerance_for, too_coarse
from .diagnosis import HARDCODED_POINTER, Diagnosis
from .diagnosis_values import diagnose_values
from .expected import Expectation
from .hidden_messages import hidden_message
from .layout import JacobianLayout, Sizes, format_shape, resolve
from .public_case import PublicCase

RULE = ("Rule: a leading batch axis B when the output is per example, then the axes of one "
        "example's output, then the axes of the input.")
"""The last line of every wrong shape's message: what to check, holding no case's shape."""

UNRECOGNISED = "That is not this Jacobian's shape, nor one of the mistakes the checks name."
"""What a wrong shape that no diagnosis explains is told, before the rule."""

PREDICTED_HARDCODED_POINTER = ("Build the shape from the arguments only (B, D, ... as "
                               "jacobian_shape receives them): the checks call it with other "
                               "sizes too.")
"""The pointer of a size typed in a predicted shape, whose sizes are arguments, not shapes."""

_FINITE_HINT = ("Hint: look for a division by zero, a log of zero, or an overflow "
                "(e.g. np.exp of a large number).")


@dataclass(frozen=True)
class Rejection:
    """Why a check rejected an answer, in words a student can act on.

    Attributes
    ----------
    check : {"predicted_shape", "shape", "values"}
    verdict : str
        What failed: ``missing``, ``not_callable``, ``raised``, ``timed_out``, ``no_reply``,
        ``wrong_type``, ``wrong_shape``, ``too_coarse``, ``not_finite`` or ``wrong_values``.
    lines : tuple of str
        The message, line by line: a diagnosis's two lines first, if there is one; a fixed
        text on a hidden run.
    diagnosis : str or None
        The key of the common mistake the answer matches (``docs/diagnoses.md``); on a hidden
        run, for the grader's records only.
    error : str or None
        For ``raised``: the name of the exception, when it may be recorded.
    """

    check: str
    verdict: str
    lines: tuple[str, ...]
    diagnosis: str | None = None
    error: str | None = None

    @property
    def message(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Run:
    """One call of a student's function by a check.

    Attributes
    ----------
    case : PublicCase
    check : {"predicted_shape", "shape", "values"}
    sizes : dict of str to int
        Exactly the case's size names.
    expectation : Expectation
        What the check knows of the right answer at these sizes: what the package stores, in
        the notebook; the case's layout and math, in the grader.
    hidden : bool
        The sizes and inputs are secret: the message is a fixed text.
    passed_at : dict of str to int or None
        For the run on the case's second, public sizes: the test cell's sizes, on which the
        same check has just passed (messages say so).
    """

    case: PublicCase
    check: str
    sizes: dict[str, int]
    expectation: Expectation
    hidden: bool = False
    passed_at: dict[str, int] | None = None

    @property
    def function(self) -> str:
        """The name of the student's function this run calls."""
        return "jacobian_shape" if self.check == "predicted_shape" else self.case.function

    @property
    def call(self) -> str:
        """The call as messages write it: ``dloss_dyhat(y, yhat)``, ``jacobian_shape(256, 10)``
        (``jacobian_shape(B, D)`` on a hidden run)."""
        if self.check != "predicted_shape":
            return f"{self.case.function}({', '.join(self.case.arguments)})"
        values = [name if self.hidden else str(self.sizes[name]) for name in self.case.size_names]
        return f"jacobian_shape({', '.join(values)})"

    @property
    def where(self) -> str:
        """How a sentence about this run starts: ``""`` on the test cell's sizes; on the
        second sizes, ``"On the check's second sizes, B=3, D=7 (after passing on B=256,
        D=10), "``."""
        if self.passed_at is None:
            return ""
        return (f"On the check's second sizes, {sizes_text(self.sizes)} (after passing on "
                f"{sizes_text(self.passed_at)}), ")

    def reject(self, verdict: str, lines: Sequence[str], diagnosis: Diagnosis | None = None,
               error: str | None = None) -> Rejection:
        """A rejection of this run, the diagnosis's lines first; on a hidden run, the fixed
        text of its check and kind of failure, the diagnosis kept for the records only."""
        key = None if diagnosis is None else diagnosis.key
        if self.hidden:
            return Rejection(self.check, verdict, hidden_message(self.call, self.check, verdict),
                             key, error)
        head: list[str] = []
        if diagnosis is not None:
            first, pointer = diagnosis.verdict, diagnosis.pointer
            if self.check == "predicted_shape":  # a shape was predicted, no Jacobian computed
                if first.startswith("Your Jacobian"):
                    first = "Your predicted Jacobian" + first.removeprefix("Your Jacobian")
                if diagnosis.key == "hardcoded_sizes":
                    pointer = PREDICTED_HARDCODED_POINTER
            head = [first, pointer]
        return Rejection(self.check, verdict, (*head, *lines), key, error)


def describe_inputs(case: PublicCase, sizes: Sizes) -> str:
    """The arguments' shapes for these sizes, as messages write them.

    Examples
    --------
    A made-up case, of none of the course's functions:

    >>> case = PublicCase(key="outer", assignment="demo", function="douter_du",
    ...                   arguments=("u", "v"), wrt="u", size_names=("N", "K"),
    ...                   input_shapes={"u": ("N", "K"), "v": ("K",)},
    ...                   visible_sizes={"N": 4, "K": 3}, second_sizes={"N": 2, "K": 5})
    >>> describe_inputs(case, {"N": 4, "K": 3})
    'u (4, 3), v (3,)'
    """
    return ", ".join(f"{name} {format_shape(resolve(case.input_shapes[name], sizes))}"
                     for name in case.arguments)


def reject_unavailable(run: Run, *, defined: bool) -> Rejection:
    """The grader found no function to call: not defined at all, or not a function."""
    name = run.function
    if not defined:
        return run.reject("missing", [
            f"{name} is not defined when your notebook has run: run the cell that defines it "
            "and keep its name."])
    return run.reject("not_callable", [
        f"{name} should be a function (def {name}(...): ... return ...); it is not."])


def reject_raised(run: Run, ename: str | None) -> Rejection:
    """The student's function raised when the grader called it (``ename`` if safe to show)."""
    if ename == "NotImplementedError" and not run.hidden:
        return run.reject("raised", [
            f"{run.function} is not implemented yet: replace `raise NotImplementedError()` in "
            "its cell with your code."], error=ename)
    lines = [f"{run.where}{run.call} raised {ename or 'an exception'}: it was raised inside "
             f"your function {run.function}, called by the grader with {_arguments(run)}. "
             "Run this test cell in your notebook to see where."]
    if run.passed_at is not None:
        lines.append(f"A size typed in would do that. {HARDCODED_POINTER}")
    return run.reject("raised", lines, error=ename)


def reject_no_reply(run: Run, reason: str, *, timed_out: bool = False) -> Rejection:
    """The grader got no answer from the student's kernel: ``reason`` says why."""
    return run.reject("timed_out" if timed_out else "no_reply",
                      [f"{run.where}{run.call} gave no answer: {reason}."])


def judge_prediction(run: Run, shape: tuple[int, ...] | None,
                     kind: str | None) -> Rejection | None:
    """The verdict on a predicted shape: ``shape``, or ``None`` with a key of NOT_A_SHAPE."""
    if shape is None:
        return run.reject("wrong_type", [
            _sentence(f"{run.where}{run.call} returned {NOT_A_SHAPE[kind or 'not_a_sequence']}"),
            "It should return a tuple of ints, one per axis, like (2, 3)."])
    return _judge_shape(run, shape, f"{run.where}{run.call} returned {{shape}}.")


def judge_returned(run: Run, returned: np.ndarray | NotAnArray) -> Rejection | None:
    """The type and shape verdict on an array returned by the student's function."""
    if isinstance(returned, NotAnArray):
        return run.reject("wrong_type", [
            _sentence(f"{run.where}{run.call} returned {returned}"),
            "It should return a NumPy array: the Jacobian, with the shape you predicted in "
            "part 1."])
    return _judge_shape(run, returned.shape, f"{run.where}{run.call} returned an array of shape "
                        f"{{shape}} (inputs: {describe_inputs(run.case, run.sizes)}).")


def judge_values(run: Run, array: np.ndarray) -> Rejection | None:
    """Precision, finiteness, then the values of a right-shaped array against what the run's
    expectation gives for that shape (:class:`~jacobian_checks.expected.Expected`)."""
    expected = run.expectation.expected(tuple(int(dim) for dim in array.shape))
    answer: Answer = as_answer(array)
    if too_coarse(answer.precision):
        digits = int(-np.log10(np.finfo(answer.precision).eps))
        return run.reject("too_coarse", [
            f"{run.where}{run.call} returned {answer.precision} values, which keep about "
            f"{digits} significant digits: too few to check a Jacobian. Return float64 (or "
            "float32) values, e.g. with .astype(np.float64)."])
    bad = ~np.isfinite(answer.values)
    if np.any(bad):
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        count = int(np.count_nonzero(bad))
        return run.reject("not_finite", [
            f"{run.where}{run.call} returned {count} {'entry' if count == 1 else 'entries'} "
            f"that {'is' if count == 1 else 'are'} NaN or infinite, out of {bad.size}; the "
            f"first at {expected.layout.split_index(first)} is {answer.values[first]}.",
            _FINITE_HINT])
    tolerance = tolerance_for(expected.reference)
    mismatch = find_mismatch(answer.values, expected.reference.values, tolerance)
    if mismatch is None:
        return None
    diagnosis = diagnose_values(answer.values, expected, run.case, run.sizes, tolerance)
    return run.reject("wrong_values", [
        f"{run.where}{run.call} returned the right shape but wrong values (inputs: "
        f"{describe_inputs(run.case, run.sizes)}).",
        *format_mismatch(mismatch, expected.layout)], diagnosis)


def _judge_shape(run: Run, found: Sequence[int], visible_line: str) -> Rejection | None:
    """Compare a found shape with the contract's; ``visible_line`` has a ``{shape}`` slot.

    A wrong shape is told what is wrong with it -- a named mistake, or the rule -- never the
    right shape, which part 1 asks the student to predict."""
    found = tuple(int(dim) for dim in found)
    if run.expectation.fits(found):
        return None
    diagnosis = run.expectation.shape_diagnosis(found)
    told = [visible_line.format(shape=format_shape(found))]
    if diagnosis is None:
        told.append(UNRECOGNISED)
    return run.reject("wrong_shape", [*told, RULE], diagnosis)


def confirmation(case: PublicCase, layout: JacobianLayout, check: str,
                 public: Sequence[Mapping[str, int]]) -> str:
    """What a passed check confirmed, on the sizes it ran on (the notebook's, then the second
    set); the shape is told once predicted or coded right, from the ``layout`` a shape that
    fits opens.

    Examples
    --------
    A made-up case, of none of the course's functions:

    >>> case = PublicCase(key="scale", assignment="demo", function="dscale_dw",
    ...                   arguments=("w",), wrt="w", size_names=("K",),
    ...                   input_shapes={"w": ("K",)}, visible_sizes={"K": 3},
    ...                   second_sizes={"K": 5})
    >>> layout = JacobianLayout(batch=(), output=("K",), input=("K",))
    >>> sizes = [case.visible_sizes, case.second_sizes]
    >>> confirmation(case, layout, "shape", sizes)
    'dscale_dw(w) has the shape (K, K): (3, 3) at K=3, and (5, 5) at K=5'
    >>> confirmation(case, layout, "values", sizes)
    'the values of dscale_dw(w), of shape (K, K), match finite differences at K=3, and at K=5'
    """
    symbols = layout.symbols()
    shapes = ", and ".join(f"{format_shape(layout.shape(sizes))} at {sizes_text(sizes)}"
                          for sizes in public)
    at = ", and ".join(f"at {sizes_text(sizes)}" for sizes in public)
    call = f"{case.function}({', '.join(case.arguments)})"
    if check == "predicted_shape":
        return f"your predicted shape {symbols} is right: {shapes}"
    if check == "shape":
        return f"{call} has the shape {symbols}: {shapes}"
    return f"the values of {call}, of shape {symbols}, match finite differences {at}"


def _arguments(run: Run) -> str:
    """The arguments of a run: sizes for ``jacobian_shape``, else the inputs' shapes."""
    if run.check == "predicted_shape":
        return ", ".join(f"{name}={run.sizes[name]}" for name in run.case.size_names)
    return describe_inputs(run.case, run.sizes)


def _sentence(text: str) -> str:
    """``text`` ending with a full stop, unless it ends with ``?`` or ``.`` already."""
    return text if text.endswith(("?", ".")) else text + "."


def sizes_text(sizes: Mapping[str, int]) -> str:
    """The sizes as messages write them.

    Examples
    --------
    >>> sizes_text({"N": 4, "K": 3})
    'N=4, K=3'
    """
    return ", ".join(f"{name}={size}" for name, size in sizes.items())
