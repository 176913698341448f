"""What a notebook says: the text every notebook shares, and the form of each case's text."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from cases.validation import PLACEHOLDER

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
    follow_up : str
        Markdown after the graded cells: an ungraded task, or nothing.
    follow_up_code : str
        The code cell of that task, which the student fills; it is not graded, and as given
        it must run without error (nbgrader runs every cell when grading).
    """

    math: str
    shape_hint: str
    jacobian_shape: str
    code_hint: str
    function: str
    points: Mapping[str, int] = field(default_factory=lambda: dict(POINTS))
    follow_up: str = ""
    follow_up_code: str = ""

    def __post_init__(self) -> None:
        left = [f"{item.name} is still the template's placeholder: write {WHAT[item.name]}"
                for item in fields(self) if item.name in WHAT
                and PLACEHOLDER in getattr(self, item.name)]
        if left:
            raise ValueError("; ".join(left))
        if set(self.points) != set(POINTS) or any(
                not isinstance(value, int) or value < 1 for value in self.points.values()):
            raise ValueError(f"points must give {sorted(POINTS)} a positive int each, not "
                             f"{dict(self.points)}")


WHAT = {
    "math": "the function, in LaTeX, the shapes of its inputs in code, and the goal",
    "shape_hint": "'## 1. Shape analysis' and the questions that lead to the Jacobian's shape",
    "jacobian_shape": "the solution cell of jacobian_shape (jacobian_shape_cell: its docstring, "
                      "and the shape it returns, built from its arguments)",
    "code_hint": "'## 2. Code the Jacobian': how to find the derivative, a worked example on "
                 "another function, and the mistakes students make here, named without the fix",
    "function": "the graded function's solution cell: its def line, its docstring, and the "
                "solution between ### BEGIN SOLUTION and ### END SOLUTION",
    "follow_up": "the ungraded task after the graded cells, or nothing",
    "follow_up_code": "the code cell of that task, or nothing",
}
"""What each text of a notebook is, as the template's placeholders ask for it."""


def jacobian_shape_cell(summary: str, sizes: Mapping[str, str], answer: str) -> str:
    """The solution cell of ``jacobian_shape``: its ``def`` line, a numpydoc docstring, and
    ``return <answer>`` as the solution.

    Parameters
    ----------
    summary : str
        The docstring's first line.
    sizes : mapping of str to str
        The parameters, in order, each with its description; a key may name several that
        share one (``"output_dim, input_dim"``).
    answer : str
        The expression the solution returns, e.g. ``"(B, 1, D)"``.
    """
    names = ", ".join(sizes)
    parameters = "".join(f"    {key} : int\n        {text}\n" for key, text in sizes.items())
    return (f'def jacobian_shape({names}):\n    """{summary}\n\n    Parameters\n    ----------\n'
            f'{parameters}\n    Returns\n    -------\n    tuple of int\n    """\n'
            f"    ### BEGIN SOLUTION\n    return {answer}\n    ### END SOLUTION")


BATCH = "The batch size."
"""How every ``jacobian_shape`` docstring describes ``B``."""

RULE = """\
**The rule.** If a function maps an input of shape `(P, Q, ...)` to an output of shape
`(X, Y, ...)`, its Jacobian has shape `(X, Y, ..., P, Q, ...)`: one derivative for every
output entry and every input entry, the output's axes first. A scalar output, such as a loss,
is kept as an array of shape `(1,)`, so that its Jacobian keeps an output axis of size 1.

**The batch axis.** When the output is *per example* (each example of the batch has an output
of its own), the Jacobian gets a leading batch axis of size `B`: one Jacobian per example. The
rule then reads the shapes of one example: its output, and its input (one example's part of a
batched input such as `x`, or the whole of a parameter shared by the batch, such as `W`).
When the output is computed from the whole batch, as a loss averaged over the batch is, there
is no batch axis."""

HOW_TO_CHECK = """\
**Checking your work.** Run the test cells below each answer (or press **Validate**). They
check the shape first, then the values against finite differences of the math, on the
notebook's sizes and on a second set of sizes. When grading, hidden tests repeat the
checks on other sizes and random inputs: take every size from the arguments (`y.shape`,
`W.shape[0]`, ...), never from a constant."""
