"""Case ``two_layer_network``: the batch mean of ``1/2 ||y - W2 tanh(W1 x)||^2``, with respect
to the first layer's weights ``W1``, and the slips students make in its chain."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from cases.backprop.tanh.math import TANH_SLIPS
from cases.case import Case, KnownMistake, MistakenFunction
from cases.functions import half_squared_error
from cases.stand_ins import Elementwise, StandIn, same
from jacobian_checks.layout import JacobianLayout


def two_layer_half_squared_error(y: np.ndarray, W1: np.ndarray, W2: np.ndarray,
                                 x: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - W2 tanh(W1 x_b)||^2`` for each example:
    ``(B, o), (h, m), (o, h), (B, m) -> (B, 1)``."""
    yhat = np.einsum("kj,bj->bk", W2, np.tanh(np.einsum("ji,bi->bj", W1, x)))
    return half_squared_error(y, yhat)


def two_layer_batch_mean(y: np.ndarray, W1: np.ndarray, W2: np.ndarray,
                         x: np.ndarray) -> np.ndarray:
    """``mean_b 1/2 ||y_b - W2 tanh(W1 x_b)||^2`` as one number of shape ``(1,)``."""
    return np.mean(two_layer_half_squared_error(y, W1, W2, x), axis=0)


def through(stand_in: StandIn, activation: Elementwise = np.tanh) -> MistakenFunction:
    """A mistake in the two-layer network's chain, as the batch-mean loss of ``W1`` alone.

    The hidden layer is ``activation(h0) + g(h) - g(h0)``, with ``h = W1 x``, ``h0`` its value
    at the inputs' ``W1`` and ``g = stand_in(h0)``: the forward pass is the network's at the
    inputs, and the gradient there is the chain with ``g``'s derivative where tanh's belongs.
    """
    def mistaken(y: np.ndarray, W1: np.ndarray, W2: np.ndarray,
                 x: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
        h0 = x @ W1.T
        g = stand_in(h0)
        offset = activation(h0) - g(h0)

        def loss(V: np.ndarray) -> np.ndarray:
            return np.mean(half_squared_error(y, (offset + g(x @ V.T)) @ W2.T), axis=0)
        return loss
    return mistaken


def identity(h: np.ndarray) -> np.ndarray:
    return h


CASE = Case(
    key="two_layer_network",
    assignment="backprop",
    notebook="06_two_layer_network",
    title="Two-layer network: the loss w.r.t. the first layer's weights",
    function="dloss_dW1",
    arguments=("y", "W1", "W2", "x"),
    wrt="W1",
    size_names=("B", "input_dim", "hidden_dim", "output_dim"),
    layout=JacobianLayout(batch=(), output=(1,), input=("hidden_dim", "input_dim")),
    kind="shared",
    forward=two_layer_batch_mean,
    input_shapes={"y": ("B", "output_dim"), "W1": ("hidden_dim", "input_dim"),
                  "W2": ("output_dim", "hidden_dim"), "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "input_dim": 20, "hidden_dim": 16, "output_dim": 10},
    second_sizes={"B": 3, "input_dim": 7, "hidden_dim": 5, "output_dim": 9},
    hidden_sizes={"B": (3, 40), "input_dim": (2, 13), "hidden_dim": (2, 13),
                  "output_dim": (2, 13)},
    per_example=two_layer_half_squared_error,
    mistakes=(
        KnownMistake("activation_derivative_missing", through(same(identity))),
        KnownMistake("activation_left_out", through(same(identity), identity)),
        *(KnownMistake(key, through(stand_in)) for key, stand_in in TANH_SLIPS),
    ),
)
