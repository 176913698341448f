"""Diagnosing wrong values in a Jacobian of the right shape.

Each rule either transforms the student's answer (negates it, divides it by a constant, swaps
two axes of equal size, puts the batch back in order) or takes the answer that a known mistake
gives (all zeros, an identity; the mistakes whose answers need the case's math, given with the
reference, in :mod:`.diagnosis_named`), then confirms the match with the check's own
comparison, ``compare.find_mismatch(..., tolerance) is None``. A rule about part of the answer
(some examples of the batch, the diagonal) confirms that part the same way and describes the
rest by counts only.

The rules run from the most specific to the most general, and the first one confirmed is the
diagnosis: an answer that is all zeros also has right entries off the diagonal, but "all zeros"
says more. Anything no rule confirms gets no diagnosis.

Messages contain sizes, factors, counts and indices, never the reference's values: hidden
tests show them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import permutations

import numpy as np

from . import diagnosis_named
from .compare import Tolerance, excess
from .diagnosis import BATCH, HARDCODED_POINTER, Diagnosis, Failure, axes_order
from .diagnosis_named import named_mistake
from .diagnosis_parts import (
    batch_permuted,
    diagonal_mask,
    diagonal_only,
    diagonal_words,
    off_diagonal_only,
    single_example,
    some_examples_wrong,
)
from .expected import Expected
from .layout import Sizes, format_shape
from .public_case import PublicCase

CLEAR_MARGIN = 10.0
"""A mistake is named only when the answer is off by this many times the band somewhere:
an answer just outside the band (rounding, a near miss) gets the report alone."""


def diagnose_values(yours: np.ndarray, expected: Expected, case: PublicCase, sizes: Sizes,
                    tolerance: Tolerance) -> Diagnosis | None:
    """The value mistake that a right-shaped wrong answer matches, or ``None``.

    Parameters
    ----------
    yours : ndarray of float64
        The finite answer, of the shape ``(*batch, *output, *input)`` of ``expected.layout``.
    expected : Expected
        What it is compared with: the finite-difference Jacobian, and when a rule asks for
        them, the Jacobian of each example and the named mistakes' answers.
    case : PublicCase
    sizes : mapping of str to int
        The test's sizes, e.g. ``{"B": 256, "D": 10}``: they name the scale factors.
    tolerance : Tolerance
        The check's tolerance; every confirmation uses it.
    """
    reference = expected.reference.values
    failure = Failure(yours, reference, case, expected.layout, sizes, tolerance,
                      expected.examples, expected.named)
    # A transformed huge answer may overflow to inf: it then fails to match, nothing more.
    with np.errstate(over="ignore"):
        if failure.matches(yours) or excess(yours, reference, tolerance) < CLEAR_MARGIN:
            return None
        for rule in RULES:
            diagnosis = rule(failure)
            if diagnosis is not None:
                return diagnosis
    return None


def _all_zeros(f: Failure) -> Diagnosis | None:
    if not f.matches(f.yours, np.zeros_like(f.yours)):
        return None
    return Diagnosis(
        "all_zeros", "Your Jacobian is all zeros.",
        "Each entry is the derivative of one output entry with respect to one input entry: "
        "did you fill in the array you created with np.zeros?")


def _sign_flipped(f: Failure) -> Diagnosis | None:
    if not f.matches(-f.yours):
        return None
    return Diagnosis(
        "sign_flipped", "Your Jacobian has the wrong sign: its negative is right.",
        "Check each sign: the inner derivative of each difference in the function (the chain "
        "rule's), and the order of each subtraction.")


def _scaled(f: Failure) -> Diagnosis | None:
    norm = float(np.sum(f.reference * f.reference))
    estimate = float(np.sum(f.yours * f.reference)) / norm if norm else 0.0
    if estimate == 0.0:
        return None
    sign = -1.0 if estimate < 0 else 1.0
    named = [factor for factor in _factors(f.case, f.sizes)
             if abs(abs(estimate) / factor.value - 1.0) < 1e-3]
    explanations = {(factor.key, factor.note, factor.pointer) for factor in named}
    if len(explanations) == 1 and f.matches(f.yours / (sign * named[0].value)):
        text = " or ".join(factor.text for factor in named)
        key, note, pointer = explanations.pop()
    elif f.matches(f.yours / estimate):
        text, key, note, pointer = _number(abs(estimate)), "scaled", "", _CONSTANTS_POINTER
    else:
        return None
    return Diagnosis(
        key,
        "Your Jacobian is off by a constant factor: it is the right one times "
        f"{'minus ' if sign < 0 else ''}{text}{note}.", pointer)


_CONSTANTS_POINTER = ("Check the constant factors: the 1/2 of the loss, each inner derivative "
                      "of the chain rule, and any sum or mean over the components.")
_BATCH_POINTER = ("Check each sum and mean over the batch: a per-example Jacobian has none, "
                  "and a batch mean divides by B exactly once.")


@dataclass(frozen=True)
class _Factor:
    """A constant factor that a known slip puts in front of the right Jacobian."""

    text: str
    value: float
    key: str = "scaled"
    note: str = ""
    pointer: str = _CONSTANTS_POINTER


def _factors(case: PublicCase, sizes: Sizes) -> list[_Factor]:
    """2 and 1/2; each size and its inverse; B/(B - 1); this test's size over the visible one."""
    factors = [_Factor("2", 2.0), _Factor("1/2", 0.5)]
    for name, size in sizes.items():
        pointer = _BATCH_POINTER if name == BATCH else _CONSTANTS_POINTER
        if size > 1:
            factors += [_Factor(f"{name} = {size}", size, pointer=pointer),
                        _Factor(f"1/{name} = 1/{size}", 1 / size, pointer=pointer)]
        visible = case.visible_sizes.get(name, size)
        if visible != size:
            note = f", as if the notebook's {name} = {visible} were typed in"
            factors += [
                _Factor(f"{name}/{visible} = {size}/{visible}", size / visible,
                        "hardcoded_sizes", note, HARDCODED_POINTER),
                _Factor(f"{visible}/{name} = {visible}/{size}", visible / size,
                        "hardcoded_sizes", note, HARDCODED_POINTER)]
    batch = sizes.get(BATCH, 0)
    if batch > 2:  # dividing by B - 1 instead of B, the "unbiased" mean
        factors.append(_Factor(f"B/(B - 1) = {batch}/{batch - 1}", batch / (batch - 1),
                               pointer=_BATCH_POINTER))
    return factors


