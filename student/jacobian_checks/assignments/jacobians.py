"""Assignment ``jacobians``: the five cases of the course document.

The math is the *correct* math of the course document; where the document's code has a slip,
the notebook says so, and the case follows the math:

- the per-example loss is ``1/2 ||y_b - yhat_b||^2``, an output of shape ``(1,)`` per
  example (the document's ``0.5 * np.square(y - yhat)`` has shape ``(B, D)``);
- the batch-averaged loss is one number, kept as shape ``(1,)``, so its Jacobian with
  respect to ``W`` is ``(1, output_dim, input_dim)``.

Every check runs on the notebook's sizes (the document's: ``B = 256``, ``D = 10``,
``output_dim = 10``, ``input_dim = 20``) and then on a second, public set, the same in every
case: ``B = 3``, and 7, 5 for the next sizes. Small, so that the references stored for them
cost little; odd and all different, from each other and from the notebook's, so that a size
typed in (``reshape(256, 1, 10)``, ``np.eye(10)``), two sizes swapped, or code right only
when two sizes coincide (``B == D``) fails at home; never half or twice the notebook's size of
the same name (``D = 5`` against ``D = 10``), which a diagnosis would take for a factor 2.
"""

from __future__ import annotations

import numpy as np

from ..case import Case
from ..layout import JacobianLayout
from .stand_ins import at_output, at_zero, differentiated, line, same

ASSIGNMENT = "jacobians"


def half_squared_error(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - yhat_b||^2`` for each example: ``(B, D), (B, D) -> (B, 1)``."""
    return 0.5 * np.sum(np.square(y - yhat), axis=1, keepdims=True)


def _linear(W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``yhat_b = W x_b``: ``(n, m), (B, m) -> (B, n)``."""
    return np.einsum("ij,bj->bi", W, x)


def _linear_half_squared_error(y: np.ndarray, W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``1/2 ||y_b - W x_b||^2`` for each example: ``(B, n), (n, m), (B, m) -> (B, 1)``."""
    return half_squared_error(y, _linear(W, x))


def _batch_mean_half_squared_error(y: np.ndarray, W: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``mean_b 1/2 ||y_b - W x_b||^2`` as one number of shape ``(1,)``."""
    return np.mean(_linear_half_squared_error(y, W, x), axis=0)


def sigmoid(h: np.ndarray) -> np.ndarray:
    """Elementwise logistic sigmoid: ``(B, D) -> (B, D)``."""
    return 1.0 / (1.0 + np.exp(-h))


SCALAR_WRT_SCALAR = Case(
    key="scalar_wrt_scalar",
    assignment=ASSIGNMENT,
    notebook="01_scalar_wrt_scalar",
    title="Scalar w.r.t. scalar",
    function="dloss_dyhat",
    arguments=("y", "yhat"),
    wrt="yhat",
    size_names=("B",),
    layout=JacobianLayout(batch=("B",), output=(1,), input=(1,)),
    kind="per_example",
    forward=half_squared_error,
    input_shapes={"y": ("B", 1), "yhat": ("B", 1)},
    visible_sizes={"B": 256},
    second_sizes={"B": 3},
    componentwise=True,
)

SCALAR_WRT_VECTOR = Case(
    key="scalar_wrt_vector",
    assignment=ASSIGNMENT,
    notebook="02_scalar_wrt_vector",
    title="Scalar w.r.t. vector",
    function="dloss_dyhat",
    arguments=("y", "yhat"),
    wrt="yhat",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=(1,), input=("D",)),
    kind="per_example",
    forward=half_squared_error,
    input_shapes={"y": ("B", "D"), "yhat": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
    componentwise=True,
)

VECTOR_WRT_MATRIX = Case(
    key="vector_wrt_matrix",
    assignment=ASSIGNMENT,
    notebook="03_vector_wrt_matrix",
    title="Vector w.r.t. matrix",
    function="dyhat_dW",
    arguments=("W", "x"),
    wrt="W",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=("B",), output=("output_dim",),
                          input=("output_dim", "input_dim")),
    kind="shared",
    forward=_linear,
    input_shapes={"W": ("output_dim", "input_dim"), "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
    componentwise=True,
)

SCALAR_WRT_MATRIX = Case(
    key="scalar_wrt_matrix",
    assignment=ASSIGNMENT,
    notebook="04_scalar_wrt_matrix",
    title="Scalar w.r.t. matrix (batch-averaged)",
    function="dloss_dW",
    arguments=("y", "W", "x"),
    wrt="W",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=(), output=(1,), input=("output_dim", "input_dim")),
    kind="shared",
    forward=_batch_mean_half_squared_error,
    input_shapes={"y": ("B", "output_dim"), "W": ("output_dim", "input_dim"),
                  "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
    per_example=_linear_half_squared_error,
)

ELEMENTWISE_NONLINEARITY = Case(
    key="elementwise_nonlinearity",
    assignment=ASSIGNMENT,
    notebook="05_elementwise_nonlinearity",
    title="Elementwise nonlinearity",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=sigmoid,
    input_shapes={"h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
    componentwise=True,
    mistakes=(
        differentiated("tanh_derivative_for_sigmoid", same(np.tanh)),
        differentiated("tanh_derivative_for_sigmoid", line(lambda h: 1 - sigmoid(h) ** 2)),
        differentiated("derivative_at_output", at_output(sigmoid)),
        differentiated("derivative_at_zero", at_zero(sigmoid)),
        differentiated("input_where_output_belongs", line(lambda h: h * (1 - h))),
        # e^-h / (1 + e^-h), the square of the denominator left out
        differentiated("square_forgotten", line(lambda h: sigmoid(-h))),
    ),
)

CASES = (SCALAR_WRT_SCALAR, SCALAR_WRT_VECTOR, VECTOR_WRT_MATRIX, SCALAR_WRT_MATRIX,
         ELEMENTWISE_NONLINEARITY)
"""In the order of the assignment's notebooks."""
