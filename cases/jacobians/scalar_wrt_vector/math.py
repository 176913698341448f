"""Case ``scalar_wrt_vector``: ``L = 1/2 ||y - yhat||^2`` per example, with respect to ``yhat``."""

from __future__ import annotations

from cases.case import Case
from cases.functions import half_squared_error
from jacobian_checks.layout import JacobianLayout

CASE = Case(
    key="scalar_wrt_vector",
    assignment="jacobians",
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
    hidden_sizes={"B": (3, 40), "D": (2, 13)},
    componentwise=True,
)
