"""Case ``tanh``: ``a = tanh(h)``, with respect to ``h``, and the slips students make in tanh's
derivative (which the two-layer network's chain shares: :data:`TANH_SLIPS`)."""

from __future__ import annotations

import numpy as np

from cases.case import Case
from cases.functions import sigmoid
from cases.stand_ins import at_output, differentiated, line, same
from jacobian_checks.layout import JacobianLayout


def tanh(h: np.ndarray) -> np.ndarray:
    """Elementwise ``tanh``: ``(B, D) -> (B, D)``."""
    return np.tanh(h)


TANH_SLIPS = (
    ("sigmoid_derivative_for_tanh", same(sigmoid)),
    ("sigmoid_derivative_for_tanh", line(lambda h: np.tanh(h) * (1 - np.tanh(h)))),
    ("derivative_at_output", at_output(np.tanh)),
    ("input_where_output_belongs", line(lambda h: 1 - h ** 2)),
    ("square_forgotten", line(lambda h: 1 - np.tanh(h))),
    ("square_forgotten", line(lambda h: 1 / np.cosh(h))),
)
"""Slips in tanh's derivative, as stand-ins (:mod:`cases.stand_ins`): this case differentiates
them, the two-layer network puts them in its chain."""

CASE = Case(
    key="tanh",
    assignment="backprop",
    notebook="05_tanh",
    title="Tanh activation",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=tanh,
    input_shapes={"h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
    hidden_sizes={"B": (3, 40), "D": (2, 13)},
    componentwise=True,
    mistakes=tuple(differentiated(key, stand_in) for key, stand_in in TANH_SLIPS),
)
