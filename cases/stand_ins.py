"""Stand-ins for an activation's derivative taken wrongly, for the cases' known mistakes.

A slip in the derivative of an elementwise activation ``a = f(h)`` is the right derivative of
another function, a *stand-in*: given the pre-activation ``h0`` where the derivative is taken,
``stand_in(h0)`` is an elementwise function whose derivative at ``h0`` is the slip's. The
sigmoid's derivative where tanh's belongs is the sigmoid itself (:func:`same`); ``1 - h**2``
where ``1 - a**2`` belongs, with ``a = tanh(h)``, is a line of that slope (:func:`line`); the
derivative taken at the output ``a0 = f(h0)`` is ``f`` moved to ``a0`` (:func:`at_output`).
A case turns a stand-in into a :class:`~cases.case.KnownMistake` of its own inputs:
an activation case differentiates the stand-in itself, a network puts it in its chain. Nothing
here is the derivative of an activation: the slopes are the mistakes.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .case import KnownMistake

Elementwise = Callable[[np.ndarray], np.ndarray]

StandIn = Callable[[np.ndarray], Elementwise]
"""``stand_in(h0)``: an elementwise function whose derivative at ``h0`` is the slip's."""


def same(function: Elementwise) -> StandIn:
    """``function`` itself, wherever the derivative is taken: another activation's."""
    return lambda h0: function


def line(slope: Elementwise) -> StandIn:
    """The line ``h -> slope(h0) * h``: the slip is a formula ``slope`` of ``h0``."""
    return lambda h0: (lambda h: slope(h0) * h)


def at_output(activation: Elementwise) -> StandIn:
    """``activation`` moved so that its derivative at ``h0`` is the one at ``a0 = activation(h0)``:
    the derivative taken at the activation's output instead of its input."""
    return lambda h0: (lambda h: activation(h - h0 + activation(h0)))


def at_zero(activation: Elementwise) -> StandIn:
    """``activation`` moved so that its derivative at ``h0`` is the one at 0, for every entry."""
    return lambda h0: (lambda h: activation(h - h0))


def differentiated(key: str, stand_in: StandIn) -> KnownMistake:
    """The mistake ``key`` of an activation case ``a = f(h)`` (argument ``h``): the stand-in
    differentiated in ``f``'s place."""
    return KnownMistake(key, lambda h: stand_in(h))
