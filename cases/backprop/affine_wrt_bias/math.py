"""Case ``affine_wrt_bias``: ``z = W x + b`` per example, with respect to the shared bias ``b``."""

from __future__ import annotations

from cases.case import Case
from cases.functions import affine
from jacobian_checks.layout import JacobianLayout

CASE = Case(
    key="affine_wrt_bias",
    assignment="backprop",
    notebook="04_affine_wrt_bias",
    title="Affine layer w.r.t. its bias",
    function="dz_db",
    arguments=("W", "b", "x"),
    wrt="b",
    size_names=("B", "output_dim", "input_dim"),
    layout=JacobianLayout(batch=("B",), output=("output_dim",), input=("output_dim",)),
    kind="shared",
    forward=affine,
    input_shapes={"W": ("output_dim", "input_dim"), "b": ("output_dim",),
                  "x": ("B", "input_dim")},
    visible_sizes={"B": 256, "output_dim": 10, "input_dim": 20},
    second_sizes={"B": 3, "output_dim": 7, "input_dim": 5},
    hidden_sizes={"B": (3, 40), "output_dim": (2, 13), "input_dim": (2, 13)},
    componentwise=True,
)
