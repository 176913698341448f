"""An independent bank of student answers for every case of the course.

One module per case: the `jacobians` assignment's five (``scalar_wrt_scalar`` ...
``elementwise_nonlinearity``) and the `backprop` assignment's six (``softmax`` ...
``two_layer_network``). Each :class:`BankAnswer` is the text a student could leave in a
solution cell, with what the grader should make of it (``expect``) and, for wrong answers, a
label for the mistake.  The bank is used to test the autograder for false rejections and false
acceptances.

- ``ANSWERS``: answers for the graded functions (``dloss_dyhat``, ``dyhat_dW``, ``dloss_dW``,
  ``da_dh``; ``dloss_dh``, ``dz_dx``, ``dz_db``, ``dloss_dW1``), all cases together.
- ``PREDICTED_SHAPES``: answers for each notebook's ``jacobian_shape``.
- ``APPLICABLE_MISTAKES``: per case, the mistake labels that make sense there.
"""

from . import (
    affine_wrt_bias,
    affine_wrt_input,
    elementwise_nonlinearity,
    scalar_wrt_matrix,
    scalar_wrt_scalar,
    scalar_wrt_vector,
    softmax,
    softmax_cross_entropy,
    tanh,
    two_layer_network,
    vector_wrt_matrix,
)
from ._core import EXPECTATIONS, MISTAKES, SHAPE_MISTAKES, VALUE_MISTAKES, BankAnswer

_MODULES = (
    # assignment `jacobians`
    scalar_wrt_scalar,
    scalar_wrt_vector,
    vector_wrt_matrix,
    scalar_wrt_matrix,
    elementwise_nonlinearity,
    # assignment `backprop`
    softmax,
    softmax_cross_entropy,
    affine_wrt_input,
    affine_wrt_bias,
    tanh,
    two_layer_network,
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
