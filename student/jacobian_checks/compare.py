"""Comparing an answer with the finite-difference reference, and reporting mismatches.

An entry passes when ``|yours - expected| <= atol + rtol * |expected|``: asymmetric, with the
reference as the scale, as ``numpy.testing.assert_allclose``. The tolerances come from the
errors that a *correct* answer can carry:

- the reference's own error: central differences are off by at most about
  :attr:`Reference.error` (the grader's ``autograder.finite_diff`` estimates it); ``atol`` is
  ``SAFETY`` times that, so a true zero entry against a finite-difference ``1e-10`` passes;
- the answer's rounding: a float64 answer computed by any formula is within ``1e-12``
  relative of the truth at these sizes; ``rtol = 1e-6`` leaves a wide margin and is still
  five orders of magnitude below the smallest mistake we grade (a factor 2, or ``1/B``);
- an answer given in a less precise float type (float32, float16) carries that type's
  rounding: ``rtol`` grows by ``4 * eps`` and ``atol`` by ``64 * eps * max|expected|`` (a
  float32 sum over a batch of a few hundred terms loses a few dozen ulps).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layout import JacobianLayout

RTOL = 1e-6
"""Relative tolerance for float64 answers."""

SAFETY = 4.0
"""``atol`` is this many times the reference's estimated error."""

ATOL_FLOOR = 1e-12
"""Smallest ``atol``, relative to ``max(1, max|expected|)``: some slack even when the two
finite-difference steps agree to the last bit (linear functions)."""

WORST_SHOWN = 5
"""How many of the worst entries a report lists."""


@dataclass(frozen=True)
class Reference:
    """The Jacobian an answer is compared with, and the estimated size of its error.

    Attributes
    ----------
    values : ndarray of float64
        The expected Jacobian, of the case's layout shape ``(*batch, *output, *input)``:
        central differences of the math, computed by the grader (or stored with this
        package for the notebooks' own sizes).
    error : float
        An estimate of the largest absolute error of ``values``.
    """

    values: np.ndarray
    error: float


@dataclass(frozen=True)
class Tolerance:
    """``|yours - expected| <= atol + rtol * |expected|`` passes."""

    rtol: float
    atol: float


@dataclass(frozen=True)
class Entry:
    """One mismatched entry: its index, your value and the expected one."""

    index: tuple[int, ...]
    yours: float
    expected: float


@dataclass(frozen=True)
class Mismatch:
    """Entries of an answer that are outside the tolerance.

    Attributes
    ----------
    count, total : int
        Mismatched entries and all entries.
    worst : tuple of Entry
        Up to :data:`WORST_SHOWN` entries, largest absolute difference first.
    max_abs, max_rel : float
        Largest ``|yours - expected|``, and largest ``|yours - expected| / |expected|`` over
        the entries whose expected value is not zero (``nan`` if all are zero).
    tolerance : Tolerance
    """

    count: int
    total: int
    worst: tuple[Entry, ...]
    max_abs: float
    max_rel: float
    tolerance: Tolerance


def tolerance_for(reference: Reference, precision: np.dtype) -> Tolerance:
    """Tolerance for an answer given in ``precision`` against ``reference``."""
    scale = float(np.max(np.abs(reference.values))) if reference.values.size else 0.0
    atol = SAFETY * reference.error + ATOL_FLOOR * max(1.0, scale)
    rtol = RTOL
    if precision != np.float64:
        eps = float(np.finfo(precision).eps)
        rtol += 4 * eps
        atol += 64 * eps * scale
    return Tolerance(rtol=rtol, atol=atol)


def find_mismatch(yours: np.ndarray, expected: np.ndarray,
                  tolerance: Tolerance) -> Mismatch | None:
    """Compare two finite arrays of the same shape; ``None`` when every entry passes."""
    if yours.shape != expected.shape:
        raise ValueError(f"shapes differ: {yours.shape} vs {expected.shape}")
    difference = np.abs(yours - expected)
    bad = difference > tolerance.atol + tolerance.rtol * np.abs(expected)
    count = int(np.count_nonzero(bad))
    if count == 0:
        return None
    flat_bad = np.flatnonzero(bad)
    order = np.argsort(difference.reshape(-1)[flat_bad], kind="stable")[::-1][:WORST_SHOWN]
    worst = tuple(
        Entry(index=tuple(int(i) for i in np.unravel_index(flat, yours.shape)),
              yours=float(yours.reshape(-1)[flat]), expected=float(expected.reshape(-1)[flat]))
        for flat in flat_bad[order])
    nonzero = expected != 0
    max_rel = float(np.max(difference[nonzero] / np.abs(expected[nonzero]))) if np.any(
        nonzero) else float("nan")
    return Mismatch(count=count, total=int(yours.size), worst=worst,
                    max_abs=float(np.max(difference)), max_rel=max_rel, tolerance=tolerance)


def format_mismatch(mismatch: Mismatch, layout: JacobianLayout, *,
                    reveal_expected: bool = True) -> list[str]:
    """A numpy-style report, one string per line.

    With ``reveal_expected=False`` (hidden tests) the expected values are left out.
    """
    tol = mismatch.tolerance
    share = 100.0 * mismatch.count / mismatch.total
    lines = [
        f"Not equal to the finite-difference Jacobian within rtol={tol.rtol:.3g}, "
        f"atol={tol.atol:.3g}.",
        f"Mismatched entries: {mismatch.count} / {mismatch.total} ({share:.3g}%)",
        "Largest differences (" + " | ".join(name for name, _ in layout.groups) + "):",
    ]
    for entry in mismatch.worst:
        where = layout.split_index(entry.index)
        value = f"yours {entry.yours:.6g}"
        if reveal_expected:
            value += f" vs expected {entry.expected:.6g}"
        lines.append(f"  {where}: {value}")
    lines.append(f"Max absolute difference: {mismatch.max_abs:.6g}")
    lines.append(f"Max relative difference: {mismatch.max_rel:.6g}")
    return lines