def _number(value: float) -> str:
    """A factor with 6 significant digits, or more if those would round it to 1."""
    text = f"{value:.6g}"
    return f"{value:.12g}" if text == "1" else text


def _transposed_values(f: Failure) -> Diagnosis | None:
    layout = f.layout
    shape = f.yours.shape
    labels = [f"{group} axis {dim}" for group, dims in (
        ("batch", layout.batch), ("output", layout.output), ("input", layout.input))
        for dim in dims]
    for first in range(len(layout.batch), len(shape)):
        for second in range(first + 1, len(shape)):
            if shape[first] == shape[second] and f.matches(
                    np.swapaxes(f.yours, first, second)):
                return Diagnosis(
                    "transposed_values",
                    f"Your Jacobian's values look transposed: swapping its axes {first} "
                    f"({labels[first]}) and {second} ({labels[second]}), both of size "
                    f"{shape[first]}, makes them right.",
                    "Equal sizes hide the order of these axes: check the order of the "
                    "subscripts after '->' in your einsum, or your transpose "
                    f"({axes_order(bool(layout.batch))}).")
    return None


def _reshaped(f: Failure) -> Diagnosis | None:
    """The right values, computed with the axes in another order, then reshaped into place."""
    shape = f.reference.shape
    for order in permutations(range(len(shape))):
        moved = np.transpose(f.reference, order)
        if moved.shape == shape:
            continue  # not a reshape: a transposition (see _transposed_values)
        if f.matches(f.yours, moved.reshape(shape)):
            axes = f.layout.axes
            return Diagnosis(
                "reshaped_not_transposed",
                "Your Jacobian has the right values in the wrong places: it looks computed with "
                f"its axes in the order {format_shape([axes[k] for k in order])}, then reshaped "
                f"to {f.layout.symbols()}.",
                "reshape keeps the order of the entries and only regroups them into new axes; to "
                "reorder axes use np.transpose, np.moveaxis, .T or the subscripts after '->' "
                "in your einsum.")
    return None


def _identity(f: Failure) -> Diagnosis | None:
    mask = diagonal_mask(f.layout, f.yours.shape)
    pattern = np.ones_like(f.yours) if mask is None else mask.astype(np.float64)
    if not f.matches(f.yours, pattern):
        return None
    wrt = f.case.wrt
    if mask is None:
        return Diagnosis(
            "identity", f"Every entry of your Jacobian is 1, as if the output were {wrt} itself.",
            f"1 is the derivative of {wrt} with respect to itself: differentiate the function, "
            "whose derivative depends on the inputs.")
    return Diagnosis(
        "identity",
        f"Your Jacobian is an identity pattern: 1 on the diagonal ({diagonal_words(f.layout, wrt)}"
        "), 0 elsewhere.",
        "An identity says where the derivative can be nonzero; each diagonal entry still needs "
        "its value, the derivative of that output entry with respect to that input entry.")


RULES: tuple[Callable[[Failure], Diagnosis | None], ...] = (
    _all_zeros, _sign_flipped, _scaled, _transposed_values, _reshaped, _identity,
    named_mistake, single_example, batch_permuted, some_examples_wrong, diagonal_only,
    off_diagonal_only)
"""The value rules, from the most specific to the most general."""

KEYS = ("all_zeros", "sign_flipped", "scaled", "hardcoded_sizes", "transposed_values",
        "reshaped_not_transposed", "identity", *diagnosis_named.KEYS, "single_example",
        "batch_permuted", "some_examples_wrong", "diagonal_only", "off_diagonal_only")
"""Every key :func:`diagnose_values` can return, in the order of :data:`RULES`."""
