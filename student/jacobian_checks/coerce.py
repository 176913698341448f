"""Turning what a student's function returned into numbers, or saying why not.

Both the notebook's own checks and the grader use these: the grader runs the same conversion
in the student's kernel (:mod:`jacobian_checks.probe`), receives only the resulting numbers or
the *kind* of problem, and words the message from the kind. So a message never quotes what
the student's code returned, only what kind of thing it was.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

NOT_AN_ARRAY = {
    "none": "None. Did you forget the `return` statement?",
    "string": "a string, not numbers",
    "ragged": ("something NumPy cannot turn into an array. Nested lists must have the same "
               "length at every level (no ragged lists)"),
    "complex": "complex numbers; a Jacobian of real functions is real",
    "non_numeric": ("values that are not numbers (a list containing None, or arrays of "
                    "different shapes?)"),
    "too_large": "an array too large to be this Jacobian (over 64 MiB)",
}
"""What a returned object that is not a real array is, by kind, as messages say it."""

NOT_A_SHAPE = {
    "none": "None. Did you forget the `return` statement?",
    "string": "a string",
    "not_integers": "entries that are not all ints (floats, bools or arrays?)",
    "not_a_sequence": "a single value, not a tuple",
}
"""What a predicted shape that is not a tuple of ints is, by kind, as messages say it."""


@dataclass(frozen=True)
class Answer:
    """A student's answer as float64 values, plus the precision it was given in.

    Attributes
    ----------
    values : ndarray of float64
        The answer, any shape.
    precision : numpy.dtype
        The floating dtype whose rounding the answer carries: the answer's own dtype if it
        is a float type less precise than float64, else float64.
    """

    values: np.ndarray
    precision: np.dtype


class NotAnArray(ValueError):
    """The returned object is not a real numeric array; ``kind`` is a key of NOT_AN_ARRAY."""

    def __init__(self, kind: str) -> None:
        super().__init__(NOT_AN_ARRAY[kind])
        self.kind = kind


def as_array(returned: object) -> np.ndarray:
    """``np.asarray(returned)`` if that is an array of real numbers (bool, int or float).

    Raises
    ------
    NotAnArray
        For ``None``, strings, ragged nested lists, complex numbers and object arrays.

    Examples
    --------
    >>> as_array([[1, 2], [3, 4]])
    array([[1, 2],
           [3, 4]])
    >>> as_array(None)
    Traceback (most recent call last):
        ...
    jacobian_checks.coerce.NotAnArray: None. Did you forget the `return` statement?
    >>> try:
    ...     as_array([[1.0, 2.0], [3.0]])
    ... except NotAnArray as error:
    ...     print(error.kind)
    ragged
    """
    if returned is None:
        raise NotAnArray("none")
    if isinstance(returned, str | bytes):
        raise NotAnArray("string")
    try:
        array = np.asarray(returned)
    except (ValueError, TypeError):
        raise NotAnArray("ragged") from None
    if array.dtype.kind == "c":
        raise NotAnArray("complex")
    if array.dtype.kind not in "biuf":
        raise NotAnArray("non_numeric")
    return array


def as_answer(array: np.ndarray) -> Answer:
    """A real array (see :func:`as_array`) as float64 values and the precision it carries.

    Examples
    --------
    >>> answer = as_answer(np.array([0.5, 1.5], dtype=np.float32))
    >>> answer.values.dtype, answer.precision
    (dtype('float64'), dtype('float32'))
    >>> as_answer(np.array([1, 2])).precision
    dtype('float64')
    """
    precision = array.dtype if array.dtype.kind == "f" and array.dtype.itemsize < 8 else (
        np.dtype(np.float64))
    return Answer(values=array.astype(np.float64), precision=precision)


def shape_kind(predicted: object) -> tuple[tuple[int, ...] | None, str | None]:
    """A predicted shape as a tuple of ints, or ``None`` and a key of NOT_A_SHAPE.

    Accepts a tuple, list or array of integers (``(4, 3)``, ``[4, 3]``,
    ``np.array(...).shape``); bools are not integers here.

    Examples
    --------
    >>> shape_kind([4, np.int64(3)])
    ((4, 3), None)
    >>> shape_kind((4.0, 3))
    (None, 'not_integers')
    >>> shape_kind(None)
    (None, 'none')
    >>> NOT_A_SHAPE[shape_kind(7)[1]]
    'a single value, not a tuple'
    """
    if predicted is None:
        return None, "none"
    if isinstance(predicted, str | bytes):
        return None, "string"
    try:
        items = list(predicted)  # type: ignore[call-overload]
    except TypeError:
        return None, "not_a_sequence"
    shape = []
    for item in items:
        if isinstance(item, bool | np.bool_) or not isinstance(item, int | np.integer):
            return None, "not_integers"
        shape.append(int(item))
    return tuple(shape), None
