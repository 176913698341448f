"""Assignment ``backprop``: the Jacobians of a small network, after the course document's five.

Softmax and its cross-entropy, an affine layer with respect to its input and its bias, a tanh
activation, and a two-layer network's batch-mean loss with respect to the first layer's
weights, built by chaining Jacobians. The same rule holds: output axes, then input axes,
after a leading batch axis for per-example derivatives.

The second, public sizes are chosen as in :mod:`.jacobians` (``B = 3``, then 7, 5, and 9 for
the two-layer network's fourth size).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..case import Case, KnownMistake, MistakenFunction
from ..layout import JacobianLayout
from .jacobians import half_squared_error, sigmoid
from .stand_ins import Elementwise, StandIn, at_output, differentiated, line, same

ASSIGNMENT = "backprop"


def log_softmax(h: np.ndarray) -> np.ndarray:
    """``log softmax(h_b)`` of each example, computed stably: ``(B, D) -> (B, D)``."""
    shifted = h - np.max(h, axis=1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))


def softmax(h: np.ndarray) -> np.ndarray:
    """``a_b = softmax(h_b)``, ``a_bi = exp(h_bi) / sum_j exp(h_bj)``: ``(B, D) -> (B, D)``."""
    return np.exp(log_softmax(h))


def _softmax_cross_entropy(y: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``-sum_i y_bi log softmax(h_b)_i`` for each example: ``(B, D), (B, D) -> (B, 1)``."""
    return -np.sum(y * log_softmax(h), axis=1, keepdims=True)


def _affine(W: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``z_b = W x_b + b``: ``(n, m), (n,), (B, m) -> (B, n)``."""
    return np.einsum("ij,bj->bi", W, x) + b


def _tanh(h: np.ndarray) -> np.ndarray:
    """Elementwise ``tanh``: ``(B, D) -> (B, D)``."""
    return np.tanh(h)


def _two_layer_half_squared_error(y: np.ndarray, W1: np.ndarray, W2: np.ndarray,
                                  x: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - W2 tanh(W1 x_b)||^2`` for each example:
    ``(B, o), (h, m), (o, h), (B, m) -> (B, 1)``."""
    yhat = np.einsum("kj,bj->bk", W2, np.tanh(np.einsum("ji,bi->bj", W1, x)))
    return half_squared_error(y, yhat)


def _two_layer_batch_mean(y: np.ndarray, W1: np.ndarray, W2: np.ndarray,
                          x: np.ndarray) -> np.ndarray:
    """``mean_b 1/2 ||y_b - W2 tanh(W1 x_b)||^2`` as one number of shape ``(1,)``."""
    return np.mean(_two_layer_half_squared_error(y, W1, W2, x), axis=0)


def _two_layer_through(stand_in: StandIn, activation: Elementwise = np.tanh) -> MistakenFunction:
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


def _identity(h: np.ndarray) -> np.ndarray:
    return h


_TANH_SLIPS = (
    ("sigmoid_derivative_for_tanh", same(sigmoid)),
    ("sigmoid_derivative_for_tanh", line(lambda h: np.tanh(h) * (1 - np.tanh(h)))),
    ("derivative_at_output", at_output(np.tanh)),
    ("input_where_output_belongs", line(lambda h: 1 - h ** 2)),
    ("square_forgotten", line(lambda h: 1 - np.tanh(h))),
    ("square_forgotten", line(lambda h: 1 / np.cosh(h))),
)
"""Slips in tanh's derivative, as stand-ins: the tanh case and the network's chain share them."""


SOFTMAX = Case(
    key="softmax",
    assignment=ASSIGNMENT,
    notebook="01_softmax",
    title="Softmax",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=softmax,
    input_shapes={"h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
)

SOFTMAX_CROSS_ENTROPY = Case(
    key="softmax_cross_entropy",
    assignment=ASSIGNMENT,
    notebook="02_softmax_cross_entropy",
    title="Softmax cross-entropy w.r.t. the logits",
    function="dloss_dh",
    arguments=("y", "h"),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=(1,), input=("D",)),
    kind="per_example",
    forward=_softmax_cross_entropy,
    input_shapes={"y": ("B", "D"), "h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
    input_kinds={"y": "one_hot"},
)

AFFINE_WRT_INPUT = Case(
    key="affine_wrt_input",
    assignment=ASSIGNMENT,
    notebook="03_affine_wrt_input",
    title="Affine layer w.r.t. its input",
    function="dz_dx",
    arguments=("W", "b", "x"),
    wrt="x",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=("B",), output=("output_dim",), input=("input_dim",)),
    kind="per_example",
    forward=_affine,
    input_shapes={"W": ("output_dim", "input_dim"), "b": ("output_dim",),
                  "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
)

AFFINE_WRT_BIAS = Case(
    key="affine_wrt_bias",
    assignment=ASSIGNMENT,
    notebook="04_affine_wrt_bias",
    title="Affine layer w.r.t. its bias",
    function="dz_db",
    arguments=("W", "b", "x"),
    wrt="b",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=("B",), output=("output_dim",), input=("output_dim",)),
    kind="shared",
    forward=_affine,
    input_shapes={"W": ("output_dim", "input_dim"), "b": ("output_dim",),
                  "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
    componentwise=True,
)

TANH = Case(
    key="tanh",
    assignment=ASSIGNMENT,
    notebook="05_tanh",
    title="Tanh activation",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=_tanh,
    input_shapes={"h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
    componentwise=True,
    mistakes=tuple(differentiated(key, stand_in) for key, stand_in in _TANH_SLIPS),
)

TWO_LAYER_NETWORK = Case(
    key="two_layer_network",
    assignment=ASSIGNMENT,
    notebook="06_two_layer_network",
    title="Two-layer network: the loss w.r.t. the first layer's weights",
    function="dloss_dW1",
    arguments=("y", "W1", "W2", "x"),
    wrt="W1",
    size_names=("B", "input_dim", "hidden_dim", "output_dim"),
    layout=JacobianLayout(batch=(), output=(1,), input=("hidden_dim", "input_dim")),
    kind="shared",
    forward=_two_layer_batch_mean,
    input_shapes={"y": ("B", "output_dim"), "W1": ("hidden_dim", "input_dim"),
                  "W2": ("output_dim", "hidden_dim"), "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "input_dim": 20, "hidden_dim": 16, "output_dim": 10},
    second_sizes={"B": 3, "input_dim": 7, "hidden_dim": 5, "output_dim": 9},
    per_example=_two_layer_half_squared_error,
    mistakes=(
        KnownMistake("activation_derivative_missing", _two_layer_through(same(_identity))),
        KnownMistake("activation_left_out", _two_layer_through(same(_identity), _identity)),
        *(KnownMistake(key, _two_layer_through(stand_in)) for key, stand_in in _TANH_SLIPS),
    ),
)

CASES = (SOFTMAX, SOFTMAX_CROSS_ENTROPY, AFFINE_WRT_INPUT, AFFINE_WRT_BIAS, TANH,
         TWO_LAYER_NETWORK)
"""In the order of the assignment's notebooks."""
