"""Case ``elementwise_nonlinearity``: ``a = sigmoid(h)``, with respect to ``h``, and the slips
students make in the sigmoid's derivative."""

from __future__ import annotations

import numpy as np

from cases.case import Case
from cases.functions import sigmoid
from cases.stand_ins import at_output, at_zero, differentiated, line, same
from jacobian_checks.layout import JacobianLayout

CASE = Case(
    key="elementwise_nonlinearity",
    assignment="jacobians",
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
    hidden_sizes={"B": (3, 40), "D": (2, 13)},
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
