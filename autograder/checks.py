"""The checks that the notebooks' test cells call.

Each check runs in order -- type, shape, finiteness, values -- and stops at the first
failure with a :class:`~autograder.errors.JacobianCheckError` whose message says what was
expected, what was found, where, and what to look at. A wrong shape or wrong values are then
diagnosed (:mod:`autograder.diagnosis`): if the answer matches a common mistake, the message
starts with a verdict and a pointer. The diagnosis runs only on failure; a passing answer costs
what it did without it. Checker frames are hidden from the student's traceback
(``__tracebackhide__``); an exception raised inside the student's own function propagates as
it is, with their traceback and a note saying how it was called.

Example failure (``check_jacobian_shape(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)``)::

    JacobianCheckError: Your Jacobian looks transposed: its axes are (B, D, 1) = (256, 10, 1),
    input before output.
    The axes go batch, then output, then input: check the order of the subscripts after ...
    dloss_dyhat(y, yhat) returned an array of shape (256, 10, 1) (inputs: ...).
    Expected (B, 1, D) = (256, 1, 10): batch (B,) = (256,), then output (1,), then input
    (D,) = (10,).
    ...
    [autograder] case=scalar_wrt_vector check=shape verdict=wrong_shape diagnosis=transposed_axes

(Lines longer than this page are wrapped here; the tag line is always one line.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from .cases import Case, Inputs, get_case
from .coerce import Answer, NotAnArray, as_answer
from .compare import find_mismatch, format_mismatch, tolerance_for
from .diagnosis_shape import diagnose_shape
from .diagnosis_values import diagnose_values
from .errors import fail
from .layout import format_shape

RULE = ("Rule: a function from shape (A, ...) to (X, ...) has a Jacobian of shape "
        "(X, ..., A, ...), after a leading batch axis B for per-example derivatives.")


@dataclass(frozen=True)
class _Run:
    """A student's function called on one sample of a case's inputs."""

    case: Case
    sizes: dict[str, int]
    inputs: Inputs
    answer: Answer

    @property
    def call(self) -> str:
        return _call_text(self.case)


def check_predicted_shape(jacobian_shape: Callable[..., object], case: str,
                          **sizes: int) -> None:
    """Check the student's predicted Jacobian shape, ``jacobian_shape(*sizes)``.

    Accepts a tuple, list or array of integers (``(256, 1, 10)``, ``[256, 1, 10]``,
    ``np.array(...).shape``).
    """
    __tracebackhide__ = True
    the_case = get_case(case)
    sizes = the_case.all_sizes(sizes)
    _require_callable(jacobian_shape, "jacobian_shape", the_case, "predicted_shape")
    arguments = [sizes[name] for name in the_case.size_names]
    call = f"jacobian_shape({', '.join(str(a) for a in arguments)})"
    predicted = _call_student(jacobian_shape, "jacobian_shape",
                              dict(zip(the_case.size_names, arguments, strict=True)))
    expected = the_case.jacobian_shape(sizes)
    found = _as_shape(predicted)
    if found is None:
        fail([f"{call} returned {predicted!r}; it should return a tuple of ints, "
              "one per axis, like (2, 3)."],
             case=case, check="predicted_shape", verdict="wrong_type")
    if found != expected:
        fail([f"{call} returned {format_shape(found)}.",
              f"Expected {the_case.layout.describe(sizes)}.",
              RULE],
             case=case, check="predicted_shape", verdict="wrong_shape",
             diagnosis=diagnose_shape(found, the_case, sizes))


def check_jacobian_shape(function: Callable[..., object], case: str, *, seed: int = 0,
                         **sizes: int) -> None:
    """Check the type and shape of what ``function`` returns on the case's inputs."""
    __tracebackhide__ = True
    _run_with_right_shape(function, get_case(case), sizes, seed, check="shape")


def check_jacobian_values(function: Callable[..., object], case: str, *, seed: int = 0,
                          hidden: bool = False, **sizes: int) -> None:
    """Check type, shape, finiteness, then values against central differences.

    With ``hidden=True`` the failure report does not show expected values (a diagnosis
    never does).
    """
    __tracebackhide__ = True
    run = _run_with_right_shape(function, get_case(case), sizes, seed, check="values")
    _require_finite(run)
    reference = run.case.reference_jacobian(run.inputs)
    tolerance = tolerance_for(reference, run.answer.precision)
    mismatch = find_mismatch(run.answer.values, reference.values, tolerance)
    if mismatch is not None:
        fail([f"{run.call} returned the right shape but wrong values "
              f"(inputs: {_describe_inputs(run.inputs)}).",
              *format_mismatch(mismatch, run.case.layout, reveal_expected=not hidden)],
             case=run.case.key, check="values", verdict="wrong_values",
             diagnosis=diagnose_values(run.answer.values, reference.values, run.case,
                                       run.sizes, run.inputs, tolerance))


