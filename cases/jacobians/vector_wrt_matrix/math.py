"""Case ``vector_wrt_matrix``: ``yhat = W x`` per example, with respect to the shared ``W``."""

from __future__ import annotations

from cases.case import Case
from cases.functions import linear
from jacobian_checks.layout import JacobianLayout

CASE = Case(
    key="vector_wrt_matrix",
    assignment="jacobians",
    notebook="03_vector_wrt_matrix",
    title="Vector w.r.t. matrix",
    function="dyhat_dW",
    arguments=("W", "x"),
    wrt="W",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=("B",), output=("output_dim",),
                          input=("output_dim", "input_dim")),
    kind="shared",
    forward=linear,
    input_shapes={"W": ("output_dim", "input_dim"), "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
    hidden_sizes={"B": (3, 40), "output_dim": (2, 13), "input_dim": (2, 13)},
    componentwise=True,
)
