"""The verdicts of the checks: pure functions from what a student's function gave back to a
:class:`Rejection`, or ``None`` when the check passes.

The notebook's own test cells (:mod:`jacobian_checks.checks`) and the grader use the same
functions, so a student reads the same message while working and in their feedback. Each
verdict is about one :class:`Run`: one call of the student's function, on the notebook's sizes
or, when grading, on a *hidden* run whose sizes and inputs are kept secret. Messages about a
hidden run hold no size, index or value of it, nor what the function gave back there (a shape
or the name of an exception could spell the sizes out): expected shapes are written in
symbols, a diagnosis by its size-free title (:data:`jacobian_checks.diagnosis.TITLES`) and
its pointer.

Checks run in order, and the first failure is the verdict: type, shape, finiteness, values.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .cases import Case, Inputs
from .coerce import NOT_A_SHAPE, Answer, NotAnArray, as_answer
from .compare import Reference, find_mismatch, format_mismatch, tolerance_for, too_coarse
from .diagnosis import TITLES, Diagnosis
from .diagnosis_shape import diagnose_shape
from .diagnosis_values import diagnose_values
from .layout import Sizes, format_shape, resolve

RULE = ("Rule: a function from shape (A, ...) to (X, ...) has a Jacobian of shape "
        "(X, ..., A, ...), after a leading batch axis B for per-example derivatives.")

HIDDEN = "On a hidden test (other sizes and random inputs, kept secret), "
"""How a message about a hidden run starts."""

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
        The message, line by line: a diagnosis's two lines first, if there is one.
    diagnosis : str or None
        The key of the common mistake the answer matches (``docs/diagnoses.md``).
    error : str or None
        For ``raised``: the name of the exception, when it may be shown.
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
    case : Case
    check : {"predicted_shape", "shape", "values"}
    sizes : dict of str to int
        Exactly the case's size names.
    hidden : bool
        The sizes and inputs are secret: messages must not reveal them.
    """

    case: Case
    check: str
    sizes: dict[str, int]
    hidden: bool = False

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

    def reject(self, verdict: str, lines: Sequence[str], diagnosis: Diagnosis | None = None,
               error: str | None = None) -> Rejection:
        """A rejection of this run, the diagnosis's lines first (size-free if hidden)."""
        head: list[str] = []
        if diagnosis is not None:
            head = [TITLES[diagnosis.key] if self.hidden else diagnosis.verdict,
                    diagnosis.pointer]
        return Rejection(self.check, verdict, (*head, *lines),
                         None if diagnosis is None else diagnosis.key, error)


def describe_inputs(case: Case, sizes: Sizes) -> str:
    """``y (256, 10), yhat (256, 10)``: the arguments' shapes for these sizes."""
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
    what = ename or "an exception"
    if ename == "NotImplementedError":
        return run.reject("raised", [
            f"{run.function} is not implemented yet: replace `raise NotImplementedError()` in "
            "its cell with your code."], error=ename)
    if run.hidden:  # which exception a hidden run raised could spell out its sizes
        return run.reject("raised", [
            f"{HIDDEN}{run.call} raised an exception: it was raised inside your function "
            f"{run.function}, called by the grader with {_arguments(run)}. Take every size "
            "from the inputs' shapes, and check that your code works for any sizes."],
            error=ename)
    return run.reject("raised", [
        f"{run.call} raised {what}: it was raised inside your function {run.function}, "
        f"called by the grader with {_arguments(run)}. Run this test cell in your notebook "
        "to see where."], error=ename)


def reject_no_reply(run: Run, reason: str, *, timed_out: bool = False) -> Rejection:
    """The grader got no answer from the student's kernel: ``reason`` says why."""
    where = HIDDEN if run.hidden else ""
    return run.reject("timed_out" if timed_out else "no_reply",
                      [f"{where}{run.call} gave no answer: {reason}."])


def judge_prediction(run: Run, shape: tuple[int, ...] | None,
                     kind: str | None) -> Rejection | None:
    """The verdict on a predicted shape: ``shape``, or ``None`` with a key of NOT_A_SHAPE."""
    if shape is None:
        where = HIDDEN if run.hidden else ""
        return run.reject("wrong_type", [
            f"{where}{run.call} returned {NOT_A_SHAPE[kind or 'not_a_sequence']}; it should "
            "return a tuple of ints, one per axis, like (2, 3)."])
    return _judge_shape(run, shape, f"{run.call} returned {{shape}}.")


def judge_returned(run: Run, returned: np.ndarray | NotAnArray) -> Rejection | None:
    """The type and shape verdict on an array returned by the student's function."""
    if isinstance(returned, NotAnArray):
        where = HIDDEN if run.hidden else ""
        return run.reject("wrong_type", [
            f"{where}{run.call} returned {returned}.",
            f"It should return a NumPy array of shape {run.case.layout.symbols()}."])
    return _judge_shape(run, returned.shape, f"{run.call} returned an array of shape "
                        f"{{shape}} (inputs: {describe_inputs(run.case, run.sizes)}).")