def _run_with_right_shape(function: Callable[..., object], case: Case, sizes: Mapping[str, int],
                          seed: int, *, check: str) -> _Run:
    """Call the student's function on fresh inputs; fail unless it returns the right shape."""
    __tracebackhide__ = True
    all_sizes = case.all_sizes(sizes)
    _require_callable(function, case.function, case, check)
    inputs = case.sample_inputs(all_sizes, seed)
    returned = _call_student(function, case.function,
                             {name: inputs[name].copy() for name in case.arguments})
    call = _call_text(case)
    try:
        answer = as_answer(returned)
    except NotAnArray as exc:
        fail([f"{call} returned {exc}",
              f"It should return a NumPy array of shape {case.layout.symbols()}."],
             case=case.key, check=check, verdict="wrong_type")
    run = _Run(case=case, sizes=all_sizes, inputs=inputs, answer=answer)
    expected = case.layout.shape(all_sizes)
    if answer.values.shape != expected:
        fail([f"{call} returned an array of shape {format_shape(answer.values.shape)} "
              f"(inputs: {_describe_inputs(inputs)}).",
              f"Expected {case.layout.describe(all_sizes)}.",
              RULE],
             case=case.key, check=check, verdict="wrong_shape",
             diagnosis=diagnose_shape(answer.values.shape, case, all_sizes))
    return run


def _call_text(case: Case) -> str:
    """How messages write the call of the student's function: ``dloss_dyhat(y, yhat)``."""
    return f"{case.function}({', '.join(case.arguments)})"


def _require_callable(function: object, name: str, case: Case, check: str) -> None:
    __tracebackhide__ = True
    if not callable(function):
        fail([f"{name} should be a function (def {name}(...): ... return ...); "
              f"found a {type(function).__name__}."],
             case=case.key, check=check, verdict="not_callable")


def _call_student(function: Callable[..., object], name: str,
                  arguments: dict[str, object]) -> object:
    """Call the student's code positionally; their exceptions propagate with a note."""
    __tracebackhide__ = True
    try:
        return function(*arguments.values())
    except NotImplementedError as exc:
        exc.add_note(f"{name} is not implemented yet: replace `raise NotImplementedError()` "
                     "in its cell with your code, then run that cell again.")
        raise
    except Exception as exc:
        exc.add_note(f"This error was raised inside your function {name}, called by the "
                     f"autograder with {_describe_inputs(arguments)}.")
        raise


def _require_finite(run: _Run) -> None:
    __tracebackhide__ = True
    bad = ~np.isfinite(run.answer.values)
    if np.any(bad):
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        value = run.answer.values[first]
        fail([f"{run.call} returned {int(np.count_nonzero(bad))} entries that are NaN or "
              f"infinite, out of {bad.size}; the first at "
              f"{run.case.layout.split_index(first)} is {value}.",
              "Hint: look for a division by zero, a log of zero, or an overflow "
              "(e.g. np.exp of a large number)."],
             case=run.case.key, check="values", verdict="not_finite")


def _as_shape(predicted: object) -> tuple[int, ...] | None:
    """The predicted shape as a tuple of ints, or ``None`` if it is not one."""
    if isinstance(predicted, str | bytes | bool) or predicted is None:
        return None
    try:
        items = list(predicted)  # type: ignore[call-overload]
    except TypeError:
        return None
    shape = []
    for item in items:
        if isinstance(item, bool | np.bool_) or not isinstance(item, int | np.integer):
            return None
        shape.append(int(item))
    return tuple(shape)


def _describe_inputs(inputs: Mapping[str, object]) -> str:
    """``y (256, 10), yhat (256, 10)`` for arrays, ``B=256, D=10`` for sizes."""
    return ", ".join(f"{name} {format_shape(value.shape)}" if isinstance(value, np.ndarray)
                     else f"{name}={value!r}" for name, value in inputs.items())
