"""The checks that the notebooks' test cells call, in the student's own kernel.

Each check calls the student's function on the notebook's sizes and inputs, then on the case's
second, public sizes (:attr:`~jacobian_checks.public_case.PublicCase.second_sizes`: a size
typed in, or code right only at one set of sizes, fails here, before the student submits), and
runs the verdicts of :mod:`jacobian_checks.verdicts` in order -- type, shape, finiteness,
values -- stopping at the first failure with a
:class:`~jacobian_checks.errors.JacobianCheckError` whose message says what was found and what
is wrong with it: the common mistake it matches, or the rule -- never the shape part 1 asks
for. Values are compared with the references stored for these sizes
(:mod:`jacobian_checks.stored`). An exception raised inside the student's own function
propagates as it is, with a note saying how it was called, and shows their own frames only
(:mod:`jacobian_checks.display`). A check that passes prints one line confirming what it
checked, the Jacobian's shape in symbols and numbers included.

These checks help while working; they are not what is graded. When grading, the grader calls
the same functions from outside the kernel, on the same two sets of sizes and on secret ones,
and judges the results with the same verdicts.

Example failure (``check_jacobian_shape(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)``)::

    JacobianCheckError: Your Jacobian looks transposed: the input's axes come before the
    output's.
    The axes go in the rule's order: check the order of the subscripts after '->' in ...
    dloss_dyhat(y, yhat) returned an array of shape (256, 10, 1) (inputs: ...).
    Rule: a leading batch axis B when the output is per example, then the axes of one
    example's output, then the axes of the input.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from .coerce import NotAnArray, as_array, shape_kind
from .diagnosis import HARDCODED_POINTER
from .display import passed, show_own_frames
from .errors import JacobianCheckError
from .public_case import VISIBLE_SEED
from .stored import get_case, stored_run
from .verdicts import (
    Rejection,
    Run,
    confirmation,
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
    runs = _runs(case, "predicted_shape", sizes)
    shapes = []
    for run in runs:
        _require_callable(run, jacobian_shape)
        predicted = _call_student(jacobian_shape, run,
                                  {name: run.sizes[name] for name in run.case.size_names})
        shape, kind = shape_kind(predicted)
        _raise_if(run, judge_prediction(run, shape, kind))
        shapes.append(shape)
    _passed(runs, shapes[0])


def check_jacobian_shape(function: Callable[..., object], case: str, **sizes: int) -> None:
    """Check the type and shape of what ``function`` returns on the case's inputs."""
    __tracebackhide__ = True
    runs = _runs(case, "shape", sizes)
    arrays = [_returned_array(run, function) for run in runs]
    _passed(runs, arrays[0].shape)


def check_jacobian_values(function: Callable[..., object], case: str, **sizes: int) -> None:
    """Check type, shape, finiteness, then values against the stored references."""
    __tracebackhide__ = True
    runs = _runs(case, "values", sizes)
    shapes = []
    for run in runs:
        array = _returned_array(run, function)
        _raise_if(run, judge_values(run, array))
        shapes.append(array.shape)
    _passed(runs, shapes[0])


def _runs(case: str, check: str, sizes: Mapping[str, int]) -> list[Run]:
    """The runs of a check: the test cell's sizes, then the case's second sizes, each with
    what the package stores for it."""
    the_case = get_case(case)
    first, *others = the_case.public_sizes(sizes)
    return [Run(the_case, check, first, stored_run(the_case, first)),
            *(Run(the_case, check, other, stored_run(the_case, other), passed_at=first)
              for other in others)]


def _passed(runs: list[Run], shape: tuple[int, ...] | None) -> None:
    """Confirm the shape the first run's answer had: a right one, whose layout it opens."""
    assert shape is not None
    layout = runs[0].expectation.layout(tuple(int(dim) for dim in shape))
    passed(confirmation(runs[0].case, layout, runs[0].check, [run.sizes for run in runs]) + ".")


def _returned_array(run: Run, function: Callable[..., object]) -> np.ndarray:
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
    return array


def _require_callable(run: Run, function: object) -> None:
    __tracebackhide__ = True
    if not callable(function):
        _raise_if(run, reject_unavailable(run, defined=True))


def _call_student(function: Callable[..., object], run: Run,
                  arguments: dict[str, object]) -> object:
    """Call the student's code positionally; their exceptions propagate with a note, shown
    from their own frames."""
    __tracebackhide__ = True
    try:
        return function(*arguments.values())
    except NotImplementedError as exc:
        exc.add_note(f"{run.function} is not implemented yet: replace `raise "
                     "NotImplementedError()` in its cell with your code, then run that cell "
                     "again.")
        show_own_frames(exc, _call_student.__code__)
        raise
    except Exception as exc:
        called = (", ".join(f"{name}={value}" for name, value in arguments.items())
                  if run.check == "predicted_shape" else describe_inputs(run.case, run.sizes))
        if run.passed_at is None:
            exc.add_note(f"This error was raised inside your function {run.function}, called "
                         f"by the check with {called}.")
        else:
            exc.add_note(f"This error was raised inside your function {run.function}, called "
                         f"by the check on its second sizes, {sizes_text(run.sizes)}, with "
                         f"{called}, after it passed on {sizes_text(run.passed_at)}. A size "
                         f"typed in would do that. {HARDCODED_POINTER}")
        show_own_frames(exc, _call_student.__code__)
        raise


def _raise_if(run: Run, rejection: Rejection | None) -> None:
    __tracebackhide__ = True
    if rejection is not None:
        raise JacobianCheckError(run.case.key, rejection)
