"""Case ``scalar_wrt_scalar``: ``L = 1/2 (y - yhat)^2`` per example, with respect to ``yhat``."""

from __future__ import annotations

from cases.case import Case
from cases.functions import half_squared_error
from jacobian_checks.layout import JacobianLayout

CASE = Case(
    key="scalar_wrt_scalar",
    assignment="jacobians",
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
    hidden_sizes={"B": (3, 40)},
    componentwise=True,
)
