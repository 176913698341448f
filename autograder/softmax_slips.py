"""The answers of a softmax's slips, and of the slips in the cross-entropy of a softmax.

They apply where the case's own function is, on the run's inputs, the softmax of its one
argument over the last axis (``a = softmax(h)``, ``(B, D) -> (B, D)``), or the cross-entropy
``-sum_i y_i log softmax(h)_i`` of one-hot labels ``y`` (``(B, D), (B, D) -> (B, 1)``): the
case's ``forward`` is compared with those definitions, so no case is named here.

Each slip's answer is built from the reference ``J`` and the softmax's values. For the
softmax, the term that its denominator brings is ``T = diag(a) - J`` (per example), and

- that term missing gives ``diag(a)``; added instead of subtracted, ``diag(a) + T``;
- the softmax taken over the batch axis gives the same Jacobian of ``a'``, the columns of
  ``exp(h)`` normalised: ``diag(a') - T q q^T`` with ``q = a' / a`` (``T`` is an outer product
  of ``a`` with itself, so the one of ``a'`` is ``T`` scaled by ``q_i q_j``);
- the Jacobian of ``log a`` is ``J`` divided by ``a_i`` (row ``i``);
- an elementwise softmax keeps the diagonal of ``J`` only.

For the cross-entropy, whose gradient is ``G`` (shape ``(B, 1, D)``), the same slips in the
chain through the softmax give ``-y`` (the term missing), ``G - 2a`` (added), ``G - a + a'``
(over the batch), ``G`` at each example's label and zero elsewhere (an elementwise softmax);
the derivative with respect to the probabilities is ``-y / a``. The grader computes them on
every run; the student's package stores them for the notebook's inputs, and
:mod:`jacobian_checks.diagnosis_named` names the one an answer is.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from cases.case import Case
from cases.functions import log_softmax, softmax
from jacobian_checks.diagnosis import TITLES
from jacobian_checks.expected import NamedAnswer
from jacobian_checks.public_case import Inputs

_RIGHT_AXIS = "where softmax normalises each example, each row of h, on its own"

def softmax_slips(case: Case, inputs: Inputs, reference: np.ndarray) -> list[NamedAnswer]:
    """The answers of the slips of ``case``'s softmax on ``inputs``, if its function is a
    softmax or the cross-entropy of one (else none)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        return [NamedAnswer(key, verdict, answer)
                for key, verdict, answer in _candidates(case, inputs, reference)]


Candidate = tuple[str, str, np.ndarray]
"""A slip's key, its verdict, and the answer it gives."""


def _candidates(case: Case, inputs: Inputs, reference: np.ndarray) -> Iterator[Candidate]:
    if len(case.arguments) == 1 and case.kind == "per_example":
        h = inputs[case.wrt]
        a = softmax(h)
        if _equal(case.forward(**inputs), a):
            yield from _softmax_candidates(reference, h, a)
        return
    labels = [name for name in case.arguments if case.input_kinds.get(name) == "one_hot"]
    if len(case.arguments) == 2 and len(labels) == 1 and labels[0] != case.wrt:
        y, h = inputs[labels[0]], inputs[case.wrt]
        if _equal(case.forward(**inputs), -np.sum(y * log_softmax(h), axis=-1, keepdims=True)):
            yield from _cross_entropy_candidates(reference, y, h, softmax(h))


def _softmax_candidates(J: np.ndarray, h: np.ndarray, a: np.ndarray) -> Iterator[Candidate]:
    """The answers of the softmax's mistakes, ``(B, D, D)`` each."""
    eye = np.eye(a.shape[-1], dtype=bool)
    diag_a = np.where(eye, a[:, :, None], 0.0)
    term = diag_a - J
    yield ("softmax_outer_product_missing",
           "Your Jacobian holds a = softmax(h) on its diagonal and zeros elsewhere: the term "
           "from the softmax's denominator, which makes every a_i depend on every h_j, is "
           "missing.", diag_a)
    yield "softmax_outer_product_added", TITLES["softmax_outer_product_added"], diag_a + term
    for where, other in _normalised_over_the_batch(h):
        q = other / a
        yield ("softmax_over_batch_axis",
               f"Your Jacobian looks computed from a softmax taken {where}, {_RIGHT_AXIS}.",
               np.where(eye, other[:, :, None], 0.0) - term * q[:, :, None] * q[:, None, :])
    yield "log_softmax_jacobian", TITLES["log_softmax_jacobian"], J / a[:, :, None]
    yield ("softmax_as_elementwise",
           "Your Jacobian's diagonal is right, but it is zero off the diagonal, as for an "
           "elementwise function: here every a_i depends on every h_j.", np.where(eye, J, 0.0))


def _cross_entropy_candidates(G: np.ndarray, y: np.ndarray, h: np.ndarray,
                              a: np.ndarray) -> Iterator[Candidate]:
    """The answers of the mistakes in the cross-entropy's chain, ``(B, 1, D)`` each."""
    yield ("softmax_outer_product_missing",
           "Your gradient is -y alone: the term from the softmax's denominator is missing.",
           -y[:, None, :])
    yield ("softmax_outer_product_added",
           "Your gradient adds the term from the softmax's denominator where it is subtracted.",
           G - 2 * a[:, None, :])
    for where, other in _normalised_over_the_batch(h):
        yield ("softmax_over_batch_axis",
               f"Your gradient looks computed from a softmax taken {where}, {_RIGHT_AXIS}.",
               G + (other - a)[:, None, :])
    yield ("softmax_as_elementwise",
           "Your gradient is right at each example's label and zero elsewhere: as if the "
           "softmax's Jacobian were its diagonal alone, each a_i depending on h_i only.",
           G * y[:, None, :])
    yield ("derivative_wrt_probabilities", TITLES["derivative_wrt_probabilities"],
           (-y / a)[:, None, :])


def _normalised_over_the_batch(h: np.ndarray) -> Iterator[tuple[str, np.ndarray]]:
    """``exp(h)`` normalised over the batch axis, or over all of ``h``, as students write it:
    shifted by the largest entry of all ``h`` (or of each column: the same) or of each row."""
    for shifted in (h - np.max(h), h - np.max(h, axis=1, keepdims=True)):
        e = np.exp(shifted)
        yield "over the batch axis, each column of h normalised", e / np.sum(e, axis=0)
        yield "over the whole batch at once, all of h normalised together", e / np.sum(e)


def _equal(values: object, expected: np.ndarray) -> bool:
    """``values`` are ``expected`` but for rounding."""
    found = np.asarray(values, dtype=np.float64)
    return found.shape == expected.shape and bool(np.allclose(found, expected, rtol=1e-9,
                                                              atol=1e-12))
