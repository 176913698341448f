"""The answers of a new case: copy this file to ``course/answer_bank/<case key>.py``.

Its examples are those of an elementwise cube, ``da_dh(h)`` for a = h ** 3 with h of shape
(B, D), whose Jacobian (B, D, D) holds 3 h_i^2 on its diagonal; replace them with the case's.

- Each answer is a top-level function, named for what sets it apart, written as a student
  writes the graded function: its cell is the function renamed to the graded name, with the
  imports, helpers and module-level constants it uses (``course/answer_bank/cells.py``).
- At least 15 right answers, under ``@right``, in the styles students use: einsum, broadcasting,
  loops, nested lists, float32, a helper, a lambda (``name = right(lambda h: ...)``).
- At least 15 wrong ones, under ``@wrong(mistake)``, labelled with their mistake
  (``course/answer_bank/mistakes.py``): some with a wrong shape, some with wrong values, some
  with a size typed in (``@wrong("hardcoded_sizes")``, right at the notebook's sizes only).
  A wrong answer gets the diagnosis of its label (``tests/test_diagnosis.py``); where it
  cannot, the decorator says why: ``undiagnosed="..."``, or ``diagnosed_as=...,
  because="..."``.
- At least 4 right and 4 wrong predictions of the Jacobian's shape, ``jacobian_shape``, under
  ``@right_prediction`` and ``@wrong_prediction(mistake)``.
"""

import numpy as np

from course.answer_bank import right, right_prediction, wrong, wrong_prediction

#: The labels of course/answer_bank/mistakes.py that make sense for this case: each is used.
APPLICABLE_MISTAKES = frozenset(
    {
        "elementwise_instead_of_diagonal",
        "sign_flipped",
        "function_instead_of_derivative",
        "hardcoded_sizes",
    }
)

#: Runs on other sizes than the notebook's, where the wrong answers are diagnosed too: one
#: smaller and one larger, so that a size typed in shows as a wrong shape or value.
OTHER_SIZES = (
    {"B": 5, "D": 3},
    {"B": 40, "D": 12},
)


def cube(h):
    return h**3


@right
def einsum_with_identity(h):
    return np.einsum("bi,ij->bij", 3 * h**2, np.eye(h.shape[1]))


@right
def python_loops(h):
    B, D = h.shape
    J = np.zeros((B, D, D))
    for b in range(B):
        for i in range(D):
            J[b, i, i] = 3 * h[b, i] ** 2
    return J


@wrong("elementwise_instead_of_diagonal")
def elementwise(h):
    return 3 * h**2


@wrong("sign_flipped")
def negated(h):
    return -np.einsum("bi,ij->bij", 3 * h**2, np.eye(h.shape[1]))


@wrong("function_instead_of_derivative")
def the_cube_itself(h):
    return np.einsum("bi,ij->bij", cube(h), np.eye(h.shape[1]))


@wrong("hardcoded_sizes")
def identity_of_the_notebooks_d(h):
    return np.einsum("bi,ij->bij", 3 * h**2, np.eye(5))


@right_prediction
def predicted_tuple(B, D):
    return (B, D, D)


@wrong_prediction("elementwise_instead_of_diagonal")
def predicted_elementwise(B, D):
    return (B, D)
