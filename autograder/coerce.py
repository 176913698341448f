"""Turning what a student's function returned into a numeric array, or saying why not."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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
    """The returned object is not a numeric array; ``str()`` says what it is instead."""


def as_answer(returned: object) -> Answer:
    """Convert anything ``np.asarray`` turns into real numbers (lists, float32, ...).

    Raises
    ------
    NotAnArray
        For ``None``, strings, ragged nested lists, objects and complex numbers, with a
        description a student can act on.
    """
    if returned is None:
        raise NotAnArray("None. Did you forget the `return` statement?")
    if isinstance(returned, str | bytes):
        raise NotAnArray(f"a string ({returned[:40]!r}), not numbers")
    try:
        array = np.asarray(returned)
    except (ValueError, TypeError) as exc:
        raise NotAnArray(
            f"a {type(returned).__name__} that NumPy cannot turn into an array: {exc}. "
            "Nested lists must have the same length at every level (no ragged lists)") from None
    if array.dtype.kind == "c":
        raise NotAnArray("complex numbers; a Jacobian of real functions is real")
    if array.dtype.kind not in "biuf":
        raise NotAnArray(
            f"a {type(returned).__name__} holding {array.dtype} values, not numbers "
            "(a ragged list, or a list containing None or arrays of different shapes?)")
    precision = array.dtype if array.dtype.kind == "f" and array.dtype.itemsize < 8 else (
        np.dtype(np.float64))
    return Answer(values=array.astype(np.float64), precision=precision)
