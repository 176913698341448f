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

The Examples of each check show the form of a failure's message, on answers that are wrong
whatever the case.
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
    """Check the student's predicted Jacobian shape, ``jacobian_shape(*sizes)``.

    Parameters
    ----------
    jacobian_shape : callable
        The student's function: takes the case's sizes, in order, and returns the
        Jacobian's shape as a tuple of ints.
    case : str
        The case's key, as the notebook's test cell names it.
    **sizes : int
        The notebook's sizes, by name.

    Raises
    ------
    JacobianCheckError
        If the prediction is not a tuple of ints, or not the Jacobian's shape, at these sizes
        or at the case's second ones. A passing check prints one line.

    Examples
    --------
    A prediction written as text, not built from the sizes:

    >>> def jacobian_shape(B, D):
    ...     return "(B, D)"
    >>> try:
    ...     check_predicted_shape(jacobian_shape, "scalar_wrt_vector", B=256, D=10)
    ... except JacobianCheckError as error:
    ...     print(error)
    ...     print(error.verdict)
    jacobian_shape(256, 10) returned a string.
    It should return a tuple of ints, one per axis, like (2, 3).
    wrong_type
    """
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
    """Check the type and shape of what ``function`` returns on the case's inputs.

    ``function`` is called with the case's arguments, drawn at the notebook's sizes (then at
    the case's second ones); it must return a NumPy array of the Jacobian's shape. The other
    parameters are those of :func:`check_predicted_shape`.

    Raises
    ------
    JacobianCheckError
        If ``function`` returns no array of real numbers, or one of another shape. An
        exception raised inside ``function`` propagates, with a note saying how it was called.

    Examples
    --------
    A function that computes its Jacobian but forgets to return it:

    >>> def dloss_dyhat(y, yhat):
    ...     jacobian = None  # computed here, then not returned
    >>> try:
    ...     check_jacobian_shape(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)
    ... except JacobianCheckError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    dloss_dyhat(y, yhat) returned None. Did you forget the `return` statement?
    It should return a NumPy array: the Jacobian, with the shape you predicted in part 1.
    """
    __tracebackhide__ = True
    runs = _runs(case, "shape", sizes)
    arrays = [_returned_array(run, function) for run in runs]
    _passed(runs, arrays[0].shape)


def check_jacobian_values(function: Callable[..., object], case: str, **sizes: int) -> None:
    """Check type, shape, finiteness, then values against the stored references.

    The parameters are those of :func:`check_jacobian_shape`; values pass within the band of
    :mod:`jacobian_checks.compare`.

    Raises
    ------
    JacobianCheckError
        At the first check that fails: type, shape, finiteness, values. On wrong values the
        message lists the worst entries, yours and the expected ones.

    Examples
    --------
    Complex numbers are no Jacobian of a real function:

    >>> import numpy as np
    >>> def dloss_dyhat(y, yhat):
    ...     return np.sqrt(-np.abs(yhat) + 0j)
    >>> try:
    ...     check_jacobian_values(dloss_dyhat, "scalar_wrt_vector", B=256, D=10)
    ... except JacobianCheckError as error:
    ...     print(error)  # doctest: +NORMALIZE_WHITESPACE
    ...     print(error.check, error.verdict)
    dloss_dyhat(y, yhat) returned complex numbers; a Jacobian of real functions is real.
    It should return a NumPy array: the Jacobian, with the shape you predicted in part 1.
    values wrong_type
    """
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
