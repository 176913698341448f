"""Jacobians by central differences, in float64, with an estimate of their error.

For an input coordinate ``x_k`` and step ``h``, the central difference

    D(h) = (f(x + h e_k) - f(x - h e_k)) / (2 h)

differs from the true derivative by a truncation error ``h**2 / 6 * f'''(xi)`` and a rounding
error of about ``u * |f| / h`` (``u = 2**-53``, the float64 unit roundoff, times the error of
evaluating ``f``). Their sum is smallest near ``h = u**(1/3) ~ 6e-6`` for unit-sized ``f`` and
``f'''``; we take ``h = 2**-17 ~ 7.6e-6`` scaled by ``max(1, |x_k|)``, and divide by the step
actually taken, ``(x_k + h) - (x_k - h)``, so that the representation error of ``x_k +- h``
does not enter.

Error estimate: the same difference with step ``2h`` has four times the truncation error,
so ``|D(h) - D(2h)|`` is about three times the truncation error of ``D(h)`` plus the rounding
noise of both. As the rounding noise of a few entries can cancel by chance, the estimate is
at least the rounding bound ``ROUNDING_ULPS * u * max|f(x)| / h`` (``f`` evaluated with up to
``ROUNDING_ULPS`` ulps of error, generous for reductions over a few thousand terms). The
larger of the two is returned as the :attr:`~jacobian_checks.compare.Reference.error` of the
result. For the course's
functions (polynomials of degree <= 2 in the perturbed variable, and the sigmoid, whose third
derivative is at most 1/8) it is between 1e-9 and 1e-7 at the course's sizes, and about 100
times the actual error (both measured by ``benchmarks/bench_checks.py``): far below the size
of any mistake a student can make.

The input is always copied to a private float64 array: the caller's arrays are never
mutated, and integer arrays are never perturbed in place.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from jacobian_checks.compare import Reference

STEP = 2.0**-17
"""Relative step of the central differences (``h = STEP * max(1, |x_k|)``)."""

ROUNDING_ULPS = 64
"""Assumed worst rounding error of one evaluation of ``f``, in ulps of ``max|f(x)|``."""

Array = NDArray[np.float64]


def numerical_jacobian(f: Callable[[Array], ArrayLike], x: ArrayLike) -> Reference:
    """Jacobian of ``f`` at ``x``: shape ``(*f(x).shape, *x.shape)``.

    Every entry of ``x`` is perturbed in turn (``2 * x.size`` evaluations per step size),
    which is what a parameter shared across the batch needs: ``f = W -> W x`` with ``W`` of
    shape ``(n, m)`` and output ``(B, n)`` gives ``(B, n, n, m)``; a batch-averaged loss
    returned as shape ``(1,)`` gives ``(1, n, m)``.

    Parameters
    ----------
    f : callable
        Maps an array of ``x``'s shape to an array (or scalar) of a fixed shape.
    x : array_like
        The point; copied to float64, never modified.
    """
    point = np.array(x, dtype=np.float64)
    columns_h = _differences(f, point, point.size, STEP, per_example=False)
    columns_2h = _differences(f, point, point.size, 2 * STEP, per_example=False)
    output_shape = columns_h.shape[:-1]
    values = columns_h.reshape(output_shape + point.shape)
    return Reference(values, _error_estimate(f, point, columns_h, columns_2h))


def numerical_jacobian_per_example(
    f: Callable[[Array], ArrayLike], x: ArrayLike
) -> Reference:
    """Per-example Jacobian of a batched ``f``: shape ``(B, *out, *in)``.

    ``f`` maps ``(B, *in)`` to ``(B, *out)`` and example ``b`` of the output depends only on
    example ``b`` of the input, so one input coordinate is perturbed in all examples at
    once: ``2 * prod(in)`` evaluations per step size instead of ``2 * B * prod(in)``.

    Parameters
    ----------
    f : callable
        Maps ``(B, *in)`` to ``(B, *out)``, examples independent of each other.
    x : array_like, shape (B, *in)
        The batch of points; copied to float64, never modified.
    """
    point = np.array(x, dtype=np.float64)
    if point.ndim == 0:
        raise ValueError("a batched input needs a leading batch axis; got a scalar")
    coordinates = int(np.prod(point.shape[1:], dtype=np.int64))
    columns_h = _differences(f, point, coordinates, STEP, per_example=True)
    columns_2h = _differences(f, point, coordinates, 2 * STEP, per_example=True)
    batch, output_shape = columns_h.shape[0], columns_h.shape[1:-1]
    values = columns_h.reshape((batch,) + output_shape + point.shape[1:])
    return Reference(values, _error_estimate(f, point, columns_h, columns_2h))


def _differences(
    f: Callable[[Array], ArrayLike], point: Array, count: int, relative_step: float,
    per_example: bool,
) -> Array:
    """Central differences for ``count`` coordinates; the coordinate is the last axis.

    With ``per_example``, coordinate ``k`` of every example is perturbed at once and each
    example's step is divided out of that example's output row: the result has shape
    ``(B, *out, count)``. Otherwise one entry at a time: ``(*out, count)``.
    """
    work = point.copy()
    rows = work.reshape(point.shape[0], -1) if per_example else work.reshape(1, -1)
    columns: list[Array] = []
    for k in range(count):
        original = rows[:, k].copy()
        step = relative_step * np.maximum(1.0, np.abs(original))
        plus, minus = original + step, original - step
        rows[:, k] = plus
        f_plus = np.array(f(work), dtype=np.float64)  # a copy: f may return a view of work
        rows[:, k] = minus
        f_minus = np.array(f(work), dtype=np.float64)
        rows[:, k] = original
        taken = plus - minus  # the steps actually taken, free of representation error
        if per_example:
            if f_plus.ndim == 0 or f_plus.shape[0] != taken.size:
                raise ValueError(f"f must keep the batch axis: input batch {taken.size}, "
                                 f"output shape {f_plus.shape}")
            columns.append((f_plus - f_minus) / taken.reshape((-1,) + (1,) * (f_plus.ndim - 1)))
        else:
            columns.append((f_plus - f_minus) / taken[0])
    if not columns:
        raise ValueError("cannot differentiate with respect to an empty input")
    return np.stack(columns, axis=-1)


def _error_estimate(
    f: Callable[[Array], ArrayLike], point: Array, columns_h: Array, columns_2h: Array
) -> float:
    """``max |D(h) - D(2h)|``, at least the rounding bound of one evaluation of ``f``."""
    steps_disagree = float(np.max(np.abs(columns_h - columns_2h))) if columns_h.size else 0.0
    f_scale = float(np.max(np.abs(np.asarray(f(point.copy()), dtype=np.float64)), initial=0.0))
    rounding = ROUNDING_ULPS * np.finfo(np.float64).eps / 2 * f_scale / STEP
    return max(steps_disagree, rounding)
