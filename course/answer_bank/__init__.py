"""An independent bank of student answers for the `jacobians` assignment.

Each :class:`BankAnswer` is the text a student could leave in a solution cell, with what the
grader should make of it (``expect``) and, for wrong answers, a label for the mistake.  The bank
is used to test the autograder for false rejections and false acceptances.

- ``ANSWERS``: answers for the graded functions (``dloss_dyhat``, ``dyhat_dW``, ``dloss_dW``,
  ``da_dh``), all cases together.
- ``PREDICTED_SHAPES``: answers for each notebook's ``jacobian_shape``.
- ``APPLICABLE_MISTAKES``: per case, the mistake labels that make sense there.
"""

from . import (
    elementwise_nonlinearity,
    scalar_wrt_matrix,
    scalar_wrt_scalar,
    scalar_wrt_vector,
    vector_wrt_matrix,
)
from ._core import EXPECTATIONS, MISTAKES, SHAPE_MISTAKES, VALUE_MISTAKES, BankAnswer

_MODULES = (
    scalar_wrt_scalar,
    scalar_wrt_vector,
    vector_wrt_matrix,
    scalar_wrt_matrix,
    elementwise_nonlinearity,
)

ANSWERS: tuple[BankAnswer, ...] = tuple(a for m in _MODULES for a in m.ANSWERS)
PREDICTED_SHAPES: tuple[BankAnswer, ...] = tuple(a for m in _MODULES for a in m.PREDICTED_SHAPES)
APPLICABLE_MISTAKES: dict[str, frozenset[str]] = {m.CASE: m.APPLICABLE_MISTAKES for m in _MODULES}

__all__ = [
    "ANSWERS",
    "APPLICABLE_MISTAKES",
    "EXPECTATIONS",
    "MISTAKES",
    "PREDICTED_SHAPES",
    "SHAPE_MISTAKES",
    "VALUE_MISTAKES",
    "BankAnswer",
]
