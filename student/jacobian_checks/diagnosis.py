"""What a diagnosis is: the common mistake a failed answer matches, in words a student can act on.

A check that fails asks whether the answer matches a known mistake: of a wrong shape, the
run's :class:`~jacobian_checks.expected.Expectation` (the grader's rules, which know the
Jacobian's layout, or what the package stores of their verdicts for the notebook's sizes);
of a right shape with wrong values, :func:`jacobian_checks.diagnosis_values.diagnose_values`.
Both return a :class:`Diagnosis` only when the evidence is unambiguous, and ``None`` otherwise;
the check then puts the verdict and the pointer in front of its usual report (see
:mod:`jacobian_checks.verdicts`). A hidden run, whose sizes are secret, shows a fixed text
instead (:mod:`jacobian_checks.hidden_messages`); the course report counts the diagnoses by
their titles (:data:`TITLES`), which hold no size. They run only after a check has failed, so a
passing answer costs nothing more. The list of diagnoses, with a real message for each, is
``docs/diagnoses.md``.

This module holds what both sides share: :class:`Diagnosis`, the titles, and
:class:`Failure`, the evidence every value rule gets (:mod:`jacobian_checks.diagnosis_values`,
:mod:`jacobian_checks.diagnosis_parts`, :mod:`jacobian_checks.diagnosis_named`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .compare import Tolerance, find_mismatch
from .layout import JacobianLayout, Sizes
from .public_case import PublicCase

if TYPE_CHECKING:
    from .expected import NamedFamily

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
        the input's axes come before the output's."``; of a wrong shape, never the right one.
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
    "off_diagonal_only": "Your Jacobian is right off the diagonal, but diagonal entries are wrong.",
    "terms_instead_of_sum": ("Your Jacobian looks like the Jacobian of each term of the loss, "
                             "before their sum."),
    "jacobian_wrt_other_argument": ("Your Jacobian has the shape of the derivative with respect "
                                    "to another argument."),
    # a softmax and its cross-entropy (diagnosis_softmax)
    "softmax_over_batch_axis": ("Your Jacobian looks computed from a softmax over the wrong "
                                "axis: softmax normalises each example on its own."),
    "softmax_outer_product_missing": ("Your Jacobian is missing the term from the softmax's "
                                      "denominator."),
    "softmax_outer_product_added": ("Your Jacobian adds the term from the softmax's denominator "
                                    "where it is subtracted."),
    "log_softmax_jacobian": ("Your Jacobian is the Jacobian of log a = log softmax(h), not of "
                             "a = softmax(h)."),
    "softmax_as_elementwise": ("Your Jacobian treats the softmax as elementwise: only its "
                               "diagonal, as if each a_i depended on h_i alone."),
    "derivative_wrt_probabilities": ("Your gradient is the loss's derivative with respect to the "
                                     "probabilities a = softmax(h), not the logits h."),
    # a case's known mistakes, the right Jacobian of another function (diagnosis_substitutions)
    "sigmoid_derivative_for_tanh": ("Your Jacobian uses the sigmoid's derivative where tanh's "
                                    "belongs."),
    "tanh_derivative_for_sigmoid": ("Your Jacobian uses tanh's derivative where the sigmoid's "
                                    "belongs."),
    "derivative_at_output": ("Your Jacobian takes the activation's derivative at its output "
                             "a = f(h), where it belongs at its input h."),
    "input_where_output_belongs": ("Your Jacobian uses the activation's derivative written with "
                                   "its output a, but with the input h in a's place."),
    "square_forgotten": ("Your Jacobian looks like the activation's derivative with a square, or "
                         "a factor, left out."),
    "derivative_at_zero": ("Your Jacobian holds the activation's derivative at h = 0 on every "
                           "diagonal entry, whatever h is."),
    "activation_derivative_missing": ("Your gradient leaves the activation's Jacobian out of the "
                                      "chain, as if a = h."),
    "activation_left_out": ("Your gradient is that of the network without its activation, as if "
                            "yhat were computed from h instead of a."),
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
    case : PublicCase
    layout : JacobianLayout
        The Jacobian's axes (the answer's shape is right: they may be told).
    sizes : mapping of str to int
    tolerance : Tolerance
        The tolerance the check used.
    examples : callable or None
        For a batch-averaged case: gives the Jacobian of each example, ``(B, *shape)``, when
        a rule asks for it (it costs a finite-difference pass), or ``None``.
    named : callable or None
        Gives the answers of the case's named mistakes, family by family, when a rule asks
        for them (:mod:`jacobian_checks.diagnosis_named`), or ``None``.
    """

    yours: np.ndarray
    reference: np.ndarray
    case: PublicCase
    layout: JacobianLayout
    sizes: Sizes
    tolerance: Tolerance
    examples: Callable[[], np.ndarray | None] | None = None
    named: Callable[[], Iterable[NamedFamily]] | None = None

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
        return self.yours.shape[0] if self.layout.batch else 0
