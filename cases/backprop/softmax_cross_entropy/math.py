"""Case ``softmax_cross_entropy``: ``L = -sum_i y_i log softmax(h)_i`` per example, one-hot
``y``, with respect to the logits ``h``."""

from __future__ import annotations

import numpy as np

from cases.case import Case
from cases.functions import log_softmax
from jacobian_checks.layout import JacobianLayout


def softmax_cross_entropy(y: np.ndarray, h: np.ndarray) -> np.ndarray:
    """``-sum_i y_bi log softmax(h_b)_i`` for each example: ``(B, D), (B, D) -> (B, 1)``."""
    return -np.sum(y * log_softmax(h), axis=1, keepdims=True)


CASE = Case(
    key="softmax_cross_entropy",
    assignment="backprop",
    notebook="02_softmax_cross_entropy",
    title="Softmax cross-entropy w.r.t. the logits",
    function="dloss_dh",
    arguments=("y", "h"),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=(1,), input=("D",)),
    kind="per_example",
    forward=softmax_cross_entropy,
    input_shapes={"y": ("B", "D"), "h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
    hidden_sizes={"B": (3, 40), "D": (2, 13)},
    input_kinds={"y": "one_hot"},
)
