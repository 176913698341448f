"""What a notebook says: the text every notebook shares, and the form of each case's text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

POINTS = {"predicted_shape": 1, "shape": 1, "values": 2}
"""Points of a notebook's three test cells, unless its text says otherwise."""


@dataclass(frozen=True)
class NotebookText:
    """What a notebook says and what its solution cells hold.

    Attributes
    ----------
    math : str
        Markdown: the case's function, in LaTeX, and the goal.
    shape_hint : str
        Markdown before ``jacobian_shape``: what to reason about.
    jacobian_shape : str
        The solution cell of ``jacobian_shape``: ``def`` line, docstring, then the solution
        between ``### BEGIN SOLUTION`` and ``### END SOLUTION``.
    code_hint : str
        Markdown before the graded function: how to code it, and the document's slip if any.
    function : str
        The graded function's solution cell, laid out like ``jacobian_shape``.
    points : mapping of str to int
        Points of the test cells ``predicted_shape``, ``shape`` and ``values``.
    """

    math: str
    shape_hint: str
    jacobian_shape: str
    code_hint: str
    function: str
    points: Mapping[str, int] = field(default_factory=lambda: dict(POINTS))

    def __post_init__(self) -> None:
        if set(self.points) != set(POINTS) or any(
                not isinstance(value, int) or value < 1 for value in self.points.values()):
            raise ValueError(f"points must give {sorted(POINTS)} a positive int each, not "
                             f"{dict(self.points)}")


RULE = """\
**The rule.** If a function maps an input of shape `(A, B, ...)` to an output of shape
`(X, Y, ...)`, its Jacobian has shape `(X, Y, ..., A, B, ...)`: one derivative for every
output entry and every input entry, output axes first. Derivatives with respect to network
inputs carry a leading batch axis `B`: one Jacobian per example."""

HOW_TO_CHECK = """\
Run the test cells below your answer to check it (or press **Validate**). They check the
shape first, then the values against finite differences of the math, on the notebook's sizes.
When grading, hidden tests repeat the checks on other sizes and random inputs, so take every
size from the arguments (`y.shape`, `W.shape[0]`, ...), never from a constant."""


