"""Comparing an answer with the finite-difference reference, and reporting mismatches.

An entry passes when ``|yours - expected| <= atol + rtol * |expected|``: asymmetric, with the
reference as the scale, as ``numpy.testing.assert_allclose``. One band serves every answer,
whatever its dtype. It lies between the errors of a *correct* answer and the smallest
mistake the course names:

- **a correct answer's rounding.** In float64 an answer is within about ``1e-12`` relative of
  the truth at the course's sizes. In float32, anywhere in the computation (inputs cast,
  intermediate products, a sum over the batch), each operation rounds by at most
  ``eps32 / 2 = 6e-8`` relative; a sum of ``n`` terms, added one after the other, loses at most
  about ``n * eps32`` of the terms' scale: ``3e-5`` for the largest batch (``B = 256``), and
  ``sqrt(n) * eps32 = 2e-6`` typically. ``rtol = 1e-4`` is three times that worst case. An entry
  that cancels to nearly zero keeps an absolute error of the terms' scale, which is at most
  that of the largest entries: ``atol`` holds ``ATOL_SCALE = 1e-5`` times ``max|expected|``.
- **the reference's own error.** Central differences are off by at most about
  :attr:`Reference.error` (the grader's ``autograder.finite_diff`` estimates it, ``1e-9`` to
  ``1e-7`` here); ``atol`` holds ``SAFETY = 4`` times that, so a true zero against a
  finite-difference ``1e-10`` passes.
- **the smallest mistake.** The smallest wrong factor the course names is ``B / (B - 1)``, a
  mean taken with ``B - 1``: ``3.9e-3`` relative at ``B = 256``. The band must also reject a
  Jacobian off by a factor ``1 +- 1e-3`` everywhere: its largest entries are off by ``1e-3``
  relative, against a band of ``rtol + ATOL_SCALE = 1.1e-4`` there.

An answer in a float type too coarse for this band (float16 keeps about 3 significant digits,
``eps = 1e-3``) is not judged on its values; :func:`too_coarse` tells the check, which says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .layout import JacobianLayout

RTOL = 1e-4
"""Relative tolerance, for every answer (see the module docstring)."""

ATOL_SCALE = 1e-5
"""``atol`` holds this many times ``max|expected|``: the rounding of entries that cancel."""

SAFETY = 4.0
"""``atol`` holds this many times the reference's estimated error."""

ATOL_FLOOR = 1e-12
"""Smallest ``atol``, relative to ``max(1, max|expected|)``: some slack even when the two
finite-difference steps agree to the last bit and the Jacobian is all zeros."""

