"""Case ``scalar_wrt_matrix``: the batch mean of ``1/2 ||y - W x||^2``, with respect to ``W``.

The batch-averaged loss is one number, kept as shape ``(1,)``, so its Jacobian with respect to
``W`` has no batch axis.
"""

from __future__ import annotations

import numpy as np

from cases.case import Case
from cases.functions import half_squared_error, linear
from jacobian_checks.layout import JacobianLayout


def linear_half_squared_error(y: np.ndarray, W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - W x_b||^2`` for each example: ``(B, n), (n, m), (B, m) -> (B, 1)``."""
    return half_squared_error(y, linear(W, x))


def batch_mean_half_squared_error(y: np.ndarray, W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``mean_b 1/2 ||y_b - W x_b||^2`` as one number of shape ``(1,)``."""
    return np.mean(linear_half_squared_error(y, W, x), axis=0)


CASE = Case(
    key="scalar_wrt_matrix",
    assignment="jacobians",
    notebook="04_scalar_wrt_matrix",
    title="Scalar w.r.t. matrix (batch-averaged)",
    function="dloss_dW",
    arguments=("y", "W", "x"),
    wrt="W",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=(), output=(1,), input=("output_dim", "input_dim")),
    kind="shared",
    forward=batch_mean_half_squared_error,
    input_shapes={"y": ("B", "output_dim"), "W": ("output_dim", "input_dim"),
                  "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
    hidden_sizes={"B": (3, 40), "output_dim": (2, 13), "input_dim": (2, 13)},
    per_example=linear_half_squared_error,
)
