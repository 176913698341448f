"""Case ``softmax``: ``a = softmax(h)`` per example, with respect to ``h``; the softmax's slips
are named by the grader's rules for a softmax (``autograder/softmax_slips.py``)."""

from __future__ import annotations

from cases.case import Case
from cases.functions import softmax
from jacobian_checks.layout import JacobianLayout

CASE = Case(
    key="softmax",
    assignment="backprop",
    notebook="01_softmax",
    title="Softmax",
    function="da_dh",
    arguments=("h",),
    wrt="h",
    size_names=("B", "D"),
    layout=JacobianLayout(batch=("B",), output=("D",), input=("D",)),
    kind="per_example",
    forward=softmax,
    input_shapes={"h": ("B", "D")},
    visible_sizes={"B": 256, "D": 10},
    second_sizes={"B": 3, "D": 7},
    hidden_sizes={"B": (3, 40), "D": (2, 13)},
)
