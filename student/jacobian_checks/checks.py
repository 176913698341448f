"""The checks that the notebooks' test cells call, in the student's own kernel.

Each check calls the student's function on the notebook's sizes and inputs and runs the
verdicts of :mod:`jacobian_checks.verdicts` in order -- type, shape, finiteness, values --
stopping at the first failure with a :class:`~jacobian_checks.errors.JacobianCheckError`
whose message says what was expected, what was found, and, if the answer matches a common
mistake, names it. Values are compared with the reference stored for these sizes
(:mod:`jacobian_checks.references`). An exception raised inside the student's own function
propagates as it is, with their traceback and a note saying how it was called.

These checks help while working; they are not what is graded. When grading, the grader calls
the same functions from outside the kernel, on these sizes and on secret ones, and judges
the results with the same verdicts.

Example failure (``check_jacobian_shape(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)``)::

    JacobianCheckError: Your Jacobian looks transposed: its axes are (B, D, 1) = (256, 10, 1),
    input before output.
    The axes go batch, then output, then input: check the order of the subscripts after ...
    dloss_dyhat(y, yhat) returned an array of shape (256, 10, 1) (inputs: ...).
    Expected (B, 1, D) = (256, 1, 10): batch (B,) = (256,), then output (1,), then input
    (D,) = (10,).
    ...
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .cases import VISIBLE_SEED, Case, get_case
from .coerce import NotAnArray, as_array, shape_kind
from .display import passed
from .errors import JacobianCheckError
from .references import stored_examples, stored_mistakes, stored_reference
from .verdicts import (
    Rejection,
    Run,
    describe_inputs,
    judge_prediction,
    judge_returned,
    judge_values,
    reject_unavailable,
    sizes_text,
)


def check_predicted_shape(jacobian_shape: Callable[..., object], case: str,
                          **sizes: int) -> None:
    """Check the student's predicted Jacobian shape, ``jacobian_shape(*sizes)``."""
    __tracebackhide__ = True
    run = _run(case, "predicted_shape", sizes)
    _require_callable(run, jacobian_shape)
    predicted = _call_student(jacobian_shape, run,
                              {name: run.sizes[name] for name in run.case.size_names})
    _raise_if(run, judge_prediction(run, *shape_kind(predicted)))
    passed(f"your predicted shape, at {sizes_text(run.sizes)}.")


def check_jacobian_shape(function: Callable[..., object], case: str, **sizes: int) -> None:
    """Check the type and shape of what ``function`` returns on the case's inputs."""
    __tracebackhide__ = True
    run = _run(case, "shape", sizes)
    _returned_array(run, function)
    passed(f"the shape of {run.call}, at {sizes_text(run.sizes)}.")


def check_jacobian_values(function: Callable[..., object], case: str, **sizes: int) -> None:
    """Check type, shape, finiteness, then values against the stored reference."""
    __tracebackhide__ = True
    run = _run(case, "values", sizes)
    reference = stored_reference(run.case.key, run.sizes)
    if reference is None:
        raise ValueError(f"the values of case {case!r} can be checked here at the notebook's "
                         f"sizes ({sizes_text(run.case.visible_sizes)}), not at "
                         f"{sizes_text(run.sizes)}; the shape check works at any size")
    array, inputs = _returned_array(run, function)
    _raise_if(run, judge_values(run, array, inputs, reference,
                                lambda: stored_examples(run.case.key, run.sizes),
                                lambda: stored_mistakes(run.case.key, run.sizes)))
    passed(f"the shape and values of {run.call}, at {sizes_text(run.sizes)}.")


def _run(case: str, check: str, sizes: Mapping[str, int]) -> Run:
    the_case: Case = get_case(case)
    return Run(the_case, check, the_case.all_sizes(sizes))


def _returned_array(run: Run, function: Callable[..., object]
                    ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Call the function on fresh inputs; fail unless it returns an array of the right shape."""
    __tracebackhide__ = True
    _require_callable(run, function)
    inputs = run.case.sample_inputs(run.sizes, VISIBLE_SEED)
    returned = _call_student(function, run, {name: inputs[name].copy()
                                             for name in run.case.arguments})
    try:
        array: np.ndarray | NotAnArray = as_array(returned)
    except NotAnArray as exc:
        array = exc
    _raise_if(run, judge_returned(run, array))
    assert isinstance(array, np.ndarray)
    return array, inputs


def _require_callable(run: Run, function: object) -> None:
    __tracebackhide__ = True
    if not callable(function):
        _raise_if(run, reject_unavailable(run, defined=True))


def _call_student(function: Callable[..., object], run: Run,
                  arguments: dict[str, object]) -> object:
    """Call the student's code positionally; their exceptions propagate with a note."""
    __tracebackhide__ = True
    try:
        return function(*arguments.values())
    except NotImplementedError as exc:
        exc.add_note(f"{run.function} is not implemented yet: replace `raise "
                     "NotImplementedError()` in its cell with your code, then run that cell "
                     "again.")
        raise
    except Exception as exc:
        called = (", ".join(f"{name}={value}" for name, value in arguments.items())
                  if run.check == "predicted_shape" else describe_inputs(run.case, run.sizes))
        exc.add_note(f"This error was raised inside your function {run.function}, called by "
                     f"the check with {called}.")
        raise


def _raise_if(run: Run, rejection: Rejection | None) -> None:
    __tracebackhide__ = True
    if rejection is not None:
        raise JacobianCheckError(run.case.key, rejection)