def judge_values(run: Run, array: np.ndarray, inputs: Inputs, reference: Reference,
                 examples: Callable[[], np.ndarray | None] | None = None,
                 mistakes: Callable[[], np.ndarray | None] | None = None) -> Rejection | None:
    """Precision, finiteness, then the values of a right-shaped array against the reference.

    ``examples``, for a batch-averaged case, gives the Jacobian of each example, and
    ``mistakes`` the answer of each of the case's known mistakes, when a diagnosis asks for
    them (see :class:`jacobian_checks.diagnosis.Failure`).
    """
    answer: Answer = as_answer(array)
    where = HIDDEN if run.hidden else ""
    if too_coarse(answer.precision):
        digits = int(-np.log10(np.finfo(answer.precision).eps))
        return run.reject("too_coarse", [
            f"{where}{run.call} returned {answer.precision} values, which keep about {digits} "
            "significant digits: too few to check a Jacobian. Return float64 (or float32) "
            "values, e.g. with .astype(np.float64)."])
    bad = ~np.isfinite(answer.values)
    if np.any(bad):
        if run.hidden:
            return run.reject("not_finite", [
                f"{HIDDEN}{run.call} returned entries that are NaN or infinite.", _FINITE_HINT])
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        return run.reject("not_finite", [
            f"{run.call} returned {int(np.count_nonzero(bad))} entries that are NaN or "
            f"infinite, out of {bad.size}; the first at {run.case.layout.split_index(first)} "
            f"is {answer.values[first]}.", _FINITE_HINT])
    tolerance = tolerance_for(reference)
    mismatch = find_mismatch(answer.values, reference.values, tolerance)
    if mismatch is None:
        return None
    diagnosis = diagnose_values(answer.values, reference.values, run.case, run.sizes, inputs,
                                tolerance, examples, mistakes)
    if run.hidden:
        return run.reject("wrong_values", [
            f"{HIDDEN}{run.call} returned the right shape but wrong values."], diagnosis)
    return run.reject("wrong_values", [
        f"{run.call} returned the right shape but wrong values (inputs: "
        f"{describe_inputs(run.case, run.sizes)}).",
        *format_mismatch(mismatch, run.case.layout)], diagnosis)


def _judge_shape(run: Run, found: Sequence[int], visible_line: str) -> Rejection | None:
    """Compare a found shape with the contract's; ``visible_line`` has a ``{shape}`` slot."""
    expected = run.case.layout.shape(run.sizes)
    found = tuple(int(dim) for dim in found)
    if found == expected:
        return None
    diagnosis = diagnose_shape(found, run.case, run.sizes)
    if run.hidden:  # the shape found on a hidden run could spell out its sizes: not shown
        what = "a wrong shape" if run.check == "predicted_shape" else (
            f"an array of the wrong shape; expected {run.case.layout.symbols()}")
        return run.reject("wrong_shape", [f"{HIDDEN}{run.call} returned {what}.", RULE],
                          diagnosis)
    if run.check == "predicted_shape":  # the prediction is the question: no answer given
        return run.reject("wrong_shape", [
            f"{run.call} returned {format_shape(found)}.", wrong_parts(found, run), RULE],
            diagnosis)
    return run.reject("wrong_shape", [
        visible_line.format(shape=format_shape(found)),
        f"Expected {run.case.layout.describe(run.sizes)}.", RULE], diagnosis)


def wrong_parts(found: Sequence[int], run: Run) -> str:
    """Which groups of a predicted shape's axes are wrong, without the right shape.

    ``"The batch axis is right; the output's axes are not; the input's axes are right."``, or,
    when the number of axes differs, how many axes each group has.
    """
    layout = run.case.layout
    groups = [("batch", layout.batch), ("output", layout.output), ("input", layout.input)]
    groups = [(name, dims) for name, dims in groups if dims]
    if len(found) != len(layout.axes):
        counts = ", then ".join(f"{len(dims)} {name} axis" + ("es" if len(dims) > 1 else "")
                                for name, dims in groups)
        return (f"It has {len(found)} axes; this Jacobian has {len(layout.axes)}: {counts}. "
                "Count the axes of the output and of the input again.")
    verdicts, start = [], 0
    for name, dims in groups:
        right = tuple(found[start:start + len(dims)]) == resolve(dims, run.sizes)
        verdicts.append(f"the {name} {'axis' if len(dims) == 1 else 'axes'} "
                        f"{'are' if len(dims) > 1 else 'is'} {'right' if right else 'wrong'}")
        start += len(dims)
    text = "; ".join(verdicts)
    return text[0].upper() + text[1:] + "."


def _arguments(run: Run) -> str:
    """The arguments of a run: sizes for ``jacobian_shape``, else the inputs' shapes; in
    symbols on a hidden run (``y (B, D), yhat (B, D)``)."""
    if run.check == "predicted_shape":
        return ", ".join(name if run.hidden else f"{name}={run.sizes[name]}"
                         for name in run.case.size_names)
    if run.hidden:
        return ", ".join(f"{name} {format_shape(run.case.input_shapes[name])}"
                         for name in run.case.arguments)
    return describe_inputs(run.case, run.sizes)


def sizes_text(sizes: Mapping[str, int]) -> str:
    """``B=256, D=10``."""
    return ", ".join(f"{name}={size}" for name, size in sizes.items())
