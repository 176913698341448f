"""What a diagnosis is: the common mistake a failed answer matches, in words a student can act on.

A check that fails asks :func:`jacobian_checks.diagnosis_shape.diagnose_shape` (wrong shape) or
:func:`jacobian_checks.diagnosis_values.diagnose_values` (right shape, wrong values) whether the
answer matches a known mistake. Both are pure functions that return a :class:`Diagnosis` only
when the evidence is unambiguous, and ``None`` otherwise; the check then puts the verdict and
the pointer in front of its usual report (see :mod:`jacobian_checks.verdicts`). On a hidden
run, whose sizes are secret, the verdict line is replaced by the diagnosis's title
(:data:`TITLES`), which holds no size. They run only after a
check has failed, so a passing answer costs nothing more. The list of diagnoses, with a real
message for each, is ``docs/diagnoses.md``.

This module holds what both sides share: :class:`Diagnosis`, how messages write shapes, and
:class:`Failure`, the evidence every value rule gets (:mod:`jacobian_checks.diagnosis_values`,
:mod:`jacobian_checks.diagnosis_parts`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .cases import Case, Inputs
from .compare import Tolerance, find_mismatch
from .layout import Sizes

BATCH = "B"
"""The batch size's symbol, in every case (a case without batch axes still takes it as a size)."""

HARDCODED_POINTER = ("Take every size from the inputs' shapes (B, D = yhat.shape, say): the "
                     "checks use other sizes too.")
"""What to check when a size of the notebook's test seems typed in."""


@dataclass(frozen=True)
class Diagnosis:
    """A common mistake that a failed answer matches.

    Attributes
    ----------
    key : str
        Short snake_case id, e.g. ``"transposed_axes"`` or ``"sign_flipped"``: what the
        course report counts.
    verdict : str
        One line saying what the answer looks like, e.g. ``"Your Jacobian looks transposed:
        its axes are (B, D, 1) = (256, 10, 1), input before output."``
    pointer : str
        One line pointing at the rule or the code to check, without giving the solution away.
    """

    key: str
    verdict: str
    pointer: str


TITLES = {
    "gradient_instead_of_jacobian": ("Your Jacobian has the shape of the input: it looks like "
                                     "the gradient, without the output's axes."),
    "elementwise_instead_of_jacobian": ("Your Jacobian has too few axes: one number per input "
                                        "entry, but every output entry depends on every input "
                                        "entry."),
    "elementwise_instead_of_diagonal": ("Your Jacobian has too few axes: it looks like only "
                                        "its diagonal."),
    "function_instead_of_derivative": ("Your Jacobian looks like the function's value, not "
                                       "its derivative."),
    "missing_batch_axis": "Your Jacobian has no batch axis.",
    "per_example_instead_of_mean": ("Your Jacobian looks like one gradient per example, but "
                                    "the loss is averaged over the batch."),
    "unexpected_batch_axis": "Your Jacobian has a batch axis too many.",
    "batch_axis_misplaced": "Your Jacobian's batch axis is in the wrong place.",
    "transposed_axes": ("Your Jacobian looks transposed: its axes are not in the order batch, "
                        "output, input."),
    "extra_unit_axis": "Your Jacobian has an extra axis of size 1.",
    "missing_unit_axis": "Your Jacobian is missing an axis of size 1.",
    "hardcoded_sizes": ("A size looks typed in: your answer fits the notebook's sizes, not "
                        "this test's."),
    "all_zeros": "Your Jacobian is all zeros.",
    "sign_flipped": "Your Jacobian has the wrong sign: its negative is right.",
    "scaled": "Your Jacobian is off by a constant factor.",
    "transposed_values": ("Your Jacobian's values look transposed: two of its axes of equal "
                          "size are swapped."),
    "reshaped_not_transposed": ("Your Jacobian has the right values in the wrong places: it "
                                "looks reshaped from another order of its axes, not "
                                "transposed."),
    "single_example": ("Your gradient is the gradient of one example, not the mean over the "
                       "batch."),
    "identity": "Your Jacobian is an identity pattern, or all ones.",
    "batch_permuted": "Your Jacobian has the right examples in the wrong order.",
    "some_examples_wrong": "Only part of the batch is right.",
    "diagonal_only": ("Your Jacobian's diagonal is right, but entries off the diagonal are "
                      "wrong."),
    "off_diagonal_only": ("Your Jacobian's entries off the diagonal are right, but diagonal "
                          "entries are wrong."),
}
"""Each diagnosis in one line that holds no size, index or value: what a hidden run shows."""


def axes_order(has_batch: bool) -> str:
    """The order of a Jacobian's axes in words: ``"batch, then output, then input"``."""
    return ("batch, then output, then input" if has_batch else "output, then input")


PROBE = 1024
"""How many leading entries a confirmation compares before comparing them all."""


@dataclass(frozen=True)
class Failure:
    """A right-shaped answer that failed the values check, and what it was compared with.

    Attributes
    ----------
    yours, reference : ndarray of float64
        The answer and the finite-difference Jacobian, both of the layout's shape
        ``(*batch, *output, *input)``.
    case : Case
    sizes : mapping of str to int
    inputs : dict of str to ndarray
        The inputs the answer was computed from.
    tolerance : Tolerance
        The tolerance the check used.
    examples : callable or None
        For a batch-averaged case: gives the Jacobian of each example, ``(B, *shape)``, when
        a rule asks for it (it costs a finite-difference pass), or ``None``.
    """

    yours: np.ndarray
    reference: np.ndarray
    case: Case
    sizes: Sizes
    inputs: Inputs
    tolerance: Tolerance
    examples: Callable[[], np.ndarray | None] | None = None

    def matches(self, yours: np.ndarray, expected: np.ndarray | None = None) -> bool:
        """``yours`` passes against ``expected`` (the reference by default).

        The first :data:`PROBE` entries are compared first: most transformations fail there,
        without sorting the mismatches of a large array.
        """
        target = self.reference if expected is None else expected
        probe = slice(0, PROBE)
        if find_mismatch(yours.reshape(-1)[probe], target.reshape(-1)[probe],
                         self.tolerance) is not None:
            return False
        return find_mismatch(yours, target, self.tolerance) is None

    @property
    def batch(self) -> int:
        """The batch size if the Jacobian has a batch axis, else 0."""
        return self.yours.shape[0] if self.case.layout.batch else 0