COARSEST_EPS = 1e-5
"""The largest machine epsilon a float answer may have: float32's is ``1.2e-7``, float16's
``9.8e-4`` (its rounding alone exceeds the band)."""

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
        Over the mismatched entries: the largest ``|yours - expected|``, and the largest
        ``|yours - expected| / |expected|`` among those whose expected value is above the
        tolerance's ``atol`` (``nan`` if none is: they are all expected to be about 0). The
        entries that pass are left out: a failed check never reports a tiny difference.
    tolerance : Tolerance
    """

    count: int
    total: int
    worst: tuple[Entry, ...]
    max_abs: float
    max_rel: float
    tolerance: Tolerance


def tolerance_for(reference: Reference) -> Tolerance:
    """The band for any answer against ``reference`` (see the module docstring).

    Examples
    --------
    >>> tolerance = tolerance_for(Reference(np.array([[2.0, -4.0], [0.0, 1.0]]), error=1e-8))
    >>> tolerance.rtol
    0.0001
    >>> print(f"{tolerance.atol:.6g}")  # SAFETY * 1e-8 + ATOL_SCALE * 4 + ATOL_FLOOR * 4
    4.004e-05
    """
    scale = float(np.max(np.abs(reference.values))) if reference.values.size else 0.0
    atol = SAFETY * reference.error + ATOL_SCALE * scale + ATOL_FLOOR * max(1.0, scale)
    return Tolerance(rtol=RTOL, atol=atol)


def too_coarse(precision: np.dtype) -> bool:
    """Whether answers in this float type cannot be judged on the band (float16).

    Examples
    --------
    >>> too_coarse(np.dtype(np.float16)), too_coarse(np.dtype(np.float32))
    (True, False)
    >>> too_coarse(np.dtype(np.int64))  # integers are exact
    False
    """
    return precision.kind == "f" and float(np.finfo(precision).eps) > COARSEST_EPS


def excess(yours: np.ndarray, expected: np.ndarray, tolerance: Tolerance) -> float:
    """How many times the band the worst entry is off: ``max |d| / (atol + rtol |e|)``.

    Examples
    --------
    >>> band = Tolerance(rtol=1e-4, atol=1e-6)
    >>> round(excess(np.array([1.0, 2.0001]), np.array([1.0, 2.0]), band), 2)  # within
    0.5
    >>> round(excess(np.array([1.0, 2.002]), np.array([1.0, 2.0]), band), 2)  # outside
    9.95
    """
    if yours.size == 0:
        return 0.0
    band = tolerance.atol + tolerance.rtol * np.abs(expected)  # atol > 0: no division by 0
    with np.errstate(over="ignore"):
        return float(np.max(np.abs(yours - expected) / band))


def find_mismatch(yours: np.ndarray, expected: np.ndarray,
                  tolerance: Tolerance) -> Mismatch | None:
    """Compare two finite arrays of the same shape; ``None`` when every entry passes.

    Examples
    --------
    >>> expected = np.array([[1.0, 0.0], [0.0, 3.0]])
    >>> band = Tolerance(rtol=1e-4, atol=1e-6)
    >>> find_mismatch(expected * (1 + 1e-6), expected, band) is None
    True
    >>> mismatch = find_mismatch(expected.T * [[1.0, 1.0], [1.0, -1.0]], expected, band)
    >>> mismatch.count, mismatch.total, mismatch.worst[0]
    (1, 4, Entry(index=(1, 1), yours=-3.0, expected=3.0))
    >>> print(f"{mismatch.max_abs:g} {mismatch.max_rel:g}")
    6 2
    """
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
    violations, scale = difference[bad], np.abs(expected[bad])
    sized = scale > tolerance.atol
    max_rel = float(np.max(violations[sized] / scale[sized])) if np.any(sized) else float("nan")
    return Mismatch(count=count, total=int(yours.size), worst=worst,
                    max_abs=float(np.max(violations)), max_rel=max_rel, tolerance=tolerance)


def format_mismatch(mismatch: Mismatch, layout: JacobianLayout, *,
                    reveal_expected: bool = True) -> list[str]:
    """A numpy-style report, one string per line.

    With ``reveal_expected=False`` (hidden tests) the expected values are left out.

    Examples
    --------
    A made-up Jacobian of 3 outputs by 2 inputs, no batch, with one sign flipped:

    >>> from jacobian_checks.layout import JacobianLayout
    >>> expected = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> yours = expected.copy()
    >>> yours[2, 0] = -5.0
    >>> mismatch = find_mismatch(yours, expected, Tolerance(rtol=1e-4, atol=1e-6))
    >>> layout = JacobianLayout(batch=(), output=("M",), input=("N",))
    >>> for line in format_mismatch(mismatch, layout):
    ...     print(line)
    Not equal to the finite-difference Jacobian within rtol=0.0001, atol=1e-06.
    Mismatched entries: 1 / 6 (16.7%)
    Largest differences (output | input):
      output (2,) | input (0,): yours -5 vs expected 5
    Max absolute difference among mismatched entries: 10
    Max relative difference among mismatched entries: 2
    >>> format_mismatch(mismatch, layout, reveal_expected=False)[3]
    '  output (2,) | input (0,): yours -5'
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
        yours, expected = distinct_digits(entry.yours, entry.expected)
        value = f"yours {yours}"
        if reveal_expected:
            value += f" vs expected {expected}"
        lines.append(f"  {where}: {value}")
    lines.append(f"Max absolute difference among mismatched entries: {mismatch.max_abs:.6g}")
    relative = ("none, all are expected to be about 0" if np.isnan(mismatch.max_rel)
                else f"{mismatch.max_rel:.6g}")
    lines.append(f"Max relative difference among mismatched entries: {relative}")
    return lines


def distinct_digits(yours: float, expected: float) -> tuple[str, str]:
    """Both numbers with 6 significant digits, or as many more as it takes to tell them apart.

    Examples
    --------
    >>> distinct_digits(0.5, 0.25)
    ('0.5', '0.25')
    >>> distinct_digits(1.0000001, 1.0)
    ('1.0000001', '1')
    """
    for digits in range(6, 18):
        shown = f"{yours:.{digits}g}", f"{expected:.{digits}g}"
        if shown[0] != shown[1] or yours == expected:
            return shown
    return repr(yours), repr(expected)
