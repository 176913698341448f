"""Case ``affine_wrt_input``: ``z = W x + b`` per example, with respect to its input ``x``."""

from __future__ import annotations

from cases.case import Case
from cases.functions import affine
from jacobian_checks.layout import JacobianLayout

CASE = Case(
    key="affine_wrt_input",
    assignment="backprop",
    notebook="03_affine_wrt_input",
    title="Affine layer w.r.t. its input",
    function="dz_dx",
    arguments=("W", "b", "x"),
    wrt="x",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=("B",), output=("output_dim",), input=("input_dim",)),
    kind="per_example",
    forward=affine,
    input_shapes={"W": ("output_dim", "input_dim"), "b": ("output_dim",),
                  "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
    hidden_sizes={"B": (3, 40), "output_dim": (2, 13), "input_dim": (2, 13)},
)
